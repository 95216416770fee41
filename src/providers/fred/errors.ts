import { z } from 'zod';
import { ProviderFailureKind, type ProviderError } from '../../domain/index.js';
import { parseRetryAfter, type JsonResponse, type ProviderHttpClient } from '../http.js';

/**
 * FRED answers every failure as `{"error_code": 400, "error_message": "Bad Request.  …"}` (see
 * https://fred.stlouisfed.org/docs/api/fred/errors.html), and uses 400 for most of them: an unknown
 * series and a refused key differ only in the message. So the message decides, then the status.
 */
const FredErrorBodySchema = z.object({
  error_code: z.coerce.number().int().optional(),
  error_message: z.string(),
});

const RATE_LIMIT_WORDS = /too many requests|rate limit/i;
const UNKNOWN_SERIES_WORDS = /series does not exist/i;
/** "api_key is not registered", "… is not a 32 character alpha-numeric lower-case string", "… has not been set". */
const KEY_WORDS = /api_key/i;

const described: Record<ProviderFailureKind, string> = {
  RATE_LIMITED: 'rate limited',
  NOT_FOUND: 'no such series',
  UNAUTHORIZED: 'the API key was refused',
  UNAVAILABLE: 'server error',
  BAD_RESPONSE: 'request refused',
};

/**
 * The classified failure a FRED answer carries, or undefined for a usable 2xx. Runs before any
 * schema check, since an error body would otherwise read as a malformed payload.
 */
export function fredFailure(http: ProviderHttpClient, response: JsonResponse, what: string): ProviderError | undefined {
  const errorBody = FredErrorBodySchema.safeParse(response.body);
  const ok = response.status >= 200 && response.status < 300;
  if (ok && !errorBody.success) return undefined;

  const message = errorBody.success ? errorBody.data.error_message : '';
  // An error body inside a 2xx carries the status FRED meant.
  const status = ok && errorBody.success ? (errorBody.data.error_code ?? response.status) : response.status;
  const kind = kindOf(status, message);
  const retryAfterMs = kind === ProviderFailureKind.RATE_LIMITED ? parseRetryAfter(response.headers['retry-after']) : undefined;
  const upstream = errorBody.success ? message : JSON.stringify(response.body);
  // FRED has no plans: every refusal it makes is about the key (unknown, malformed, locked).
  return http.failure(kind, `${what}: ${described[kind]} (HTTP ${status})`, upstream, retryAfterMs, 'key');
}

function kindOf(status: number, message: string): ProviderFailureKind {
  if (status === 429 || RATE_LIMIT_WORDS.test(message)) return ProviderFailureKind.RATE_LIMITED;
  if (UNKNOWN_SERIES_WORDS.test(message)) return ProviderFailureKind.NOT_FOUND;
  // 423 Locked is in FRED's list of statuses; a locked key is as unusable as a revoked one.
  if (KEY_WORDS.test(message) || status === 401 || status === 402 || status === 403 || status === 423) {
    return ProviderFailureKind.UNAUTHORIZED;
  }
  if (status >= 500) return ProviderFailureKind.UNAVAILABLE;
  // Other refusals (a 400 about a date, a 404 for a path FRED does not serve) mean our request or
  // base URL is wrong, not that the series is unknown: FRED says that with a 400 and its own words.
  return ProviderFailureKind.BAD_RESPONSE;
}
