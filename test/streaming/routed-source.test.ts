import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, MarketError, ProviderError, ProviderFailureKind, type Quote } from '../../src/domain/index.js';
import type { SymbolMoved, SymbolRecovered, SymbolUnavailable } from '../../src/streaming/sources/routed-events.js';
import { createRoutedSource, type RoutedSource } from '../../src/streaming/sources/routed-source.js';
import { ManualClock } from '../support/fake-streams/manual-clock.js';
import { FakeTickSource, ManualHealth } from '../support/fake-streams/tick-source.js';

/**
 * The routed source over in-memory feeds driven by hand: which candidate serves a symbol, when it
 * moves and back, what watchers see (never an end, one error per outage, never an older tick), and
 * that nothing is left running. Time is a manual clock.
 */

const GRACE = 3_000;
const RECOVER = 10_000;
const RETRY = 5_000;

let current: RoutedSource | undefined;
afterEach(() => {
  current?.close();
  current = undefined;
});

function setup() {
  const clock = new ManualClock();
  const a = new FakeTickSource('finnhub');
  const b = new FakeTickSource('twelvedata');
  const healthA = new ManualHealth();
  const healthB = new ManualHealth();
  const routed = createRoutedSource({
    chain: [
      { provider: 'finnhub', source: a, health: healthA },
      { provider: 'twelvedata', source: b, health: healthB },
    ],
    clock,
    graceMs: GRACE,
    recoverMs: RECOVER,
    retryBaseMs: RETRY,
    retryMaxMs: 4 * RETRY,
  });
  current = routed;
  const moves: SymbolMoved[] = [];
  const outages: SymbolUnavailable[] = [];
  const recoveries: SymbolRecovered[] = [];
  routed.events.onMoved((event) => moves.push(event));
  routed.events.onUnavailable((event) => outages.push(event));
  routed.events.onRecovered((event) => recoveries.push(event));
  return { clock, a, b, healthA, healthB, routed, moves, outages, recoveries };
}

function watch(routed: RoutedSource, symbol: string): { quotes: Quote[]; errors: Error[]; stop: () => void } {
  const quotes: Quote[] = [];
  const errors: Error[] = [];
  const stop = routed.start(
    symbol,
    (quote) => quotes.push(quote),
    (error) => errors.push(error),
  );
  return { quotes, errors, stop };
}

const sources = (quotes: readonly Quote[]): string[] => quotes.map((quote) => `${quote.source}@${quote.price}`);

const retryable: Array<[string, Error]> = [
  ['PROVIDER_UNAVAILABLE', new ProviderError(ProviderFailureKind.UNAVAILABLE, 'finnhub', 'socket down')],
  ['a timeout', new ProviderError(ProviderFailureKind.UNAVAILABLE, 'finnhub', 'timed out after 10000 ms')],
  ['RATE_LIMITED (symbol cap)', new MarketError(ErrorCode.RATE_LIMITED, 'Finnhub streams at most 50 symbols per key', { symbolCap: 50 })],
  ['UNAUTHORIZED (key refused)', new ProviderError(ProviderFailureKind.UNAUTHORIZED, 'finnhub', 'refused every key', { scope: 'key' })],
];

