import { describe, expect, it } from 'vitest';
import { MarketError, type Quote } from '../../src/domain/index.js';
import { DelayedQuotes, QUOTE_DELAY_MS } from '../../src/market/delayed-quotes.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';

/**
 * Delayed quotes from a provider that cannot price the past: the current quote when its trade is
 * already old enough, else the newest remembered quote that has aged past the delay, else a clear
 * error — never a fresher price. Time is a clock the test moves; the quotes come from the
 * simulated market's pure pricing, as a remote provider's "current quote" at each instant.
 */

const START = Date.parse('2026-12-02T15:00:00Z'); // a Wednesday: the simulated market is open
const market = createSimulatedProvider({ seed: 42, tickMs: 1_000 });

function harness() {
  let now = START;
  let calls = 0;
  const delayed = new DelayedQuotes({
    now: () => now,
    current: async (symbols) => {
      calls += 1;
      return symbols.map((symbol) => market.quoteAt(symbol, now));
    },
  });
  return {
    delayed,
    calls: () => calls,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

describe('DelayedQuotes over a provider without a past', () => {
  it('answers a fresh quote with an error saying when to retry, never the fresh price', async () => {
    const { delayed } = harness();
    const [answer] = await delayed.get(['AAPL']);
    expect(answer).toBeInstanceOf(MarketError);
    expect(answer).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', details: { symbol: 'AAPL', retryAfter: 900 } });
    expect((answer as MarketError).message).toMatch(/at least 15 minutes old/);
  });

  it('serves the newest remembered quote once it is 15 minutes old, with its age', async () => {
    const clock = harness();
    await clock.delayed.get(['AAPL', 'MSFT']);
    const remembered = market.quoteAt('AAPL', START);
    clock.advance(QUOTE_DELAY_MS + 10_000);
    const [apple, msft] = (await clock.delayed.get(['AAPL', 'MSFT'])) as Array<Quote & { delayMinutes: number }>;
    expect(apple).toMatchObject({ symbol: 'AAPL', price: remembered.price, timestamp: remembered.timestamp, delayMinutes: 15 });
    expect(clock.now() - apple!.timestamp.getTime()).toBeGreaterThanOrEqual(QUOTE_DELAY_MS);
    expect(msft).toMatchObject({ symbol: 'MSFT', delayMinutes: 15 });
    // One call per batch, however many symbols.
    expect(clock.calls()).toBe(2);
  });

  it('serves a quote whose trade is already old enough as it is (a closed market)', async () => {
    let calls = 0;
    const saturday = Date.parse('2026-12-05T12:00:00Z');
    const delayed = new DelayedQuotes({
      now: () => saturday,
      current: async (symbols) => {
        calls += 1;
        return symbols.map((symbol) => market.quoteAt(symbol, saturday));
      },
    });
    const [quote] = (await delayed.get(['AAPL'])) as Array<Quote & { delayMinutes: number }>;
    expect(quote?.symbol).toBe('AAPL');
    expect(saturday - quote!.timestamp.getTime()).toBeGreaterThanOrEqual(QUOTE_DELAY_MS);
    expect(quote!.delayMinutes).toBeGreaterThanOrEqual(15);
    expect(calls).toBe(1);
  });

  it('passes a symbol’s own error through and keeps the rest of the batch', async () => {
    const delayed = new DelayedQuotes({
      now: () => START + QUOTE_DELAY_MS,
      current: async () => [new MarketError('NOT_FOUND', 'No data found for this request.'), market.quoteAt('AAPL', START)],
    });
    const [missing, apple] = await delayed.get(['ZZZZ', 'AAPL']);
    expect(missing).toMatchObject({ code: 'NOT_FOUND' });
    expect(apple).toMatchObject({ symbol: 'AAPL', delayMinutes: 15 });
  });
});

describe('DelayedQuotes over a provider that can price the past', () => {
  it('is the quote as of now − 15 min, and BAD_USER_INPUT for a bad symbol', async () => {
    const now = START;
    const delayed = new DelayedQuotes({ now: () => now, quoteAt: market.quoteAt, current: async () => [] });
    const [apple, bad] = await delayed.get(['aapl', 'not a symbol']);
    expect(apple).toMatchObject({ ...market.quoteAt('AAPL', now - QUOTE_DELAY_MS), delayMinutes: 15 });
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
