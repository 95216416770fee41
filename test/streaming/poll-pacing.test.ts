import { describe, expect, it } from 'vitest';
import type { Quote } from '../../src/domain/index.js';
import type { BatchFetcher } from '../../src/providers/adapter.js';
import { checkedShare, DEFAULT_POLL_SHARE, pollPace } from '../../src/streaming/sources/poll-pacing.js';
import { createPollSource } from '../../src/streaming/sources/poll-source.js';
import { ManualClock } from '../support/fake-streams/manual-clock.js';

/** The interval formula of the polling feed, on the free plans of the providers it is for. */

describe('the pace of a poll', () => {
  const perMinute = (points: number) => ({ limits: [{ points, per: 'minute' as const }] });

  it('grows with the symbols, in whole calls of the batch size', () => {
    // 5/min (Polygon's free plan) at 50 %: 2.5 calls a minute, 24 s a call.
    expect([1, 100, 101, 250].map((symbols) => pollPace(symbols, 100, perMinute(5), DEFAULT_POLL_SHARE, 1_000).intervalMs)).toEqual([24_000, 24_000, 48_000, 72_000]);
  });

  it('takes the strictest window, a larger share shortens it, and the floor holds', () => {
    const twelveData = { limits: [{ points: 8, per: 'minute' as const }, { points: 800, per: 'day' as const }] };
    // 8/min allows a call every 15 s at 50 %, but 800/day only every 216 s.
    expect(pollPace(1, 8, twelveData, 0.5, 1_000).intervalMs).toBe(216_000);
    expect(pollPace(1, 8, twelveData, 1, 1_000).intervalMs).toBe(108_000);
    expect(pollPace(1, 1, perMinute(6_000), 0.5, 1_000).intervalMs).toBe(1_000);
    expect(pollPace(3, 1, { limits: [] }, 0.5, 1_000)).toEqual({ calls: 3, intervalMs: 1_000, gapMs: 0 });
  });

  it('spreads the calls of one poll when they alone would overspend a window', () => {
    // Finnhub's 60/min,30/s, one symbol a call, 40 symbols: 15 calls a second and 30 a minute are the share.
    const finnhub = { limits: [{ points: 30, per: 'second' as const }, { points: 60, per: 'minute' as const }] };
    expect(pollPace(40, 1, finnhub, 0.5, 1_000)).toEqual({ calls: 40, intervalMs: 80_000, gapMs: 2_000 });
    expect(pollPace(10, 1, finnhub, 0.5, 1_000)).toEqual({ calls: 10, intervalMs: 20_000, gapMs: 0 });
  });

  it('is what a source polls at: a smaller quota waits longer, more keys shorter', () => {
    const idle: BatchFetcher<Quote> = { batchSize: 100, fetch: async () => new Map() };
    const fmpFree = { limits: [{ points: 250, per: 'day' as const }] };
    const quiet = createPollSource({ provider: 'fmp', fetcher: idle, quota: fmpFree, clock: new ManualClock() });
    const twoKeys = createPollSource({ provider: 'fmp', fetcher: idle, quota: { ...fmpFree, keys: 2 }, clock: new ManualClock() });
    for (const source of [quiet, twoKeys]) source.start('AAPL', () => undefined, () => undefined);
    // 125 calls a day at 50 %: one every 86 400 s / 125 = 691.2 s; twice the keys, half the wait.
    expect(quiet.pace?.intervalMs).toBe(691_200);
    expect(twoKeys.pace?.intervalMs).toBe(345_600);
    quiet.close();
    twoKeys.close();
  });

  it('takes a share in (0, 1], half by default', () => {
    expect(checkedShare(undefined)).toBe(0.5);
    expect(checkedShare(1)).toBe(1);
    for (const bad of [0, -0.1, 1.5, Number.NaN]) expect(() => checkedShare(bad)).toThrow(/share/);
  });
});
