import type { JsonResponse } from '../http.js';
import { withKey } from '../keys.js';
import type { ProviderIdentity, RemoteContext } from '../kit/remote-context.js';
import { failureOf } from './errors.js';

export const PROVIDER_ID = 'polygon';
export const PROVIDER: ProviderIdentity = { id: PROVIDER_ID, name: 'Polygon.io (Massive)' };

/** A path segment for a ticker (BRK.B stays BRK.B; anything odd is escaped, never interpreted). */
export function segment(ticker: string): string {
  return encodeURIComponent(ticker);
}

/**
 * One GET with an acquired key. The key travels in the Authorization header (Polygon's documented
 * alternative to `apiKey=`), so it is in no URL, hence in no log line or error naming one. The
 * response comes back as it is (the quote reads a plan refusal as "use daily bars"), but the key
 * source is told what it meant, under `what`.
 */
export function send(context: RemoteContext, url: URL, what: string, signal?: AbortSignal): Promise<JsonResponse> {
  return withKey(context.keys, (key) => context.http.getJson(url, { signal, headers: { authorization: `Bearer ${key}` } }), {
    outcomeOf: (response) => failureOf(context.http, response, what),
  });
}

/** The body of a successful call; any of Polygon's error answers throws, classified. */
export async function getPayload(context: RemoteContext, url: URL, what: string, signal?: AbortSignal): Promise<unknown> {
  const response = await send(context, url, what, signal);
  const failure = failureOf(context.http, response, what);
  if (failure) throw failure;
  return response.body;
}
