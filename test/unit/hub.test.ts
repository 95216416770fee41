import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, MarketError, type Quote } from '../../src/domain/index.js';
import type { TickSource } from '../../src/providers/adapter.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';
import { QuoteHub, type StreamItem } from '../../src/streaming/hub.js';
import { settlesWithoutWaiting, sleep } from '../support/timing.js';

/** Wednesday 2025-11-19, 15:30 UTC: mid-session, so every tick moves the market's clock on. */
const WEDNESDAY = Date.UTC(2025, 10, 19, 15, 30);

/**
 * The simulated market's real tick source, with a record of what went through it: which feeds
 * were started and stopped, and every tick it delivered upstream of the hub.
 */
function recordedMarket(tickMs: number) {
  const started = Date.now();
  const market = createSimulatedProvider({ seed: 1, tickMs, now: () => WEDNESDAY + (Date.now() - started) });
  const starts: string[] = [];
  const stops: string[] = [];
  const ticks: Quote[] = [];
  const source: TickSource = {
    start(symbol, onTick, onError) {
      starts.push(symbol);
      const stop = market.stream.start(symbol, (quote) => (ticks.push(quote), onTick(quote)), onError);
      return () => {
        stops.push(symbol);
        stop();
      };
    },
  };
  const latest = (symbol: string) => ticks.filter((tick) => tick.symbol === symbol).at(-1);
  return { source, starts, stops, ticks, latest, quoteAt: market.quoteAt };
}

function quoteOf(result: IteratorResult<StreamItem>): Quote {
  if (result.done || result.value instanceof Error) throw new Error(`expected a quote, got ${JSON.stringify(result)}`);
  return result.value;
}

/** Fails instead of hanging when a read never settles (a guard, not a bound the tests assert). */
function within<T>(promise: Promise<T>, ms = 2_000): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`still pending after ${ms} ms`)))]);
}

