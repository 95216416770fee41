import type { z } from 'zod';
import { ProviderError, ProviderFailureKind } from '../../domain/index.js';
import type { FetchOptions } from '../adapter.js';
import type { JsonResponse, ProviderHttpClient } from '../http.js';
import { withKey, type KeySource } from '../keys.js';
import { failureOf, reclassified } from './errors.js';
import type { FmpRequest } from './wire.js';

export const PROVIDER_ID = 'fmp';

/**
 * One FMP call: the URL under the configured base with an acquired key as `apikey`, the shared HTTP
 * client, and FMP's error bodies turned into classified failures before anyone reads the body
 * as data. `what` names the call in our words (`quote AAPL`) for messages and logs.
 */
export class FmpClient {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly keys: KeySource,
    private readonly baseUrl: string,
  ) {}

  async get(request: FmpRequest, what: string, options?: FetchOptions): Promise<unknown> {
    // The base may carry a path prefix (a proxy), so the path is appended, never resolved.
    const url = new URL(this.baseUrl + request.path);
    for (const [name, value] of Object.entries(request.params)) url.searchParams.set(name, String(value));
    return withKey(this.keys, async (key) => {
      url.searchParams.set('apikey', key);
      let response: JsonResponse;
      try {
        response = await this.http.getJson(url, { signal: options?.signal });
      } catch (error) {
        throw reclassified(this.http, error, what);
      }
      const failure = failureOf(this.http, response, what);
      if (failure) throw failure;
      return response.body;
    });
  }

  /** A payload that is not what FMP documents; the issues (which quote FMP's values) are for logs. */
  invalid(what: string, problem: z.ZodError | string): ProviderError {
    const detail =
      typeof problem === 'string'
        ? problem
        : problem.issues
            .slice(0, 5)
            .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
            .join('; ');
    return this.http.failure(ProviderFailureKind.BAD_RESPONSE, `FMP answered ${what} with a payload that does not match its documented format`, detail);
  }

  notFound(what: string): ProviderError {
    return this.http.failure(ProviderFailureKind.NOT_FOUND, `FMP has no ${what}`);
  }

  /** `value` checked against a domain schema: what leaves the adapter is always a valid domain object. */
  checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw this.invalid(what, parsed.error);
    return parsed.data;
  }
}
