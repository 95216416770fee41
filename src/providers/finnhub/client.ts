import { getWithKey } from '../kit/keyed-get.js';
import { endpointUrl, type ProviderIdentity, type RemoteContext } from '../kit/remote-context.js';
import { finnhubFailure } from './errors.js';

export const PROVIDER_ID = 'finnhub';
export const PROVIDER: ProviderIdentity = { id: PROVIDER_ID, name: 'Finnhub' };

/**
 * One Finnhub call: the URL from the base (the real one carries the `/api/v1` prefix) and neutral
 * parameters, the key in the documented `X-Finnhub-Token` header (so it never rides in a URL that
 * a proxy or log might keep), and the provider's error answers classified before anyone reads the
 * body as data. The key source hears how the call ended.
 */
export async function getFinnhub(
  context: RemoteContext,
  path: string,
  params: Readonly<Record<string, string>>,
  what: string,
  signal?: AbortSignal,
): Promise<unknown> {
  const response = await getWithKey(context, endpointUrl(context, path, params), {
    signal,
    authorize: (key) => ({ 'x-finnhub-token': key }),
    failureOf: (answer) => finnhubFailure(context.http, answer, what, context.now()),
  });
  return response.body;
}
