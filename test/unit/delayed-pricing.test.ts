import { describe, expect, it } from 'vitest';
import { ErrorCode, MarketError, type Caller, type Quote } from '../../src/domain/index.js';
import { DelayedQuotes, QUOTE_DELAY_MS, type DelayedQuote } from '../../src/market/delayed-quotes.js';
import { fetchedAt } from '../../src/market/cache/fetched-at.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';

/**
 * Delayed quotes priced by a market that can price the past (the simulated one): a price is one
 * provider call, reused as a current quote is cached, so reads within its freshness cost none;
 * reads arriving while one is being priced join it; and a spent budget refuses only the pricing.
 * Also what a delayed live stream is made of (`fromLive`). The market clock is a number the test
 * sets; nothing here waits on time.
 */

const START = Date.parse('2026-12-02T15:00:00Z'); // a Wednesday: the simulated market is open
const market = createSimulatedProvider({ seed: 7, tickMs: 1_000 });
const refused = new MarketError(ErrorCode.RATE_LIMITED, 'Too many provider calls.', { budget: 'providerCalls', retryAfter: 30, limit: 2 });
/** Who the reads are for: the budget checked is this consumer's. */
const READER: Caller = { consumer: { id: 'reader', profile: 'basic', rights: new Set(['QUOTES_DELAYED']), anonymous: false }, path: 'quote' };
/** A budget check that answers after a turn of the event loop, as one made in Redis does. */
const later = <T>(value: T) => new Promise<T>((resolve) => setImmediate(() => resolve(value)));

function pricing(refuse: () => Promise<MarketError | undefined> = async () => undefined) {
  const calls: number[] = [];
  const delayed = new DelayedQuotes({
    now: () => START,
    current: async () => [],
    quoteAt: market.quoteAt,
    onPriced: ({ items }) => calls.push(items),
    reuseMs: 60_000,
    refuseCall: refuse,
  });
  return { delayed, calls };
}

describe('delayed quotes priced by the simulated market', () => {
  it('prices a herd of concurrent reads once, and serves reads within the quote freshness as cache hits', async () => {
    const { delayed, calls } = pricing(() => later(undefined));
    const herd = await Promise.all(Array.from({ length: 50 }, () => delayed.get(['AAPL'], READER)));
    expect(calls).toEqual([1]);
    const first = herd[0]?.[0] as DelayedQuote;
    expect(first).toMatchObject({ ...market.quoteAt('AAPL', START - QUOTE_DELAY_MS), delayMinutes: 15 });
    for (const [answer] of herd) expect(answer).toEqual(first);

    const [again] = await delayed.get(['AAPL'], READER);
    expect(calls).toEqual([1]);
    expect(again).toEqual(first);
    // A hit is noted like a market-cache hit, so the response cache keeps it no longer than its freshness.
    expect(fetchedAt(again)).toMatchObject({ kind: 'quote' });
  });

  it('refuses only the symbols a pricing would be needed for when the call is refused', async () => {
    let budgetLeft = true;
    const { delayed, calls } = pricing(async () => (budgetLeft ? undefined : refused));
    await delayed.get(['AAPL'], READER);
    budgetLeft = false;
    const [cached, uncached] = await delayed.get(['AAPL', 'MSFT'], READER);
    expect(cached).toMatchObject({ symbol: 'AAPL', delayMinutes: 15 });
    expect(uncached).toBe(refused);
    expect(calls).toEqual([1]);
  });

  it('never refuses a read without a caller (the gateway itself), and charges a pricing to the caller that made it', async () => {
    const priced: Array<Caller | undefined> = [];
    const delayed = new DelayedQuotes({ now: () => START, current: async () => [], quoteAt: market.quoteAt, onPriced: ({ caller }) => priced.push(caller), refuseCall: async () => refused });
    const [own] = await delayed.get(['AAPL']);
    expect(own).toMatchObject({ symbol: 'AAPL', delayMinutes: 15 });
    expect(await delayed.get(['MSFT'], READER)).toEqual([refused]);
    expect(priced).toEqual([undefined]);
    const charged = new DelayedQuotes({ now: () => START, current: async () => [], quoteAt: market.quoteAt, onPriced: ({ caller }) => priced.push(caller) });
    await charged.get(['AAPL'], READER);
    expect(priced).toEqual([undefined, READER]);
  });

  it('lets a read that joined a refused pricing ask for itself', async () => {
    const verdicts = [refused, undefined];
    const { delayed, calls } = pricing(() => later(verdicts.shift()));
    const [spent, other] = await Promise.all([delayed.get(['NVDA'], READER), delayed.get(['NVDA'], READER)]);
    expect(spent).toEqual([refused]);
    expect(other?.[0]).toMatchObject({ symbol: 'NVDA', delayMinutes: 15 });
    expect(calls).toEqual([1]);
  });

  it('streams, for each live tick, the quote of 15 minutes before now, never the tick', () => {
    const { delayed } = pricing();
    const tick = market.quoteAt('AAPL', START);
    const shown = delayed.fromLive(tick);
    expect(shown).toMatchObject({ ...market.quoteAt('AAPL', START - QUOTE_DELAY_MS), delayMinutes: 15 });
    expect(shown?.timestamp.getTime()).toBeLessThanOrEqual(START - QUOTE_DELAY_MS);
  });
});

describe('a delayed stream over a provider without a past', () => {
  it('shows nothing until a tick has aged 15 minutes, then the newest tick that has', () => {
    let now = START;
    const delayed = new DelayedQuotes({ now: () => now, current: async () => [] });
    const tickAt = (time: number): Quote => market.quoteAt('MSFT', time);
    expect(delayed.fromLive(tickAt(now))).toBeUndefined();
    const first = tickAt(now);
    now += 60_000;
    expect(delayed.fromLive(tickAt(now))).toBeUndefined();
    now = START + QUOTE_DELAY_MS + 60_000;
    const shown = delayed.fromLive(tickAt(now));
    expect(shown?.timestamp.getTime()).toBeLessThanOrEqual(now - QUOTE_DELAY_MS);
    expect(shown?.timestamp.getTime()).toBeGreaterThanOrEqual(first.timestamp.getTime());
    expect(shown?.delayMinutes).toBeGreaterThanOrEqual(15);
    // A tick that is itself old enough (a closed market) is shown as it is.
    const closed = tickAt(START - QUOTE_DELAY_MS);
    expect(delayed.fromLive(closed)).toEqual({ ...closed, delayMinutes: Math.floor((now - closed.timestamp.getTime()) / 60_000) });
  });
});
