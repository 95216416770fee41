import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderFailureKind, type ProviderError } from '../../src/domain/index.js';
import { fixture, startFakeUpstream, type FakeUpstream, type Reply } from '../support/fake-upstream.js';
import { failureOf as alphaVantageFailure, Harness } from './alphavantage-support.js';
import { failureOf as finnhubFailure, finnhubOn, present } from './finnhub-support.js';
import { failureOf as fmpFailure, fmpAdapter } from './fmp-support.js';
import { failureOf as fredFailure, fredAdapter, OBSERVATIONS_PATH, SERIES_PATH } from './fred-support.js';
import { failureOf as polygonFailure, polygonAdapter, SNAPSHOT_PATH } from './polygon-support.js';
import { failureOf as twelveDataFailure, twelvedataOn } from './twelvedata-support.js';

/**
 * A 429 is a rate limit whatever its body: a provider's own JSON, a CDN's HTML page, or nothing.
 * Every adapter must call it RATE_LIMITED (never a breaker failure) and keep Retry-After, so the
 * key rests and the provider stays open for every other key and caller; a 5xx without JSON is an
 * outage. Each adapter is real, on its own fake upstream on loopback.
 */

interface Opened {
  readonly upstream: FakeUpstream;
  /** The adapter's most-used call: a quote (FRED: a series). */
  call(): Promise<unknown>;
  /** The provider's own check of a failure, which also proves no key leaked into it. */
  failureOf(promise: Promise<unknown>): Promise<ProviderError>;
  close(): Promise<void>;
}

interface Subject {
  readonly provider: string;
  /** Every path `call` reaches; each gets the same answer. */
  readonly paths: readonly string[];
  /** The provider's documented rate-limit body. */
  readonly limitBody: unknown;
  /** The provider's words for a refused key or plan: under a 429 they must not decide. */
  readonly refusalBody: unknown;
  open(): Promise<Opened>;
}

/** Each adapter's own factory from its contract tests, closed with its upstream. */
async function remote<A extends { close?(): Promise<void> }>(
  make: (upstream: FakeUpstream) => A,
  call: (adapter: A) => Promise<unknown>,
  failureOf: (promise: Promise<unknown>) => Promise<ProviderError>,
): Promise<Opened> {
  const upstream = await startFakeUpstream();
  const adapter = make(upstream);
  return {
    upstream,
    call: () => call(adapter),
    failureOf,
    close: async () => {
      await adapter.close?.();
      await upstream.close();
    },
  };
}

const subjects: readonly Subject[] = [
  {
    provider: 'alphavantage',
    paths: ['/query'],
    // Alpha Vantage documents no 429 of its own: its throttling note is what it would say.
    limitBody: fixture('alphavantage/errors/rate-limit-note.json'),
    refusalBody: fixture('alphavantage/errors/invalid-apikey.json'),
    open: async () => {
      const harness = await Harness.start();
      const adapter = harness.adapter();
      return {
        upstream: harness.upstream,
        call: () => present(adapter.quote).fetch(['IBM']),
        failureOf: alphaVantageFailure,
        close: () => harness.close(),
      };
    },
  },
  {
    provider: 'fmp',
    paths: ['/stable/quote'],
    limitBody: fixture('fmp/errors/limit-reach.json'),
    refusalBody: fixture('fmp/errors/invalid-api-key.json'),
    open: () => remote(fmpAdapter, (adapter) => adapter.quote.fetch(['AAPL']), fmpFailure),
  },
  {
    provider: 'polygon',
    paths: [SNAPSHOT_PATH],
    limitBody: fixture('polygon/error-rate-limited.json'),
    // The snapshot's plan refusal: read as one, the quote would fall back to daily bars for an hour.
    refusalBody: fixture('polygon/error-not-authorized.json'),
    open: () => remote(polygonAdapter, (adapter) => adapter.quote.fetch(['AAPL']), polygonFailure),
  },
  {
    provider: 'finnhub',
    paths: ['/quote'],
    limitBody: fixture('finnhub/error-429.json'),
    refusalBody: fixture('finnhub/error-401.json'),
    open: () => remote((upstream) => finnhubOn(upstream.url), (adapter) => present(adapter.quote).fetch(['AAPL']), finnhubFailure),
  },
  {
    provider: 'twelvedata',
    paths: ['/quote'],
    limitBody: fixture('twelvedata/error-429-minute.json'),
    refusalBody: fixture('twelvedata/error-401.json'),
    open: () =>
      remote((upstream) => twelvedataOn(upstream.url), (adapter) => present(adapter.quote).fetch(['AAPL']), twelveDataFailure),
  },
  {
    provider: 'fred',
    paths: [SERIES_PATH, OBSERVATIONS_PATH],
    limitBody: fixture('fred/error-rate-limited.json'),
    refusalBody: fixture('fred/error-api-key-not-registered.json'),
    open: () => remote(fredAdapter, (adapter) => adapter.economicSeries.fetch({ id: 'GDP' }), fredFailure),
  },
];

const RETRY_AFTER = { 'retry-after': '7' };

/** A CDN's rate-limit page, as the edge in front of a provider sends it. */
const CDN_429_PAGE =
  '<!DOCTYPE html><html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1><p>You are being rate limited.</p></body></html>';

/** The answers that must read as a rate limit, and the Retry-After each must keep (ms; none sent, none made up). */
function rateLimits(subject: Subject): Array<[string, Reply, number | undefined]> {
  return [
    ['an HTML 429 page', { status: 429, text: CDN_429_PAGE, headers: { 'content-type': 'text/html; charset=utf-8', ...RETRY_AFTER } }, 7_000],
    ['an HTML 429 page sent as text/plain', { status: 429, text: CDN_429_PAGE }, undefined],
    ['an empty 429', { status: 429, fault: 'empty', headers: RETRY_AFTER }, 7_000],
    [`a JSON 429 in ${subject.provider}'s rate-limit format`, { status: 429, json: subject.limitBody, headers: RETRY_AFTER }, 7_000],
    [`a JSON 429 in ${subject.provider}'s refusal words`, { status: 429, json: subject.refusalBody, headers: RETRY_AFTER }, 7_000],
  ];
}

const outages: Array<[string, Reply]> = [
  ['a 503 with an HTML page', { status: 503, fault: 'html' }],
  ['a 502 with an empty body', { status: 502, fault: 'empty' }],
];

describe.each(subjects)('$provider', (subject) => {
  // A fresh adapter per case: a misread answer can leave state behind (Polygon remembers a plan refusal).
  let opened: Opened;
  beforeEach(async () => {
    opened = await subject.open();
  });
  afterEach(async () => opened?.close());

  const answerEveryPath = (reply: Reply): void => {
    for (const path of subject.paths) opened.upstream.on({ path }, reply);
  };

  it.each(rateLimits(subject))('reads %s as RATE_LIMITED', async (_what, reply, retryAfterMs) => {
    answerEveryPath(reply);
    const error = await opened.failureOf(opened.call());
    expect(error.provider).toBe(subject.provider);
    expect(error.kind).toBe(ProviderFailureKind.RATE_LIMITED);
    expect(error.options.retryAfterMs).toBe(retryAfterMs);
  });

  it.each(outages)('reads %s as UNAVAILABLE', async (_what, reply) => {
    answerEveryPath(reply);
    const error = await opened.failureOf(opened.call());
    expect(error.provider).toBe(subject.provider);
    expect(error.kind).toBe(ProviderFailureKind.UNAVAILABLE);
  });
});
