import { ProviderFailureKind, type RefusalScope } from '../../domain/index.js';

/**
 * Alpha Vantage answers every failure with HTTP 200 and a JSON body, so the body has to be read
 * before any schema is applied (a rate-limit note would otherwise read as a malformed quote).
 *
 *   {"Note": "…API call frequency is 5 calls per minute…"}                       throttled (old wording)
 *   {"Information": "…standard API rate limit is 25 requests per day…"}          daily quota spent
 *   {"Information": "…spreading out your free API requests more sparingly…"}      burst limit
 *   {"Information": "…This is a premium endpoint…"}                               plan lacks the endpoint
 *   {"Information": "…outputsize=full parameter value is a premium feature…"}     plan lacks the feature
 *   {"Information": "The **demo** API key is for demo purposes only…"}            not a real key
 *   {"Error Message": "the parameter apikey is invalid or missing…"}              bad key
 *   {"Error Message": "Invalid API call. Please retry or visit the documentation…"} unknown symbol
 *   {"endpoint": "Realtime Bulk Quotes", "message": "…premium…", "data": [sample]} plan lacks the endpoint
 *
 * Quota wording is tested first: the daily-limit text also says "premium plans", and must not read
 * as a plan refusal (that would retire a good key).
 */

export interface BodyFailure {
  readonly kind: ProviderFailureKind;
  /** Our own words, safe for logs. */
  readonly reason: string;
  /** The provider's words, for `upstreamMessage`. */
  readonly upstream: string;
  readonly retryAfterMs?: number;
  /** For UNAUTHORIZED: whether the key itself or only its plan was refused. */
  readonly scope?: RefusalScope;
}

export interface CallContext {
  /** The symbol the call is about, when it names one: an "Invalid API call" then means the symbol is unknown. */
  readonly symbol?: string;
  /** Clock for quota-reset estimates. */
  readonly now: number;
}

const PER_SECOND = /sparingly|per second|burst/i;
const PER_MINUTE = /per minute/i;
const PER_DAY = /per day|daily/i;
const QUOTA = /rate limit|call frequency|requests per|calls per|sparingly|per second|per minute|per day/i;
const PLAN = /premium|demo|api ?key|subscribe|entitle/i;
const BAD_KEY = /apikey|api key/i;
/** The shared demo key: not a real key, so it is refused as one. */
const DEMO_KEY = /\bdemo\W*api ?key/i;

export function classifyBody(body: unknown, context: CallContext): BodyFailure | undefined {
  if (!isRecord(body)) return undefined;
  const errorMessage = textOf(body['Error Message']);
  if (errorMessage !== undefined) return classifyErrorMessage(errorMessage, context);
  const notice = textOf(body['Information']) ?? textOf(body['Note']);
  if (notice !== undefined) return classifyNotice(notice, context);
  // The realtime endpoints wrap data in {endpoint, message, data}; "success" is the only good message.
  const message = typeof body['endpoint'] === 'string' ? textOf(body['message']) : undefined;
  if (message !== undefined && !/^success$/i.test(message.trim())) return classifyEnvelopeMessage(message, context);
  if (context.symbol !== undefined && Object.keys(body).length === 0) {
    return { kind: ProviderFailureKind.NOT_FOUND, reason: `no data for ${context.symbol}`, upstream: '{}' };
  }
  return undefined;
}

function classifyErrorMessage(text: string, context: CallContext): BodyFailure {
  const upstream = scrub(text);
  if (BAD_KEY.test(text)) return { kind: ProviderFailureKind.UNAUTHORIZED, reason: 'the API key was refused', upstream, scope: 'key' };
  if (context.symbol !== undefined) {
    // Our calls are well formed, so the one thing Alpha Vantage can call invalid is the symbol.
    return { kind: ProviderFailureKind.NOT_FOUND, reason: `unknown symbol ${context.symbol}`, upstream };
  }
  return { kind: ProviderFailureKind.BAD_RESPONSE, reason: 'the call was refused as invalid', upstream };
}

function classifyNotice(text: string, context: CallContext): BodyFailure {
  const upstream = scrub(text);
  if (QUOTA.test(text)) return rateLimited(text, upstream, context);
  if (PLAN.test(text)) {
    // "premium endpoint", "premium feature": the plan; only the demo key is refused for what it is.
    const scope: RefusalScope = DEMO_KEY.test(text) ? 'key' : 'plan';
    return { kind: ProviderFailureKind.UNAUTHORIZED, reason: 'the key or its plan does not cover this call', upstream, scope };
  }
  // An unknown notice is most likely a new throttling text: resting the key heals, retiring it would not.
  return { kind: ProviderFailureKind.RATE_LIMITED, reason: 'answered with a notice instead of data', upstream };
}

function classifyEnvelopeMessage(text: string, context: CallContext): BodyFailure | undefined {
  const upstream = scrub(text);
  if (QUOTA.test(text)) return rateLimited(text, upstream, context);
  // Without the entitlement the realtime endpoints send sample data next to this message: never use it.
  if (PLAN.test(text)) return { kind: ProviderFailureKind.UNAUTHORIZED, reason: 'the key or its plan does not cover this endpoint', upstream, scope: 'plan' };
  return undefined;
}

function rateLimited(text: string, upstream: string, context: CallContext): BodyFailure {
  return { kind: ProviderFailureKind.RATE_LIMITED, reason: 'rate limited', upstream, retryAfterMs: retryAfterFor(text, context.now) };
}

/**
 * Alpha Vantage sends no Retry-After, so the wait is read off the limit its text names. The daily
 * quota's reset time is not documented: the next UTC midnight is an estimate that rests the key
 * long enough without retiring it.
 */
function retryAfterFor(text: string, now: number): number {
  if (PER_SECOND.test(text)) return 1_000;
  if (PER_DAY.test(text) && !PER_MINUTE.test(text)) {
    const midnight = new Date(now);
    midnight.setUTCHours(24, 0, 0, 0);
    return midnight.getTime() - now;
  }
  return 60_000;
}

/** Alpha Vantage quotes the caller's key back ("We have detected your API key as …"): cut it even when it is not ours. */
function scrub(text: string): string {
  return text.replace(/(api ?key as\s+)[^\s,.;]+/gi, '$1[redacted]');
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim().length > 0 ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
