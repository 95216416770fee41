import { ProviderError, ProviderFailureKind, type RefusalScope } from '../../domain/index.js';
import { parseRetryAfter, type JsonResponse, type ProviderHttpClient } from '../http.js';

/**
 * FMP's refusals, told apart by FMP's own words. FMP does not let the status speak alone: a spent
 * quota comes as 429 or as 200, a bad key as 401 or 200, all with `{"Error Message": "…"}`; plan
 * refusals come as 402/403, sometimes as bare prose that is not JSON at all. So the words are
 * read first, then the status, and only then is a body taken for data.
 */

/** A spent daily or bandwidth quota. Checked first: FMP words these "Please upgrade your plan" too. */
const QUOTA = /limit reach|too many requests|rate limit/i;
/** /api/v3 and /api/v4 called with a key made after August 2025. */
const LEGACY = /legacy endpoint/i;
/** A bad or revoked key, or a plan without this endpoint, symbol or parameter value. */
const REFUSAL =
  /invalid api key|api key|restricted endpoint|exclusive endpoint|special endpoint|premium query parameter|not available under your current subscription|upgrade your plan/i;

/** The key itself is bad or revoked ("Invalid API KEY. Feel free to create a Free API Key…"). */
const BAD_KEY = /invalid api key/i;
/** The key is fine but its plan lacks the endpoint, symbol or parameter value. */
const PLAN = /restricted endpoint|exclusive endpoint|special endpoint|premium|not available under your current subscription|upgrade your plan/i;

/** What operators must do when the legacy API refuses a key; first, so truncation keeps it. */
export const LEGACY_HINT = 'Set FMP_API=stable: this key cannot use the legacy /api/v3 endpoints.';

/** FMP's error words in a JSON body: `Error Message` (most endpoints), `error` or `message` (a few). */
export function errorWordsOf(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  for (const field of ['Error Message', 'error', 'message']) {
    const value = record[field];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** The kind FMP's words name, if they name one. */
export function kindOfWords(words: string): ProviderFailureKind | undefined {
  if (QUOTA.test(words)) return ProviderFailureKind.RATE_LIMITED;
  if (LEGACY.test(words) || REFUSAL.test(words)) return ProviderFailureKind.UNAUTHORIZED;
  return undefined;
}

/**
 * Whether a refusal is about the key or its plan. A legacy-API refusal is a setting to change
 * (FMP_API), not a bad key; unknown words about the key count as the key.
 */
export function scopeOfWords(words: string): RefusalScope {
  if (BAD_KEY.test(words)) return 'key';
  if (LEGACY.test(words) || PLAN.test(words)) return 'plan';
  return 'key';
}

/** The provider's words as logs should keep them: the legacy refusal carries what to do about it. */
function upstreamOf(words: string): string {
  return LEGACY.test(words) ? `${LEGACY_HINT} FMP said: ${words}` : words;
}

/**
 * The failure a parsed response stands for, or undefined when it is data. `what` names the call
 * in our words (e.g. `quote AAPL`); FMP's words go to `upstreamMessage` only.
 */
export function failureOf(http: ProviderHttpClient, response: JsonResponse, what: string): ProviderError | undefined {
  const words = errorWordsOf(response.body);
  if (words === undefined) return http.failureForStatus(response, `FMP ${what} failed`);
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
  // A 429 is a rate limit whatever its words: refusal words under one, read as a refusal, would
  // retire a key that only needs to rest.
  const kind = response.status === 429 ? ProviderFailureKind.RATE_LIMITED : kindOfWords(words);
  if (kind !== undefined) {
    return http.failure(kind, `FMP refused ${what} (HTTP ${response.status}, ${describe(kind)})`, upstreamOf(words), retryAfterMs, scopeOfWords(words));
  }
  // Words we do not recognise: the status decides, and a 200 carrying them is not the data asked for.
  return (
    http.failureForStatus(response, `FMP ${what} failed`, words) ??
    http.failure(ProviderFailureKind.BAD_RESPONSE, `FMP answered ${what} with an error body (HTTP ${response.status})`, words, retryAfterMs)
  );
}

/**
 * FMP's plan refusals (402 "Restricted Endpoint: …", "Premium Query Parameter: …") are prose, not
 * JSON, so the shared client has already failed them as BAD_RESPONSE before this adapter sees the
 * status. Their words still say what they are: reclassify those, leave every other failure as is.
 */
export function reclassified(http: ProviderHttpClient, error: unknown, what: string): unknown {
  if (!(error instanceof ProviderError) || error.kind !== ProviderFailureKind.BAD_RESPONSE) return error;
  const words = error.options.upstreamMessage;
  const kind = words === undefined ? undefined : kindOfWords(words);
  if (words === undefined || kind === undefined) return error;
  return http.failure(
    kind,
    `FMP refused ${what} in plain text (${describe(kind)}): ${error.message}`,
    upstreamOf(words),
    error.options.retryAfterMs,
    scopeOfWords(words),
  );
}

function describe(kind: ProviderFailureKind): string {
  return kind === ProviderFailureKind.RATE_LIMITED ? 'quota spent' : 'key or plan refused';
}
