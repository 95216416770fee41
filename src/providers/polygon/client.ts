import type { ProviderHttpClient, JsonResponse } from '../http.js';
import type { KeyRing } from '../keys.js';
import { failureOf } from './errors.js';

export const PROVIDER_ID = 'polygon';

/** What every Polygon capability is built from: one HTTP client and one key ring per adapter. */
export interface PolygonContext {
  readonly http: ProviderHttpClient;
  readonly keys: KeyRing;
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
 * One GET with the next key of the ring. The key travels in the Authorization header (Polygon's
 * documented alternative to `apiKey=`), so it is in no URL, hence in no log line or error naming one.
 */
export function send(context: PolygonContext, url: URL, signal?: AbortSignal): Promise<JsonResponse> {
  return context.http.getJson(url, { signal, headers: { authorization: `Bearer ${context.keys.take()}` } });
}

/** The body of a successful call; any of Polygon's error answers throws, classified. */
export async function getPayload(context: PolygonContext, url: URL, what: string, signal?: AbortSignal): Promise<unknown> {
  const response = await send(context, url, signal);
  const failure = failureOf(context.http, response, what);
  if (failure) throw failure;
  return response.body;
}
