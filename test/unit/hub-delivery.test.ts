import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Quote } from '../../src/domain/index.js';
import type { TickSource } from '../../src/providers/adapter.js';
import { QuoteHub, type StreamItem, type WatchTap } from '../../src/streaming/hub.js';

/**
 * What the hub tells a watcher's tap (items replaced before read, and when each read item entered
 * the hub) and its per-symbol throttle (`throttleMs`), on a hand-driven source and a hand-driven
 * clock: no wall clock, no calendar.
 */

let clock = 0;
const ticks = new Map<string, (quote: Quote, receivedAt?: number) => void>();
const source: TickSource = {
  start(symbol, onTick) {
    ticks.set(symbol, onTick);
    return () => ticks.delete(symbol);
  },
};

function quote(symbol: string, price: number, at: number): Quote {
  return {
    symbol,
    price,
    change: 0,
    changePercent: 0,
    open: null,
    high: null,
    low: null,
    previousClose: null,
    volume: null,
    timestamp: new Date(at),
    source: 'test',
    asOf: new Date(at),
    stale: false,
  } as Quote;
}

function tick(symbol: string, price: number, at: number): void {
  ticks.get(symbol)?.(quote(symbol, price, at));
}

function recordingTap(): WatchTap & { conflations: number; reads: Array<number | undefined> } {
  const tap = {
    conflations: 0,
    reads: [] as Array<number | undefined>,
    conflated: () => void (tap.conflations += 1),
    read: (receivedAt: number | undefined) => void tap.reads.push(receivedAt),
  };
  return tap;
}

const priceOf = (result: IteratorResult<StreamItem>): number => {
  if (result.done || result.value instanceof Error) throw new Error(`expected a quote, got ${JSON.stringify(result)}`);
  return result.value.price;
};

describe('QuoteHub delivery reports and throttle', () => {
  let hub: QuoteHub;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 1_000;
    hub = new QuoteHub({ source, now: () => clock });
  });
  afterEach(() => {
    hub.close();
    vi.useRealTimers();
  });

  it('tells the tap of each item replaced before it was read, and when each read item entered the hub', async () => {
    const tap = recordingTap();
    const stream = hub.watch(['AAPL'], new Map([['AAPL', quote('AAPL', 1, 0)]]), { tap });
    clock = 1_010;
    tick('AAPL', 2, 10); // replaces the unread snapshot
    clock = 1_020;
    tick('AAPL', 3, 20); // replaces the unread tick
    expect(tap.conflations).toBe(2);
    expect(priceOf(await stream.next())).toBe(3);
    expect(tap.reads).toEqual([1_020]);

    clock = 1_030;
    tick('AAPL', 4, 30);
    expect(priceOf(await stream.next())).toBe(4);
    expect(tap.conflations).toBe(2);
    expect(tap.reads).toEqual([1_020, 1_030]);
  });

  it('stamps a tick relayed by another instance with its upstream receipt, not its entry here', async () => {
    const tap = recordingTap();
    const stream = hub.watch(['AAPL'], new Map(), { tap });
    clock = 1_050;
    ticks.get('AAPL')?.(quote('AAPL', 2, 10), 1_012);
    expect(priceOf(await stream.next())).toBe(2);
    expect(tap.reads).toEqual([1_012]);
  });

  it('reports a snapshot read as not from upstream', async () => {
    const tap = recordingTap();
    const stream = hub.watch(['AAPL'], new Map([['AAPL', quote('AAPL', 1, 0)]]), { tap });
    expect(priceOf(await stream.next())).toBe(1);
    expect(tap.reads).toEqual([undefined]);
  });

  it('lets at most one item per symbol out per throttleMs, the newest waiting, while other symbols flow', async () => {
    const tap = recordingTap();
    const stream = hub.watch(['AAPL', 'MSFT'], new Map(), { tap, throttleMs: 100 });
    tick('AAPL', 1, 1);
    expect(priceOf(await stream.next())).toBe(1);

    clock = 1_040;
    tick('AAPL', 2, 2);
    tick('AAPL', 3, 3);
    tick('MSFT', 10, 3);
    // MSFT was never read: it goes at once; AAPL waits out its 100 ms.
    expect(priceOf(await stream.next())).toBe(10);
    let read: number | undefined;
    void stream.next().then((result) => (read = priceOf(result)));
    await vi.advanceTimersByTimeAsync(30);
    expect(read).toBeUndefined();

    clock = 1_100;
    await vi.advanceTimersByTimeAsync(40);
    expect(read).toBe(3);
    expect(tap.conflations).toBe(1);
  });

  it('without a throttle, serves every tick that is read in time', async () => {
    const stream = hub.watch(['AAPL'], new Map(), { throttleMs: 0 });
    for (let price = 1; price <= 3; price++) {
      tick('AAPL', price, price);
      expect(priceOf(await stream.next())).toBe(price);
    }
  });
});