describe('QuoteHub on the simulated market', () => {
  const hubs: QuoteHub[] = [];
  afterEach(() => hubs.splice(0).forEach((hub) => hub.close()));
  function hubOn(source: TickSource, events: Array<{ symbol: string; active: boolean }> = []): QuoteHub {
    const hub = new QuoteHub({ source, onFeedChange: ({ symbol, active }) => events.push({ symbol, active }) });
    hubs.push(hub);
    return hub;
  }

  it('runs one upstream feed per symbol however many watch it, and stops it when the last watcher leaves', async () => {
    const market = recordedMarket(10);
    const events: Array<{ symbol: string; active: boolean }> = [];
    const hub = hubOn(market.source, events);
    const a = hub.watch(['AAPL']);
    const b = hub.watch(['AAPL']);
    const c = hub.watch(['AAPL', 'MSFT', 'AAPL']);
    expect(hub.activeFeeds).toBe(2);
    expect(hub.watchers).toBe(3);
    expect(market.starts).toEqual(['AAPL', 'MSFT']);

    expect(quoteOf(await within(a.next())).symbol).toBe('AAPL');
    expect(quoteOf(await within(b.next())).symbol).toBe('AAPL');
    const seenByC = new Set([quoteOf(await within(c.next())).symbol, quoteOf(await within(c.next())).symbol]);
    expect(seenByC).toEqual(new Set(['AAPL', 'MSFT']));

    await a.return?.();
    await b.return?.();
    expect(hub.watchers).toBe(1);
    expect(hub.activeFeeds).toBe(2);
    expect(market.stops).toEqual([]);
    expect(await within(a.next())).toEqual({ value: undefined, done: true });

    await c.return?.();
    expect(hub.watchers).toBe(0);
    expect(hub.activeFeeds).toBe(0);
    expect(market.stops.sort()).toEqual(['AAPL', 'MSFT']);
    expect(events).toEqual([
      { symbol: 'AAPL', active: true },
      { symbol: 'MSFT', active: true },
      expect.objectContaining({ active: false }),
      expect.objectContaining({ active: false }),
    ]);
    // A deliberate wait for something not to happen: five tick periods, in which a feed still
    // running would have delivered (a slower machine only makes the wait longer).
    const delivered = market.ticks.length;
    await sleep(50);
    expect(market.ticks).toHaveLength(delivered);
  });

  it('gives a slow reader only the newest quote of each symbol, never a backlog', async () => {
    const market = recordedMarket(10);
    const hub = hubOn(market.source);
    const slow = hub.watch(['AAPL', 'MSFT']);
    // Several ticks go by unread (however long a loaded machine takes to deliver them).
    await expect.poll(() => market.ticks.filter((tick) => tick.symbol === 'AAPL').length, { timeout: 5_000, interval: 10 }).toBeGreaterThan(5);

    // Everything waiting is handed over synchronously; a third read has to wait for a new tick.
    const newest = new Map([['AAPL', market.latest('AAPL')], ['MSFT', market.latest('MSFT')]]);
    const waiting = [slow.next(), slow.next()];
    const next = slow.next();
    const first = await Promise.all(waiting).then((results) => results.map(quoteOf));
    expect(first.map((quote) => quote.symbol).sort()).toEqual(['AAPL', 'MSFT']);
    for (const quote of first) expect(quote).toEqual(newest.get(quote.symbol));

    const fresh = quoteOf(await within(next));
    const before = first.find((quote) => quote.symbol === fresh.symbol)!;
    expect(fresh.timestamp.getTime()).toBeGreaterThan(before.timestamp.getTime());
  });

  it('starts with the quotes the caller holds, and never hands out a quote older than one it queued or handed out', async () => {
    const market = recordedMarket(10);
    const hub = hubOn(market.source);
    // AAPL's current quote is a minute ahead of the feed (another source, another clock); MSFT's a minute behind.
    const ahead = market.quoteAt('AAPL', WEDNESDAY + 60_000);
    const behind = market.quoteAt('MSFT', WEDNESDAY - 60_000);
    const stream = hub.watch(['AAPL', 'MSFT'], new Map([['AAPL', ahead], ['MSFT', behind]]));
    await expect.poll(() => market.ticks.filter((tick) => tick.symbol === 'AAPL').length, { timeout: 5_000, interval: 10 }).toBeGreaterThan(3);

    const served: Quote[] = [];
    for (let read = 0; read < 4; read++) served.push(quoteOf(await within(stream.next())));
    // AAPL: the held quote, and no tick after it, since every tick so far is older.
    expect(served.filter((quote) => quote.symbol === 'AAPL')).toEqual([ahead]);
    // MSFT: the held quote was not read before newer ticks came, so the first item is already one of them.
    const msft = served.filter((quote) => quote.symbol === 'MSFT').map((quote) => quote.timestamp.getTime());
    expect(msft).toHaveLength(3);
    expect(msft[0]).toBeGreaterThan(behind.timestamp.getTime());
    for (let index = 1; index < msft.length; index++) expect(msft[index]).toBeGreaterThanOrEqual(msft[index - 1]!);
    await stream.return?.();
  });

  it('ends a pending read at once when the watcher leaves, without waiting for the next tick', async () => {
    const market = recordedMarket(60_000);
    const hub = hubOn(market.source);
    const stream = hub.watch(['NVDA']);
    expect(quoteOf(await within(stream.next())).symbol).toBe('NVDA'); // the feed's first tick comes at once
    const pending = stream.next(); // the next one is a minute away
    await stream.return?.();
    // At once: settled without waiting on any timer (the next tick's) or anything else.
    expect(await settlesWithoutWaiting(pending)).toBe(true);
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(hub.activeFeeds).toBe(0);
    expect(market.stops).toEqual(['NVDA']);
  });

  it('reports an unlisted symbol as a NOT_FOUND item, and keeps the stream open', async () => {
    const hub = hubOn(recordedMarket(10).source);
    const stream = hub.watch(['ZZZZ', 'AAPL']);
    const items = [(await within(stream.next())).value, (await within(stream.next())).value] as StreamItem[];
    const error = items.find((item): item is MarketError => item instanceof MarketError);
    expect(error?.code).toBe(ErrorCode.NOT_FOUND);
    expect(error?.message).toBe('No live quotes for symbol "ZZZZ".');
    expect(error?.details).toEqual({ symbol: 'ZZZZ' });
    expect(items.some((item) => !(item instanceof Error) && item.symbol === 'AAPL')).toBe(true);
    expect(quoteOf(await within(stream.next())).symbol).toBe('AAPL');
    await stream.return?.();
  });

  it('close() stops every feed and ends every stream', async () => {
    const market = recordedMarket(10);
    const hub = hubOn(market.source);
    const one = hub.watch(['AAPL']);
    const other = hub.watch(['AAPL', 'TSLA']);
    quoteOf(await within(one.next()));
    const pending = one.next();
    hub.close();
    expect(hub.activeFeeds).toBe(0);
    expect(market.stops.sort()).toEqual(['AAPL', 'TSLA']);
    // Ended at once, without waiting on anything.
    expect(await settlesWithoutWaiting(pending)).toBe(true);
    expect(await pending).toEqual({ value: undefined, done: true });
    const otherNext = other.next();
    expect(await settlesWithoutWaiting(otherNext)).toBe(true);
    expect(await otherNext).toEqual({ value: undefined, done: true });
    // A deliberate wait for something not to happen: five tick periods, in which a feed still
    // running would have delivered.
    const delivered = market.ticks.length;
    await sleep(50);
    expect(market.ticks).toHaveLength(delivered);
    expect(hub.watchers).toBe(0);
  });

  it('answers reads made at once, each with its own item, and ends them all on return()', async () => {
    const hub = hubOn(recordedMarket(10).source);
    const stream = hub.watch(['AAPL', 'MSFT']);
    const [first, second] = await within(Promise.all([stream.next(), stream.next()]));
    expect(new Set([quoteOf(first).symbol, quoteOf(second).symbol])).toEqual(new Set(['AAPL', 'MSFT']));
    const waiting = [stream.next(), stream.next(), stream.next()];
    await stream.return?.();
    const ending = Promise.all(waiting);
    expect(await settlesWithoutWaiting(ending)).toBe(true);
    const ended = await ending;
    expect(ended).toEqual(Array.from({ length: 3 }, () => ({ value: undefined, done: true })));
  });

  it('refuses to watch when no provider can stream', () => {
    const hub = new QuoteHub({ source: undefined });
    expect(hub.canStream).toBe(false);
    expect(() => hub.watch(['AAPL'])).toThrow(expect.objectContaining({ code: ErrorCode.PROVIDER_UNAVAILABLE }));
  });
});
