import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { ProviderError, ProviderFailureKind } from '../../src/domain/index.js';
import { withResilience } from '../../src/market/routing/resilient-adapter.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { createProviderPipeline } from '../../src/resilience/pipeline.js';
import type { ResilienceSettings } from '../../src/resilience/settings.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

/**
 * The policy pipeline around a real adapter (FMP) talking to a fake upstream over loopback:
 * retries, breaker, bulkhead and timeout, observed as upstream requests and classified errors.
 * Timings are shrunk so the suite stays fast; the shapes are the production ones.
 */

const QUOTE = { path: '/stable/quote' };
const FAST: ResilienceSettings = {
  timeoutMs: 200,
  retry: { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 20 },
  breaker: { kind: 'consecutive', threshold: 3, halfOpenAfterMs: 150 },
  bulkhead: { maxConcurrent: 2, maxQueued: 1 },
};

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterEach(() => upstream.reset());
afterAll(async () => upstream.close());

function resilientFmp(settings: ResilienceSettings = FAST) {
  const adapter = createFmpProvider({ baseUrl: upstream.url, keys: ['test-key-0001'], timeoutMs: 2_000, api: 'stable', batchQuotes: false });
  const pipeline = createProviderPipeline('fmp', settings);
  const resilient = withResilience(adapter, pipeline) as ProviderAdapter & Required<Pick<ProviderAdapter, 'quote'>>;
  return { resilient, pipeline };
}

const quoteOk = () => upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });

async function errorOf(promise: Promise<unknown>): Promise<ProviderError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ProviderError);
  return outcome as ProviderError;
}

describe('retry', () => {
  it('retries an outage and answers once the provider recovers', async () => {
    const { resilient } = resilientFmp();
    quoteOk();
    upstream.on(QUOTE, { status: 503, json: { 'Error Message': 'down' } }, { times: 2 });
    const answers = await resilient.quote.fetch(['AAPL']);
    expect(answers.get('AAPL')).toMatchObject({ symbol: 'AAPL', source: 'fmp' });
    expect(upstream.count(QUOTE)).toBe(3);
  });

  it('gives up after three retries, four calls in all', async () => {
    const { resilient } = resilientFmp({ ...FAST, breaker: { ...FAST.breaker, kind: 'consecutive', threshold: 100 } });
    upstream.on(QUOTE, { fault: 'html', status: 502 });
    const error = await errorOf(resilient.quote.fetch(['AAPL']));
    expect(error.kind).toBe(ProviderFailureKind.UNAVAILABLE);
    expect(upstream.count(QUOTE)).toBe(4);
  });

  it.each([
    ['a rate limit', { status: 429, json: { 'Error Message': 'Limit Reach' } }, ProviderFailureKind.RATE_LIMITED],
    ['a bad key', { status: 401, json: { 'Error Message': 'Invalid API KEY.' } }, ProviderFailureKind.UNAUTHORIZED],
    ['a malformed payload', { fault: 'truncated' as const }, ProviderFailureKind.BAD_RESPONSE],
  ])('does not retry %s', async (_what, reply, kind) => {
    const { resilient } = resilientFmp();
    upstream.on(QUOTE, reply);
    expect((await errorOf(resilient.quote.fetch(['AAPL']))).kind).toBe(kind);
    expect(upstream.count(QUOTE)).toBe(1);
  });

  it('bounds each attempt with its timeout and counts a timeout as an outage', async () => {
    // 1 s a attempt (not FAST's 200 ms): long enough for each attempt's request to reach the fake
    // upstream on a loaded machine, so both are counted here and none lands in the next test.
    const { resilient, pipeline } = resilientFmp({ ...FAST, timeoutMs: 1_000, retry: { ...FAST.retry, maxRetries: 1 } });
    const attempts: Array<string | undefined> = [];
    pipeline.onAttempt((attempt) => attempts.push(attempt.error instanceof Error ? attempt.error.message : undefined));
    upstream.on(QUOTE, { fault: 'hang' });
    const error = await errorOf(resilient.quote.fetch(['AAPL']));
    expect(error.kind).toBe(ProviderFailureKind.UNAVAILABLE);
    // Two attempts, each ended by the pipeline's own 1 s attempt timeout (the adapter's 2 s limit
    // would say "timed out after 2000 ms"): told by the errors, not by a stopwatch.
    expect(attempts).toEqual(['fmp: timed out', 'fmp: timed out']);
    expect(error.message).toBe('fmp: timed out');
    await expect.poll(() => upstream.count(QUOTE), { timeout: 5_000, interval: 5 }).toBe(2);
  });
});

