import { describe, expect, it } from 'vitest';
import { ProviderError, ProviderFailureKind, QuoteSchema, type Quote } from '../../src/domain/index.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';

const HOUR = 3_600_000;
/** Wednesday 2025-11-19, 15:30 UTC: mid-session. */
const WEDNESDAY = Date.UTC(2025, 10, 19, 15, 30);
const FRIDAY_START = Date.UTC(2025, 10, 21);
const SATURDAY_NOON = Date.UTC(2025, 10, 22, 12);

function provider(seed = 7, now = WEDNESDAY) {
  return createSimulatedProvider({ seed, tickMs: 1000, now: () => now });
}

async function quotesOf(market: ReturnType<typeof provider>, symbols: readonly string[]): Promise<Quote[]> {
  const answers = await market.quote.fetch(symbols);
  return symbols.map((symbol) => {
    const answer = answers.get(symbol);
    if (answer === undefined || answer instanceof Error) throw new Error(`no quote for ${symbol}`);
    return answer;
  });
}

const cents = (value: number): number => Math.round(value * 100);

describe('simulated market: quotes', () => {
  it('quotes every listed symbol with figures that parse and hang together', async () => {
    const market = provider();
    for (const quote of await quotesOf(market, market.symbols)) {
      expect(QuoteSchema.parse(quote)).toEqual(quote);
      expect(quote.source).toBe('simulated');
      expect(quote.stale).toBe(false);
      expect(quote.timestamp.getTime()).toBe(WEDNESDAY);
      expect(quote.asOf.getTime()).toBe(WEDNESDAY);
      const { price, open, high, low, previousClose, volume } = quote;
      if (open === null || high === null || low === null || previousClose === null || volume === null) {
        throw new Error(`incomplete quote for ${quote.symbol}`);
      }
      expect(low).toBeLessThanOrEqual(Math.min(price, open));
      expect(high).toBeGreaterThanOrEqual(Math.max(price, open));
      expect(Number.isInteger(volume)).toBe(true);
      expect(volume).toBeGreaterThan(0);
      // Prices in whole cents; change is exactly price − previous close; percent to four places.
      for (const value of [price, open, high, low, previousClose, quote.change]) expect(cents(value) / 100).toBe(value);
      expect(cents(quote.change)).toBe(cents(price) - cents(previousClose));
      expect(quote.changePercent).toBeCloseTo(((price - previousClose) / previousClose) * 100, 3);
      expect(Math.round(quote.changePercent * 1e4) / 1e4).toBe(quote.changePercent);
    }
  });

  it('is deterministic: same seed and same clock give the same quotes; another seed differs', async () => {
    const symbols = ['AAPL', 'MSFT', 'BRK.B', 'SPY', 'TSM'];
    const first = await quotesOf(provider(42), symbols);
    const second = await quotesOf(provider(42), symbols);
    expect(second).toEqual(first);
    const other = await quotesOf(provider(43), symbols);
    expect(other.map((quote) => quote.price)).not.toEqual(first.map((quote) => quote.price));
  });

  it('does not depend on what was asked before or when the provider was created', () => {
    const fresh = provider(42);
    const used = provider(42, WEDNESDAY + 30 * 24 * HOUR);
    // Warm `used` up on other days and symbols first.
    used.quoteAt('AAPL', WEDNESDAY - 400 * 24 * HOUR);
    used.quoteAt('AAPL', WEDNESDAY + 3 * HOUR);
    used.quoteAt('MSFT', WEDNESDAY);
    expect(used.quoteAt('AAPL', WEDNESDAY)).toEqual(fresh.quoteAt('AAPL', WEDNESDAY));
    expect(used.quoteAt('AAPL', WEDNESDAY - 777_777)).toEqual(fresh.quoteAt('AAPL', WEDNESDAY - 777_777));
  });

  it('moves through the session: ticks a second apart change, highs only rise, lows only fall', () => {
    const market = provider();
    let previous = market.quoteAt('NVDA', WEDNESDAY);
    let changes = 0;
    for (let step = 1; step <= 600; step++) {
      const quote = market.quoteAt('NVDA', WEDNESDAY + step * 1000);
      if (quote.price !== previous.price) changes += 1;
      expect(quote.high ?? 0).toBeGreaterThanOrEqual(previous.high ?? 0);
      expect(quote.low ?? 0).toBeLessThanOrEqual(previous.low ?? 0);
      expect(quote.volume ?? 0).toBeGreaterThanOrEqual(previous.volume ?? 0);
      expect(quote.open).toBe(previous.open);
      expect(quote.previousClose).toBe(previous.previousClose);
      // A second's move is small: well under one percent.
      expect(Math.abs(quote.price - previous.price) / previous.price).toBeLessThan(0.01);
      previous = quote;
    }
    expect(changes).toBeGreaterThan(450);
  });

  it('moves between ticks a quarter second apart too', () => {
    const market = provider();
    const prices = Array.from({ length: 41 }, (_, i) => market.quoteAt('AAPL', WEDNESDAY + i * 250).price);
    const changes = prices.filter((price, i) => i > 0 && price !== prices[i - 1]).length;
    expect(changes).toBeGreaterThan(15);
  });

  it('ends each session on its daily bar, and opens the next from its close', async () => {
    const market = provider();
    const bars = await market.history.fetch({ symbol: 'AAPL', from: '2025-11-10', to: '2025-11-18', interval: 'DAY' });
    expect(bars).toHaveLength(7);
    for (const bar of bars) {
      const start = Date.parse(`${bar.date}T00:00:00Z`);
      const atClose = market.quoteAt('AAPL', start + 24 * HOUR - 1);
      expect(atClose).toMatchObject({ price: bar.close, open: bar.open, high: bar.high, low: bar.low, volume: bar.volume });
      const nextOpen = market.quoteAt('AAPL', start + 24 * HOUR + (new Date(start).getUTCDay() === 5 ? 48 * HOUR : 0));
      expect(nextOpen.previousClose).toBe(bar.close);
    }
  });

  it('holds Friday\'s close over the weekend', () => {
    const market = provider(7, SATURDAY_NOON);
    const saturday = market.quoteAt('MSFT', SATURDAY_NOON);
    const sunday = market.quoteAt('MSFT', SATURDAY_NOON + 30 * HOUR);
    const fridayClose = market.quoteAt('MSFT', FRIDAY_START + 24 * HOUR - 1);
    expect(sunday).toEqual(saturday);
    expect(saturday).toEqual(fridayClose);
    expect(saturday.timestamp.toISOString()).toBe('2025-11-21T23:59:59.999Z');
  });

  it('fails an unknown symbol with NOT_FOUND: alone in a batch, thrown by quoteAt', async () => {
    const market = provider();
    const answers = await market.quote.fetch(['AAPL', 'ZZZZ']);
    expect(answers.get('AAPL')).toMatchObject({ symbol: 'AAPL' });
    expect(answers.get('ZZZZ')).toBeInstanceOf(ProviderError);
    expect(answers.get('ZZZZ')).toMatchObject({ kind: ProviderFailureKind.NOT_FOUND, message: 'Unknown symbol: ZZZZ' });
    expect(() => market.quoteAt('ZZZZ', WEDNESDAY)).toThrowError(
      expect.objectContaining({ kind: ProviderFailureKind.NOT_FOUND, provider: 'simulated' }),
    );
  });

  it('moves two share classes of one company together', () => {
    const market = provider();
    const ratios = [0, 1, 2, 3].map((day) => {
      const time = WEDNESDAY - day * 24 * HOUR;
      return market.quoteAt('GOOG', time).price / market.quoteAt('GOOGL', time).price;
    });
    for (const ratio of ratios) expect(ratio).toBeCloseTo(177 / 176, 2);
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(provider().quote.fetch(['AAPL'], { signal: controller.signal })).rejects.toThrow();
  });
});
