import { z } from 'zod';
import { ProviderFailureKind, type ProviderError, type RefusalScope } from '../../domain/index.js';
import { parseRetryAfter, type JsonResponse, type ProviderHttpClient } from '../http.js';

/**
 * Finnhub answers failures with real HTTP statuses and a `{"error": "…"}` body: 401 for a missing
 * or invalid key, 403 "You don't have access to this resource." for an endpoint the plan lacks,
 * 429 "API limit reached…" past 60 calls a minute or 30 a second. An unknown symbol is NOT an error
 * to Finnhub: it answers 200 with an empty-looking payload, which the capabilities detect.
 */
const ErrorBodySchema = z.object({ error: z.string() });

const RATE_LIMIT_WORDS = /limit reached|rate limit|too many requests/i;
const ACCESS_WORDS = /access|api key|token|subscription|premium|plan/i;
/** Words of a plan refusal ("You don't have access to this resource."), as opposed to a bad key. */
const PLAN_WORDS = /access|subscription|premium|plan|upgrade/i;

const described: Record<ProviderFailureKind, string> = {
  RATE_LIMITED: 'rate limited',
  NOT_FOUND: 'not found',
  UNAUTHORIZED: 'the API key was refused or the plan lacks this endpoint',
  UNAVAILABLE: 'server error',
  BAD_RESPONSE: 'request refused',
};

/**
 * The classified failure a Finnhub answer carries, or undefined for a usable 2xx. Runs before any
 * schema check, since an error body would otherwise read as a malformed payload.
 */
export function finnhubFailure(http: ProviderHttpClient, response: JsonResponse, what: string, now: number): ProviderError | undefined {
  const errorBody = ErrorBodySchema.safeParse(response.body);
  const ok = response.status >= 200 && response.status < 300;
  if (ok && !errorBody.success) return undefined;

  const message = errorBody.success ? errorBody.data.error : '';
  const kind = kindOf(response.status, message);
  const retryAfterMs = kind === ProviderFailureKind.RATE_LIMITED ? retryAfter(response, now) : undefined;
  const upstream = errorBody.success ? message : JSON.stringify(response.body);
  return http.failure(kind, `${what}: ${described[kind]} (HTTP ${response.status})`, upstream, retryAfterMs, scopeOf(response.status, message));
}

/** 401 is the key; 402/403 the plan; a refusal inside a 200 says which in its words. */
function scopeOf(status: number, message: string): RefusalScope {
  if (status === 401) return 'key';
  if (status === 402 || status === 403) return 'plan';
  return PLAN_WORDS.test(message) ? 'plan' : 'key';
}

function kindOf(status: number, message: string): ProviderFailureKind {
  if (status === 429 || RATE_LIMIT_WORDS.test(message)) return ProviderFailureKind.RATE_LIMITED;
  if (status === 401 || status === 402 || status === 403) return ProviderFailureKind.UNAUTHORIZED;
  if (status >= 500) return ProviderFailureKind.UNAVAILABLE;
  // A 200 carrying an error body speaks only through its words.
  if (status < 300 && ACCESS_WORDS.test(message)) return ProviderFailureKind.UNAUTHORIZED;
  // Finnhub says "unknown symbol" with an empty 200, never with a 404: a 404 or 400 means our path,
  // parameters or base URL are wrong, and must not be cached as an answer about the symbol.
  return ProviderFailureKind.BAD_RESPONSE;
}

/** Retry-After when sent; else X-Ratelimit-Reset, the epoch second at which the quota refills. */
function retryAfter(response: JsonResponse, now: number): number | undefined {
  const explicit = parseRetryAfter(response.headers['retry-after'], now);
  if (explicit !== undefined) return explicit;
  const reset = Number(headerValue(response.headers['x-ratelimit-reset']));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