describe('circuit breaker', () => {
  it('opens after three failed calls: the next sends nothing; a probe after the open period closes it', async () => {
    // cockatiel's breaker reads Date.now(): faked, the 150 ms open period ends when the test moves
    // the clock, not while a slow machine is still making the refused call.
    vi.useFakeTimers({ toFake: ['Date'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const { resilient, pipeline } = resilientFmp({ ...FAST, retry: { ...FAST.retry, maxRetries: 0 } });
    upstream.on(QUOTE, { status: 503, json: {} });
    for (let call = 0; call < 3; call++) await errorOf(resilient.quote.fetch(['AAPL']));
    expect(pipeline.breakerState()).toBe('OPEN');
    expect(upstream.count(QUOTE)).toBe(3);

    const refused = await errorOf(resilient.quote.fetch(['AAPL']));
    expect(refused.kind).toBe(ProviderFailureKind.UNAVAILABLE);
    expect(refused.message).toMatch(/circuit open/);
    expect(upstream.count(QUOTE)).toBe(3);

    upstream.reset();
    quoteOk();
    // Still open until the next call: cockatiel lets that one call through as the half-open probe.
    vi.setSystemTime(Date.now() + FAST.breaker.halfOpenAfterMs);
    expect(pipeline.breakerState()).toBe('OPEN');
    await resilient.quote.fetch(['AAPL']);
    expect(upstream.count(QUOTE)).toBe(1);
    expect(pipeline.breakerState()).toBe('CLOSED');
  });

  it('counts one failure per call, after its retries', async () => {
    const { resilient, pipeline } = resilientFmp();
    upstream.on(QUOTE, { status: 503, json: {} });
    await errorOf(resilient.quote.fetch(['AAPL']));
    await errorOf(resilient.quote.fetch(['AAPL']));
    expect(pipeline.breakerState()).toBe('CLOSED');
    expect(upstream.count(QUOTE)).toBe(8);
  });

  it('is not opened by rate limits, unknown symbols or key problems', async () => {
    const { resilient, pipeline } = resilientFmp();
    upstream.on(QUOTE, { status: 429, json: { 'Error Message': 'Limit Reach' } }, { times: 3 });
    upstream.on(QUOTE, { json: [] }, { times: 3 });
    for (let call = 0; call < 6; call++) await resilient.quote.fetch(['AAPL']).catch(() => undefined);
    expect(pipeline.breakerState()).toBe('CLOSED');
  });

  it('closes by hand', async () => {
    const { resilient, pipeline } = resilientFmp({ ...FAST, retry: { ...FAST.retry, maxRetries: 0 } });
    upstream.on(QUOTE, { status: 500, json: {} });
    for (let call = 0; call < 3; call++) await errorOf(resilient.quote.fetch(['AAPL']));
    expect(pipeline.breakerState()).toBe('OPEN');
    pipeline.resetBreaker();
    expect(pipeline.breakerState()).toBe('CLOSED');
    upstream.reset();
    quoteOk();
    await resilient.quote.fetch(['AAPL']);
    expect(upstream.count(QUOTE)).toBe(1);
  });
});

describe('bulkhead', () => {
  it('runs at most maxConcurrent calls, queues maxQueued, and refuses the rest at once', async () => {
    // No retries and a long attempt timeout: the held replies must not time out and be retried
    // while the test waits for the refusals (FAST's 200 ms did on a loaded machine: 7 calls for 3).
    const { resilient } = resilientFmp({ ...FAST, timeoutMs: 10_000, retry: { ...FAST.retry, maxRetries: 0 } });
    // Replies held until all five calls have been let in or refused: with a fixed delay, a call
    // that finished early on a slow machine freed its slot for the fifth.
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json'), gate: held });
    const calls = Array.from({ length: 5 }, () => resilient.quote.fetch(['AAPL']));
    const settled = calls.map((call) => call.then(() => 'answered', () => 'refused'));
    // The two past the bulkhead and its queue are refused at once, while the others wait.
    await expect.poll(async () => (await Promise.all(settled.map((outcome) => Promise.race([outcome, 'pending'])))).filter((state) => state === 'refused').length, { timeout: 5_000, interval: 10 }).toBe(2);
    release();
    const outcomes = await Promise.allSettled(calls);
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    expect(refused).toHaveLength(2);
    for (const outcome of refused) {
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ kind: ProviderFailureKind.UNAVAILABLE });
    }
    expect(upstream.count(QUOTE)).toBe(3);
  });
});
