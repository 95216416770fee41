import type { JsonResponse } from '../http.js';
import { getWithKey } from '../kit/keyed-get.js';
import { endpointUrl, type ProviderIdentity, type RemoteContext } from '../kit/remote-context.js';
import { twelveDataFailure } from './errors.js';

export const PROVIDER_ID = 'twelvedata';
export const PROVIDER: ProviderIdentity = { id: PROVIDER_ID, name: 'Twelve Data' };

/**
 * One Twelve Data call: the key in the documented `Authorization: apikey …` header rather than the
 * `apikey=` parameter, so it never rides in a URL, and the error answers classified before anyone
 * reads the body as data. The whole response comes back for callers that read batch entries. A
 * quote or time series costs one API credit per symbol, and the key source is charged so.
 */
export function getTwelveData(
  context: RemoteContext,
  path: string,
  params: Readonly<Record<string, string>>,
  what: string,
  signal?: AbortSignal,
): Promise<JsonResponse> {
  return getWithKey(context, endpointUrl(context, path, params), {
    signal,
    authorize: (key) => ({ authorization: `apikey ${key}` }),
    failureOf: (response) => twelveDataFailure(context.http, response, what, context.now()),
    cost: creditsOf(path, params),
  });
}

/** Per-symbol endpoints cost a credit for each comma-separated symbol; the rest one a call. */
function creditsOf(path: string, params: Readonly<Record<string, string>>): number {
  if (path !== '/quote' && path !== '/time_series') return 1;
  return Math.max(1, (params['symbol'] ?? '').split(',').filter((symbol) => symbol.trim() !== '').length);
}