describe('routed source', () => {
  it('serves a symbol from the first candidate, starting no other', () => {
    const { a, b, routed } = setup();
    const seen = watch(routed, 'AAPL');
    a.tick('AAPL', 101, 1);
    expect(sources(seen.quotes)).toEqual(['finnhub@101']);
    expect(a.active).toEqual(['AAPL']);
    expect(b.starts).toEqual([]);
  });

  it('skips a candidate whose feed is down at the start, keeping a probe on it', () => {
    const { a, b, healthA, routed } = setup();
    healthA.set(true);
    const seen = watch(routed, 'AAPL');
    a.tick('AAPL', 101, 1);
    b.tick('AAPL', 102, 2);
    expect(sources(seen.quotes)).toEqual(['twelvedata@102']);
    expect(a.running('AAPL')).toBe(true);
  });

  it.each(retryable)('moves a symbol to the next candidate at once on %s, the watcher seeing only the source change', (_kind, error) => {
    const { a, b, routed, moves } = setup();
    const seen = watch(routed, 'AAPL');
    a.tick('AAPL', 101, 1);
    a.fail('AAPL', error);
    b.tick('AAPL', 102, 2);
    expect(sources(seen.quotes)).toEqual(['finnhub@101', 'twelvedata@102']);
    expect(seen.errors).toEqual([]);
    expect(a.running('AAPL')).toBe(false);
    expect(moves).toEqual([{ symbol: 'AAPL', from: 'finnhub', to: 'twelvedata', reason: 'failed', detail: expect.stringMatching(/UNAVAILABLE|RATE_LIMITED|UNAUTHORIZED/) }]);
  });

  it('moves a refusal made inside start (a source failing synchronously)', () => {
    const { a, b, routed } = setup();
    a.refuseAtStart.set('AAPL', new MarketError(ErrorCode.RATE_LIMITED, 'cap'));
    const seen = watch(routed, 'AAPL');
    b.tick('AAPL', 102, 2);
    expect(sources(seen.quotes)).toEqual(['twelvedata@102']);
    expect(a.active).toEqual([]);
  });

  it('gives a feed that drops the grace to come back before moving its symbols', () => {
    const { a, b, healthA, routed, moves, clock } = setup();
    const seen = watch(routed, 'AAPL');
    healthA.set(true);
    clock.advance(GRACE - 1);
    healthA.set(false);
    clock.advance(GRACE);
    expect(b.starts).toEqual([]);
    healthA.set(true, 'finnhub#1 reconnecting');
    clock.advance(GRACE - 1);
    expect(b.starts).toEqual([]);
    clock.advance(1);
    expect(moves).toEqual([{ symbol: 'AAPL', from: 'finnhub', to: 'twelvedata', reason: 'feed-down', detail: 'finnhub#1 reconnecting' }]);
    // The down feed keeps the symbol (its socket resubscribes when back); its ticks are not served meanwhile.
    expect(a.running('AAPL')).toBe(true);
    a.tick('AAPL', 101, 1);
    b.tick('AAPL', 102, 2);
    expect(sources(seen.quotes)).toEqual(['twelvedata@102']);
    expect(seen.errors).toEqual([]);
  });

  it('moves a symbol back once the earlier feed has been up for the recovery period, and stops the later one', () => {
    const { a, b, healthA, routed, moves, clock } = setup();
    const seen = watch(routed, 'AAPL');
    healthA.set(true);
    clock.advance(GRACE);
    b.tick('AAPL', 102, 2);
    healthA.set(false);
    a.tick('AAPL', 103, 3);
    clock.advance(RECOVER - 1);
    expect(sources(seen.quotes)).toEqual(['twelvedata@102']);
    clock.advance(1);
    // The probe's newest quote is served at once on the move.
    expect(sources(seen.quotes)).toEqual(['twelvedata@102', 'finnhub@103']);
    expect(moves.map((move) => `${move.from}>${move.to}:${move.reason}`)).toEqual(['finnhub>twelvedata:feed-down', 'twelvedata>finnhub:preferred']);
    expect(b.running('AAPL')).toBe(false);
  });

  it('does not move back to a feed that went down again during the recovery period', () => {
    const { healthA, routed, moves, clock } = setup();
    watch(routed, 'AAPL');
    healthA.set(true);
    clock.advance(GRACE);
    healthA.set(false);
    clock.advance(RECOVER / 2);
    healthA.set(true);
    clock.advance(RECOVER);
    expect(moves.map((move) => move.reason)).toEqual(['feed-down']);
  });

  it('tries a candidate that failed a symbol again, with backoff, and moves back once it serves without error', () => {
    const { a, routed, moves, clock } = setup();
    const seen = watch(routed, 'AAPL');
    const cap = new MarketError(ErrorCode.RATE_LIMITED, 'cap');
    a.fail('AAPL', cap);
    expect(a.starts).toHaveLength(1);
    clock.advance(RETRY);
    expect(a.starts).toHaveLength(2);
    a.fail('AAPL', cap);
    clock.advance(RETRY);
    expect(a.starts).toHaveLength(2);
    clock.advance(RETRY);
    expect(a.starts).toHaveLength(3);
    clock.advance(RECOVER);
    expect(moves.map((move) => move.reason)).toEqual(['failed', 'preferred']);
    a.tick('AAPL', 104, 4);
    expect(sources(seen.quotes)).toEqual(['finnhub@104']);
    expect(seen.errors).toEqual([]);
  });

  it('sends a NOT_FOUND to the watchers and asks no other candidate', () => {
    const { a, b, routed, clock } = setup();
    const seen = watch(routed, 'ZZZZ');
    const unknown = new ProviderError(ProviderFailureKind.NOT_FOUND, 'finnhub', 'unknown symbol');
    a.fail('ZZZZ', unknown);
    clock.advance(10 * RECOVER);
    expect(seen.errors).toEqual([unknown]);
    expect(b.starts).toEqual([]);
    expect(a.starts).toEqual(['ZZZZ']);
    expect(a.active).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('sends one PROVIDER_UNAVAILABLE per outage, keeps retrying, and serves again when a candidate does', () => {
    const { a, b, routed, clock, outages, recoveries } = setup();
    const seen = watch(routed, 'AAPL');
    const down = new ProviderError(ProviderFailureKind.UNAVAILABLE, 'x', 'down');
    a.fail('AAPL', down);
    b.fail('AAPL', down);
    expect(seen.errors).toEqual([]);
    clock.advance(GRACE);
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]).toMatchObject({ code: ErrorCode.PROVIDER_UNAVAILABLE });
    expect(outages).toEqual([{ symbol: 'AAPL', candidates: 2 }]);
    // Retried, failing again and again: still one error.
    for (let round = 0; round < 4; round++) {
      clock.advance(4 * RETRY);
      a.fail('AAPL', down);
      b.fail('AAPL', down);
    }
    expect(seen.errors).toHaveLength(1);
    expect(a.starts.length).toBeGreaterThan(2);
    // The next retry serves it; its first tick ends the outage.
    clock.advance(4 * RETRY);
    a.tick('AAPL', 105, 5);
    expect(sources(seen.quotes)).toEqual(['finnhub@105']);
    expect(recoveries).toEqual([{ symbol: 'AAPL', source: 'finnhub', outageMs: expect.any(Number) }]);
    // A second outage is a second error.
    a.fail('AAPL', down);
    b.fail('AAPL', down);
    clock.advance(GRACE);
    expect(seen.errors).toHaveLength(2);
    expect(outages).toHaveLength(2);
  });

  it('sends no error when a candidate comes back within the grace of losing the last one', () => {
    const { a, b, healthA, routed, clock, outages } = setup();
    const seen = watch(routed, 'AAPL');
    healthA.set(true);
    clock.advance(GRACE);
    b.fail('AAPL', new ProviderError(ProviderFailureKind.UNAVAILABLE, 'twelvedata', 'down'));
    clock.advance(GRACE - 1);
    healthA.set(false);
    clock.advance(GRACE);
    a.tick('AAPL', 101, 1);
    expect(seen.errors).toEqual([]);
    expect(outages).toEqual([]);
    expect(sources(seen.quotes)).toEqual(['finnhub@101']);
  });

  it('never sends a tick older than the last one delivered, across moves', () => {
    const { a, b, healthA, routed, clock } = setup();
    const seen = watch(routed, 'AAPL');
    a.tick('AAPL', 101, 10);
    a.fail('AAPL', new ProviderError(ProviderFailureKind.UNAVAILABLE, 'finnhub', 'down'));
    b.tick('AAPL', 99, 5);
    b.tick('AAPL', 102, 11);
    // Back on the first feed: its late tick (older than the second feed's last) is dropped too.
    clock.advance(RETRY + RECOVER);
    a.tick('AAPL', 98, 9);
    a.tick('AAPL', 103, 12);
    expect(sources(seen.quotes)).toEqual(['finnhub@101', 'twelvedata@102', 'finnhub@103']);
  });

  it('replays the last quote to a second watcher and keeps the feeds until the last one leaves', async () => {
    const { a, routed } = setup();
    const first = watch(routed, 'AAPL');
    a.tick('AAPL', 101, 1);
    const second = watch(routed, 'AAPL');
    await Promise.resolve();
    expect(sources(second.quotes)).toEqual(['finnhub@101']);
    first.stop();
    expect(a.running('AAPL')).toBe(true);
    second.stop();
    expect(a.running('AAPL')).toBe(false);
    expect(a.starts).toEqual(['AAPL']);
  });

  it('stops every candidate feed, timer and health listener when the last watcher leaves', () => {
    const { a, b, healthA, healthB, routed, clock } = setup();
    const aapl = watch(routed, 'AAPL');
    const msft = watch(routed, 'MSFT');
    healthA.set(true);
    clock.advance(GRACE);
    b.fail('MSFT', new MarketError(ErrorCode.RATE_LIMITED, 'cap'));
    expect(a.active.sort()).toEqual(['AAPL', 'MSFT']);
    expect(b.active).toEqual(['AAPL']);
    expect(healthA.listeners).toBe(1);
    aapl.stop();
    msft.stop();
    expect(a.active).toEqual([]);
    expect(b.active).toEqual([]);
    expect(clock.pending).toBe(0);
    expect(healthA.listeners + healthB.listeners).toBe(0);
    // Nothing fires later either.
    healthA.set(false);
    clock.advance(10 * RECOVER);
    expect(a.active).toEqual([]);
    expect(aapl.errors.concat(msft.errors)).toEqual([]);
  });
});
