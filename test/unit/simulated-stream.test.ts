import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderFailureKind, QuoteSchema, type Quote } from '../../src/domain/index.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';

const START = Date.UTC(2025, 10, 19, 15, 30);
const TICK_MS = 250;

describe('simulated market: live ticks', () => {
  let clock = START;
  const market = createSimulatedProvider({ seed: 7, tickMs: TICK_MS, now: () => clock });

  beforeEach(() => {
    clock = START;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Lets `ms` of timer time pass, moving the market's clock along with it. */
  function advance(ms: number): void {
    for (let passed = 0; passed < ms; passed += 50) {
      clock += 50;
      vi.advanceTimersByTime(50);
    }
  }

  it('ticks straight away and then every tickMs, with the quote at the clock\'s time', () => {
    const ticks: Quote[] = [];
    const errors: Error[] = [];
    const stop = market.stream.start('AAPL', (quote) => ticks.push(quote), (error) => errors.push(error));
    vi.advanceTimersByTime(0);
    expect(ticks).toHaveLength(1);
    // A tick is the quote at its time, marked as a live item of the simulated market (a query's quote is not).
    expect(ticks[0]).toEqual({ ...market.quoteAt('AAPL', START), feed: 'simulated' });
    expect(market.quoteAt('AAPL', START).feed).toBeUndefined();
    advance(5_000);
    expect(ticks.length).toBeGreaterThanOrEqual(20);
    expect(errors).toEqual([]);
    for (const tick of ticks) {
      QuoteSchema.parse(tick);
      expect(tick).toEqual({ ...market.quoteAt('AAPL', tick.timestamp.getTime()), feed: 'simulated' });
    }
    // The price really moves from tick to tick.
    const changes = ticks.filter((tick, i) => i > 0 && tick.price !== ticks[i - 1]?.price).length;
    expect(changes).toBeGreaterThan(ticks.length / 3);
    stop();
  });

  it.each([
    ['on a holiday (Thanksgiving, 2025-11-27)', Date.UTC(2025, 10, 27, 15, 30), '2025-11-26'],
    ['on a weekend', Date.UTC(2025, 10, 22, 15, 30), '2025-11-21'],
  ])('sends no ticks %s, and ticks again when the next session opens', (_when, closedAt, lastSession) => {
    clock = closedAt;
    const ticks: Quote[] = [];
    const stop = market.stream.start('AAPL', (quote) => ticks.push(quote), () => undefined);
    vi.advanceTimersByTime(0);
    advance(5_000);
    expect(ticks).toEqual([]);
    // The price while closed is the last session's close.
    expect(market.quoteAt('AAPL', clock).timestamp.toISOString().slice(0, 10)).toBe(lastSession);
    const nextMidnight = Math.ceil(clock / 86_400_000) * 86_400_000;
    clock = nextMidnight + (lastSession === '2025-11-26' ? 0 : 86_400_000) + 1_000;
    advance(1_000);
    expect(ticks.length).toBeGreaterThan(0);
    stop();
  });

  it('stops ticking once stopped', () => {
    const ticks: Quote[] = [];
    const stop = market.stream.start('MSFT', (quote) => ticks.push(quote), () => undefined);
    advance(1_000);
    const seen = ticks.length;
    expect(seen).toBeGreaterThan(0);
    stop();
    advance(5_000);
    expect(ticks).toHaveLength(seen);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('feeds several symbols independently', () => {
    const bySymbol = new Map<string, number>();
    const stops = ['AAPL', 'TSLA', 'SPY'].map((symbol) =>
      market.stream.start(symbol, (quote) => bySymbol.set(quote.symbol, (bySymbol.get(quote.symbol) ?? 0) + 1), () => undefined),
    );
    advance(1_000);
    expect([...bySymbol.keys()].sort()).toEqual(['AAPL', 'SPY', 'TSLA']);
    for (const stop of stops) stop();
  });

  it('reports an unknown symbol once, and never ticks for it', async () => {
    const ticks: Quote[] = [];
    const errors: Error[] = [];
    market.stream.start('NOPE', (quote) => ticks.push(quote), (error) => errors.push(error));
    await Promise.resolve();
    advance(2_000);
    expect(ticks).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: ProviderFailureKind.NOT_FOUND, provider: 'simulated' });
  });
});
