import type { ProviderHttpClient, JsonResponse } from '../http.js';
import { withKey, type KeySource } from '../keys.js';
import { failureOf } from './errors.js';

export const PROVIDER_ID = 'polygon';

/** What every Polygon capability is built from: one HTTP client and one key source per adapter. */
export interface PolygonContext {
  readonly http: ProviderHttpClient;
  readonly keys: KeySource;
  /** API base without a trailing slash; it may carry a path prefix (a proxy), so paths are appended to it. */
  readonly baseUrl: string;
  /** Clock for provenance and date windows; injectable so tests need no fake timers. */
  readonly now: () => number;
}

export type QueryValue = string | number | boolean;

/** The URL of one endpoint. `new URL(path, base)` would drop a base's path prefix, so the path is appended. */
export function endpoint(context: PolygonContext, path: string, query: Readonly<Record<string, QueryValue>> = {}): URL {
  const url = new URL(context.baseUrl + path);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
  return url;
}

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
export function send(context: PolygonContext, url: URL, what: string, signal?: AbortSignal): Promise<JsonResponse> {
  return withKey(context.keys, (key) => context.http.getJson(url, { signal, headers: { authorization: `Bearer ${key}` } }), {
    outcomeOf: (response) => failureOf(context.http, response, what),
  });
}

/** The body of a successful call; any of Polygon's error answers throws, classified. */
export async function getPayload(context: PolygonContext, url: URL, what: string, signal?: AbortSignal): Promise<unknown> {
  const response = await send(context, url, what, signal);
  const failure = failureOf(context.http, response, what);
  if (failure) throw failure;
  return response.body;
}
