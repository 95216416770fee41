import type { z } from 'zod';
import { ProviderError, ProviderFailureKind } from '../../domain/index.js';
import { getWithKey, keyInQuery } from '../kit/keyed-get.js';
import { describeIssues } from '../kit/payload.js';
import { endpointUrl, type ProviderIdentity, type RemoteContext } from '../kit/remote-context.js';
import { classifyBody } from './errors.js';

export const PROVIDER_ID = 'alphavantage';
export const PROVIDER: ProviderIdentity = { id: PROVIDER_ID, name: 'Alpha Vantage' };

/** One Alpha Vantage call: `GET /query?function=…&…&apikey=…`. */
export interface AlphaVantageCall {
  readonly function: string;
  readonly params: Readonly<Record<string, string>>;
  /** The canonical symbol the call is about, if any: it names failures and turns "Invalid API call" into NOT_FOUND. */
  readonly symbol?: string;
}

/**
 * Every capability goes through here: build the URL, acquire a key, fetch, and turn Alpha
 * Vantage's 200-with-an-error bodies into classified failures before any schema sees them; the
 * key source hears how each call ended.
 */
export class AlphaVantageClient {
  constructor(private readonly context: RemoteContext) {}

  get now(): number {
    return this.context.now();
  }

  async query(call: AlphaVantageCall, signal?: AbortSignal): Promise<unknown> {
    const { http } = this.context;
    const url = endpointUrl(this.context, '/query', { function: call.function, ...call.params });
    const response = await getWithKey(this.context, url, {
      signal,
      authorize: keyInQuery('apikey'),
      failureOf: (answer) => {
        const failed = http.failureForStatus(answer, `Alpha Vantage ${describe(call)} failed`);
        if (failed) return failed;
        const failure = classifyBody(answer.body, { symbol: call.symbol, now: this.now });
        return failure && http.failure(failure.kind, `Alpha Vantage ${describe(call)}: ${failure.reason}`, failure.upstream, failure.retryAfterMs, failure.scope);
      },
    });
    return response.body;
  }

  /** The payload read through its schema, or BAD_RESPONSE naming the first few problems. */
  parse<S extends z.ZodType>(schema: S, body: unknown, call: AlphaVantageCall): z.output<S> {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    throw this.badResponse(call, describeIssues(result.error));
  }

  badResponse(call: AlphaVantageCall, problem: string): ProviderError {
    return this.failure(ProviderFailureKind.BAD_RESPONSE, call, `answered an unexpected payload: ${problem}`);
  }

  notFound(call: AlphaVantageCall, what = 'no data'): ProviderError {
    return this.failure(ProviderFailureKind.NOT_FOUND, call, what);
  }

  /** A classified failure of `call`, redacted like every other. */
  failure(kind: ProviderFailureKind, call: AlphaVantageCall, what: string): ProviderError {
    return this.context.http.failure(kind, `Alpha Vantage ${describe(call)}: ${what}`);
  }
}

function describe(call: AlphaVantageCall): string {
  return call.symbol !== undefined ? `${call.function} for ${call.symbol}` : call.function;
}
