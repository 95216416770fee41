import type { ProviderError } from '../../domain/index.js';
import type { JsonResponse } from '../http.js';
import { withKey } from '../keys.js';
import type { RemoteContext } from './remote-context.js';

/** How one provider's GET differs from another's: where the key goes, and what its error answers look like. */
export interface KeyedGetOptions {
  readonly signal?: AbortSignal | undefined;
  /**
   * Puts the key where the provider documents it: in a header (returned), or in the URL's query
   * (set on `url`, returning no headers). Headers keep the key out of any URL a log might keep.
   */
  readonly authorize: (key: string, url: URL) => Readonly<Record<string, string>>;
  /** The provider's error answers (statuses, 200-with-an-error bodies) classified before anyone reads the body as data. */
  readonly failureOf: (response: JsonResponse) => ProviderError | undefined;
  /** How a transport failure is reworded for this provider (FMP names the call); as thrown by default. */
  readonly reclassify?: (error: unknown) => unknown;
  /** Quota the call spends (default 1). */
  readonly cost?: number;
}

/**
 * One upstream GET with an acquired key: the response when the provider answered data, a
 * classified ProviderError otherwise, and the key source told how the call ended either way.
 */
export function getWithKey(context: RemoteContext, url: URL, options: KeyedGetOptions): Promise<JsonResponse> {
  return withKey(
    context.keys,
    async (key) => {
      const headers = options.authorize(key, url);
      let response: JsonResponse;
      try {
        response = await context.http.getJson(url, { signal: options.signal, headers: { ...headers } });
      } catch (error) {
        throw options.reclassify ? options.reclassify(error) : error;
      }
      const failure = options.failureOf(response);
      if (failure) throw failure;
      return response;
    },
    { cost: options.cost ?? 1 },
  );
}

/** Authorizes with the key as a query parameter, for providers that document no header. */
export function keyInQuery(name: string): (key: string, url: URL) => Readonly<Record<string, string>> {
  return (key, url) => {
    url.searchParams.set(name, key);
    return {};
  };
}
