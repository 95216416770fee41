import { describe, expect, it } from 'vitest';
import { ProviderError, ProviderFailureKind } from '../../src/domain/index.js';
import { BINS, BUCKETS, BUCKET_MS, failureKindOf, failureKindOfOutcome, ProviderHealth } from '../../src/market/routing/provider-health.js';

/** A clock the test moves by hand. */
function clock(start = 0) {
  let now = start;
  return { now: () => now, set: (ms: number) => (now = ms), advance: (ms: number) => (now += ms) };
}

/** Within the histogram's precision (2^(1/16) − 1 ≈ 4.4 %). */
function near(actual: number | null | undefined, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected) / expected).toBeLessThanOrEqual(0.045);
}

describe('ProviderHealth', () => {
  it('starts with no calls, null rates and a closed breaker that has not changed', () => {
    const health = new ProviderHealth({ now: clock().now });
    expect(health.snapshot()).toEqual({
      breaker: { state: 'CLOSED', since: null, lastErrorKind: null },
      window: { calls: 0, successRate: null, p50Ms: null, p95Ms: null, p99Ms: null },
      calls: 0,
      errors: 0,
    });
  });

  it('counts calls and failures, keeps the last failure kind, and times answers only', () => {
    const health = new ProviderHealth({ now: clock().now });
    health.recordCall(20);
    health.recordCall(5_000, 'UNAVAILABLE');
    health.recordCall(40);
    health.recordCall(1, 'RATE_LIMITED');
    const { window, calls, errors, breaker } = health.snapshot();
    expect({ calls, errors }).toEqual({ calls: 4, errors: 2 });
    expect(window.calls).toBe(4);
    expect(window.successRate).toBe(0.5);
    expect(breaker.lastErrorKind).toBe('RATE_LIMITED');
    // Neither the timeout-length failure nor the instant refusal moves the latency.
    near(window.p50Ms, 20);
    expect(window.p95Ms).toBe(40);
  });

  it('reports one answer, or answers all alike, exactly', () => {
    const health = new ProviderHealth({ now: clock().now });
    health.recordCall(42.5);
    expect(health.snapshot().window).toMatchObject({ p50Ms: 42.5, p95Ms: 42.5 });
    for (let call = 0; call < 50; call++) health.recordCall(42.5);
    expect(health.snapshot().window).toMatchObject({ p50Ms: 42.5, p95Ms: 42.5 });
  });

  it('gives nearest-rank p50 and p95 within the histogram precision', () => {
    const health = new ProviderHealth({ now: clock().now });
    // 1..1000 ms in a scrambled order: nearest rank says p50 = 500, p95 = 950.
    for (let index = 0; index < 1000; index++) health.recordCall(((index * 617) % 1000) + 1);
    const { window } = health.snapshot();
    near(window.p50Ms, 500);
    near(window.p95Ms, 950);
  });

  it('finds a slow tail: 90 fast answers and 10 slow ones put p95 among the slow', () => {
    const health = new ProviderHealth({ now: clock().now });
    for (let call = 0; call < 90; call++) health.recordCall(10);
    for (let call = 0; call < 10; call++) health.recordCall(2_000);
    const { window } = health.snapshot();
    near(window.p50Ms, 10);
    expect(window.p95Ms).toBe(2_000);
  });

  it('handles sub-0.1 ms and beyond-range durations through the window extremes', () => {
    const health = new ProviderHealth({ now: clock().now });
    health.recordCall(0.01);
    health.recordCall(0.02);
    health.recordCall(3 * 60 * 60_000);
    const { window } = health.snapshot();
    expect(window.p50Ms).toBe(0.01);
    expect(window.p95Ms).toBe(3 * 60 * 60_000);
  });

  it('forgets a call between 290 s and 300 s after it, and never from the totals', () => {
    const time = clock(5_000);
    const health = new ProviderHealth({ now: time.now });
    health.recordCall(100);
    health.recordCall(100, 'UNAVAILABLE');

    time.set(5_000 + 290_000 - 1);
    expect(health.snapshot().window.calls).toBe(2);
    // The call's bucket spans 0–10 s: it leaves the window when the bucket of 300–310 s begins.
    time.set(299_999);
    expect(health.snapshot().window.calls).toBe(2);
    time.set(300_000);
    expect(health.snapshot()).toMatchObject({
      window: { calls: 0, successRate: null, p50Ms: null, p95Ms: null, p99Ms: null },
      calls: 2,
      errors: 1,
      breaker: { lastErrorKind: 'UNAVAILABLE' },
    });
  });

  it('slides: only the last five minutes make the rate and percentiles', () => {
    const time = clock();
    const health = new ProviderHealth({ now: time.now });
    // Minute 0: slow failures and slow answers; minutes 5–6: fast answers only.
    for (let call = 0; call < 20; call++) health.recordCall(900, call % 2 ? 'UNAVAILABLE' : undefined);
    time.advance(5 * 60_000);
    for (let call = 0; call < 30; call++) {
      health.recordCall(15);
      time.advance(2_000);
    }
    const { window, calls, errors } = health.snapshot();
    expect(window).toEqual({ calls: 30, successRate: 1, p50Ms: 15, p95Ms: 15, p99Ms: 15 });
    expect({ calls, errors }).toEqual({ calls: 50, errors: 10 });
  });

  it('clears a reused slot: a bucket from an earlier turn of the ring does not leak into the new one', () => {
    const time = clock();
    const health = new ProviderHealth({ now: time.now });
    health.recordCall(1_000);
    time.advance(BUCKETS * BUCKET_MS); // same slot, one turn later
    health.recordCall(10);
    expect(health.snapshot().window).toEqual({ calls: 1, successRate: 1, p50Ms: 10, p95Ms: 10, p99Ms: 10 });
  });

  it('holds bounded memory whatever the call rate: 30 buckets of 193 counters at most', () => {
    const time = clock();
    const health = new ProviderHealth({ now: time.now });
    // Two hours at 50 calls a second, durations all over the range.
    for (let second = 0; second < 2 * 60 * 60; second++) {
      for (let call = 0; call < 50; call++) health.recordCall(((second * 50 + call) % 5_000) + 0.5, call === 0 ? 'UNAVAILABLE' : undefined);
      time.advance(1_000);
    }
    expect(BUCKETS).toBe(30);
    expect(health.footprint().buckets).toBeLessThanOrEqual(BUCKETS);
    expect(health.footprint().counters).toBeLessThanOrEqual(BUCKETS * BINS);
    expect(BINS).toBe(193);
    const { window, calls, errors } = health.snapshot();
    // The window holds the current, still empty bucket and 29 full ones of 10 s.
    expect(window.calls).toBe(29 * 10 * 50);
    expect(window.successRate).toBeCloseTo(49 / 50, 10);
    expect({ calls, errors }).toEqual({ calls: 2 * 60 * 60 * 50, errors: 2 * 60 * 60 });
  });

  it('tracks breaker changes, ignoring a repeated state', () => {
    const health = new ProviderHealth({ now: clock().now });
    const opened = new Date('2026-01-05T10:00:00Z');
    health.recordBreaker('OPEN', opened);
    health.recordBreaker('OPEN', new Date('2026-01-05T10:00:05Z'));
    expect(health.snapshot().breaker).toMatchObject({ state: 'OPEN', since: opened });
    const closed = new Date('2026-01-05T10:01:00Z');
    health.recordBreaker('HALF_OPEN', new Date('2026-01-05T10:00:59Z'));
    health.recordBreaker('CLOSED', closed);
    expect(health.snapshot().breaker).toMatchObject({ state: 'CLOSED', since: closed });
  });
});

describe('failure kinds', () => {
  it('counts a NOT_FOUND as an answer and anything outside the taxonomy as ERROR', () => {
    expect(failureKindOf(new ProviderError(ProviderFailureKind.NOT_FOUND, 'fmp', 'no such symbol'))).toBeUndefined();
    expect(failureKindOf(new ProviderError(ProviderFailureKind.BAD_RESPONSE, 'fmp', 'bad payload'))).toBe('BAD_RESPONSE');
    expect(failureKindOf(new TypeError('bug'))).toBe('ERROR');
    expect(failureKindOfOutcome('ok')).toBeUndefined();
    expect(failureKindOfOutcome('NOT_FOUND')).toBeUndefined();
    expect(failureKindOfOutcome('UNAVAILABLE')).toBe('UNAVAILABLE');
  });
});
