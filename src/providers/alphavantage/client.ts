import type { z } from 'zod';
import { ProviderError, ProviderFailureKind } from '../../domain/index.js';
import type { ProviderHttpClient } from '../http.js';
import { withKey, type KeySource } from '../keys.js';
import { classifyBody } from './errors.js';

export const PROVIDER_ID = 'alphavantage';

/** One Alpha Vantage call: `GET /query?function=…&…&apikey=…`. */
export interface AlphaVantageCall {
  readonly function: string;
  readonly params: Readonly<Record<string, string>>;
  /** The canonical symbol the call is about, if any: it names failures and turns "Invalid API call" into NOT_FOUND. */
  readonly symbol?: string;
}

export interface AlphaVantageClientOptions {
  readonly http: ProviderHttpClient;
  readonly keys: KeySource;
  /** API base without a trailing slash; may carry a path prefix. */
  readonly baseUrl: string;
  readonly now: () => number;
}

/**
 * Every capability goes through here: build the URL, acquire a key, fetch, and turn Alpha
 * Vantage's 200-with-an-error bodies into classified failures before any schema sees them; the
 * key source hears how each call ended.
 */
export class AlphaVantageClient {
  constructor(private readonly options: AlphaVantageClientOptions) {}

  get now(): number {
    return this.options.now();
  }

  async query(call: AlphaVantageCall, signal?: AbortSignal): Promise<unknown> {
    const { http, keys, baseUrl } = this.options;
    const url = new URL(`${baseUrl}/query`);
    url.searchParams.set('function', call.function);
    for (const [name, value] of Object.entries(call.params)) url.searchParams.set(name, value);
    return withKey(keys, async (key) => {
      url.searchParams.set('apikey', key);
      const response = await http.getJson(url, { signal });
      const failed = http.failureForStatus(response, `Alpha Vantage ${describe(call)} failed`);
      if (failed) throw failed;
      const failure = classifyBody(response.body, { symbol: call.symbol, now: this.now });
      if (failure) {
        throw http.failure(failure.kind, `Alpha Vantage ${describe(call)}: ${failure.reason}`, failure.upstream, failure.retryAfterMs, failure.scope);
      }
      return response.body;
    });
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
    return this.options.http.failure(kind, `Alpha Vantage ${describe(call)}: ${what}`);
  }
}

/** The first few problems zod found, short enough for a log line. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

function describe(call: AlphaVantageCall): string {
  return call.symbol !== undefined ? `${call.function} for ${call.symbol}` : call.function;
}
