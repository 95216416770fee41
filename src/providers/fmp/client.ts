import type { z } from 'zod';
import { ProviderError, ProviderFailureKind } from '../../domain/index.js';
import type { FetchOptions } from '../adapter.js';
import type { ProviderHttpClient } from '../http.js';
import { getWithKey, keyInQuery } from '../kit/keyed-get.js';
import { describeIssues } from '../kit/payload.js';
import { endpointUrl, type ProviderIdentity, type RemoteContext } from '../kit/remote-context.js';
import { failureOf, reclassified } from './errors.js';
import type { FmpRequest } from './wire.js';

export const PROVIDER_ID = 'fmp';
export const PROVIDER: ProviderIdentity = { id: PROVIDER_ID, name: 'Financial Modeling Prep' };

/**
 * One FMP call: the URL under the configured base with an acquired key as `apikey`, the shared HTTP
 * client, and FMP's error bodies turned into classified failures before anyone reads the body
 * as data. `what` names the call in our words (`quote AAPL`) for messages and logs.
 */
export class FmpClient {
  private readonly http: ProviderHttpClient;

  constructor(private readonly context: RemoteContext) {
    this.http = context.http;
  }

  async get(request: FmpRequest, what: string, options?: FetchOptions): Promise<unknown> {
    const response = await getWithKey(this.context, endpointUrl(this.context, request.path, request.params), {
      signal: options?.signal,
      authorize: keyInQuery('apikey'),
      reclassify: (error) => reclassified(this.http, error, what),
      failureOf: (answer) => failureOf(this.http, answer, what),
    });
    return response.body;
  }

  /** A payload that is not what FMP documents; the issues (which quote FMP's values) are for logs. */
  invalid(what: string, problem: z.ZodError | string): ProviderError {
    const detail = typeof problem === 'string' ? problem : describeIssues(problem, 5);
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
