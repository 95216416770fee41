import { z } from 'zod';
import { ProviderError, ProviderFailureKind, type RefusalScope } from '../../domain/index.js';
import { parseRetryAfter, type JsonResponse, type ProviderHttpClient } from '../http.js';

/**
 * Twelve Data answers every failure as `{"code": 400|401|403|404|414|429|500, "message": "…",
 * "status": "error"}` (https://twelvedata.com/docs#errors), often inside an HTTP 200: the body's
 * `code` is what it means, the HTTP status only a fallback. In a batch the same object can stand in
 * for one symbol's quote, so the classification works on a body as well as on a response.
 */
const ErrorBodySchema = z.object({
  status: z.literal('error'),
  code: z.coerce.number().int().optional(),
  message: z.string().optional(),
});
export type TwelveDataErrorBody = z.infer<typeof ErrorBodySchema>;

/** "**symbol** not found: NOPE…" (404) and "**symbol** or **figi** parameter is missing or invalid…" (400). */
const SYMBOL_WORDS = /\bsymbol\b|\bfigi\b/i;
/** A time series asked for a range without bars: an empty answer, not an unknown symbol. */
const EMPTY_RANGE_WORDS = /no data is available on the specified dates/i;

const described: Record<ProviderFailureKind, string> = {
  RATE_LIMITED: 'out of API credits',
  NOT_FOUND: 'unknown symbol',
  UNAUTHORIZED: 'the API key was refused or the plan lacks this endpoint',
  UNAVAILABLE: 'server error',
  BAD_RESPONSE: 'request refused',
};

/** The error object a body (or a batch entry) is, if it is one. */
export function errorBodyOf(body: unknown): TwelveDataErrorBody | undefined {
  const parsed = ErrorBodySchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

/** True for the failure a time series answers when the range holds no bars. */
export function isEmptyRange(error: unknown): boolean {
  return error instanceof ProviderError && error.kind === ProviderFailureKind.NOT_FOUND && EMPTY_RANGE_WORDS.test(error.options.upstreamMessage ?? '');
}

/**
 * The classified failure a Twelve Data answer carries, or undefined for a usable 2xx. Runs before
 * any schema check, since an error body would otherwise read as a malformed payload.
 */
export function twelveDataFailure(http: ProviderHttpClient, response: JsonResponse, what: string, now: number): ProviderError | undefined {
  const error = errorBodyOf(response.body);
  if (error) return failureOf(http, error, response, what, now);
  if (response.status >= 200 && response.status < 300) return undefined;
  // No error object: a proxy or a wrong base URL answered, so only the status speaks.
  return failureOf(http, undefined, response, what, now);
}

/** The failure an error object stands for; `response` gives the status and headers it came with. */
export function failureOf(
  http: ProviderHttpClient,
  error: TwelveDataErrorBody | undefined,
  response: JsonResponse,
  what: string,
  now: number,
): ProviderError {
  const code = error?.code ?? response.status;
  const message = error?.message ?? '';
  // An HTTP 429 (Twelve Data's or a proxy's) is a rate limit whatever the body's code says.
  const kind = response.status === 429 ? ProviderFailureKind.RATE_LIMITED : kindOf(code, message, error !== undefined);
  const retryAfterMs = kind === ProviderFailureKind.RATE_LIMITED ? retryAfter(response, message, now) : undefined;
  const upstream = error?.message ?? JSON.stringify(response.body);
  // 401 a bad key; 402/403 "… is available exclusively with grow or pro … plans".
  const scope: RefusalScope | undefined = code === 401 ? 'key' : code === 402 || code === 403 ? 'plan' : undefined;
  return http.failure(kind, `${what}: ${described[kind]} (code ${code}, HTTP ${response.status})`, upstream, retryAfterMs, scope);
}

function kindOf(code: number, message: string, fromErrorBody: boolean): ProviderFailureKind {
  if (code === 429) return ProviderFailureKind.RATE_LIMITED;
  // 401 a bad key; 403 "… is available exclusively with grow or pro … plans": the plan lacks it.
  if (code === 401 || code === 402 || code === 403) return ProviderFailureKind.UNAUTHORIZED;
  if (code >= 500) return ProviderFailureKind.UNAVAILABLE;
  if (fromErrorBody && code === 404) return ProviderFailureKind.NOT_FOUND;
  if (fromErrorBody && code === 400 && (SYMBOL_WORDS.test(message) || EMPTY_RANGE_WORDS.test(message))) return ProviderFailureKind.NOT_FOUND;
  // Any other refusal (a bad interval, 414 too many symbols, a 404 without Twelve Data's error body
  // because the base URL is wrong) is our request's fault: it must not be cached as "no such symbol".
  return ProviderFailureKind.BAD_RESPONSE;
}

/**
 * Retry-After when sent. Otherwise the message says which quota ran out ("… API credits for the
 * current minute" or "… for the day"), and credits refill at the next minute or the next UTC day.
 */
function retryAfter(response: JsonResponse, message: string, now: number): number | undefined {
  const explicit = parseRetryAfter(response.headers['retry-after'], now);
  if (explicit !== undefined) return explicit;
  if (/\bminute\b/i.test(message)) return 60_000 - (now % 60_000);
  if (/\bday\b/i.test(message)) return 86_400_000 - (now % 86_400_000);
  return undefined;
}
