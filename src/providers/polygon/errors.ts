import type { z } from 'zod';
import { ProviderFailureKind, type ProviderError } from '../../domain/index.js';
import { parseRetryAfter, type JsonResponse, type ProviderHttpClient } from '../http.js';
import { describeIssues } from '../kit/payload.js';

/**
 * How Polygon (Massive) says something went wrong, classified before any payload schema runs.
 *
 * Its error bodies carry a `status` and the words in `error` or `message`:
 *   401 {"status":"ERROR","error":"Unknown API Key"}                        bad or revoked key
 *   403 {"status":"NOT_AUTHORIZED","message":"You are not entitled to this data. Please upgrade your plan…"}
 *   429 {"status":"ERROR","error":"You've exceeded the maximum requests per minute, please wait or upgrade…"}
 *   404 {"status":"NOT_FOUND","message":"Ticker not found."}                 ticker details
 *   400 {"status":"ERROR","error":"Could not parse the time parameter…"}     our request was wrong
 * and the same bodies sometimes come with HTTP 200, so the body's status is read as well as the HTTP one.
 */

const RATE_LIMIT_WORDS = /maximum requests|rate limit|too many requests/i;
const KEY_WORDS = /api key|apikey|not authori[sz]ed|unauthori[sz]ed|entitled/i;
const PLAN_WORDS = /entitled|upgrade|plan/i;

/** A top-level text field of a JSON object body (read without validating a possibly huge payload). */
function textField(body: unknown, name: 'status' | 'error' | 'message'): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Polygon's own words, for the log; the whole body only when it has no words of its own. */
function wordsOf(body: unknown): string {
  return textField(body, 'error') ?? textField(body, 'message') ?? JSON.stringify(body) ?? '';
}

function statusOf(body: unknown): string | undefined {
  return textField(body, 'status')?.toUpperCase();
}

/**
 * Polygon's answer when the key's plan does not include an endpoint (the snapshot on the free plan).
 * Never a 429, whatever its body: that is a rate limit, and the quote must not give up the snapshot
 * for an hour over it.
 */
export function isNotEntitled(response: JsonResponse): boolean {
  if (response.status === 429) return false;
  return response.status === 403 || statusOf(response.body) === 'NOT_AUTHORIZED';
}

/** The classified failure a response stands for, or undefined when it carries data. */
export function failureOf(http: ProviderHttpClient, response: JsonResponse, what: string): ProviderError | undefined {
  const { status } = response;
  const upstreamStatus = statusOf(response.body);
  const isError = upstreamStatus === 'ERROR';
  // Read lazily: a successful body can be megabytes of bars.
  const words = (): string => wordsOf(response.body);
  const said = (text: string): string => `${what}: ${text} (HTTP ${status})`;

  if (status === 429 || (isError && RATE_LIMIT_WORDS.test(words()))) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return http.failure(ProviderFailureKind.RATE_LIMITED, said('Polygon is rate limiting this key'), words(), retryAfterMs);
  }
  if (isNotEntitled(response)) {
    return http.failure(ProviderFailureKind.UNAUTHORIZED, said("the key's Polygon plan does not include this endpoint"), words(), undefined, 'plan');
  }
  if (status === 401 || (isError && KEY_WORDS.test(words()))) {
    // "not entitled … upgrade your plan" in an ERROR body is still the plan, not the key.
    const scope = status !== 401 && PLAN_WORDS.test(words()) ? 'plan' : 'key';
    return http.failure(ProviderFailureKind.UNAUTHORIZED, said('Polygon refused the API key'), words(), undefined, scope);
  }
  if (status === 404 || upstreamStatus === 'NOT_FOUND') {
    return http.failure(ProviderFailureKind.NOT_FOUND, said('Polygon has no such ticker'), words());
  }
  if (status >= 500) {
    return http.failure(ProviderFailureKind.UNAVAILABLE, said('Polygon failed'), words());
  }
  if (status < 200 || status >= 300 || isError) {
    return http.failure(ProviderFailureKind.BAD_RESPONSE, said('Polygon refused the request'), words());
  }
  return undefined;
}

/** A payload that does not have Polygon's documented shape: the first issues go to the log, not the body. */
export function invalidPayload(http: ProviderHttpClient, what: string, error: z.ZodError): ProviderError {
  return http.failure(ProviderFailureKind.BAD_RESPONSE, `${what}: the payload does not match Polygon's documented format`, describeIssues(error));
}

/** An answer with nothing in it: for a ticker query, Polygon's way of saying it does not know the ticker. */
export function noData(http: ProviderHttpClient, what: string): ProviderError {
  return http.failure(ProviderFailureKind.NOT_FOUND, `${what}: Polygon returned no data`);
}
