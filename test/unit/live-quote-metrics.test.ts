import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { observeLiveQuotes } from '../../src/app/live-quote-metrics.js';
import type { Quote } from '../../src/domain/index.js';
import type { OnTick, TickSource } from '../../src/providers/adapter.js';

/** The source the hub watches, wrapped to count ticks: what reaches the hub is what the source said. */

const quote: Quote = {
  symbol: 'AAPL', price: 190, change: 1, changePercent: 0.5, open: null, high: null, low: null, previousClose: null, volume: null,
  timestamp: new Date(Date.UTC(2026, 0, 5, 15)), source: 'finnhub', asOf: new Date(Date.UTC(2026, 0, 5, 15)), stale: false, feed: 'stream',
};

describe('the counted live-quote source', () => {
  it("counts each tick and hands it on with its upstream receipt, so the hub's latency starts there", async () => {
    let emit: OnTick = () => undefined;
    const inner: TickSource = {
      start(_symbol, onTick) {
        emit = onTick;
        return () => undefined;
      },
    };
    const registry = new Registry();
    const counted = observeLiveQuotes({ source: inner, routed: undefined, cluster: undefined, streams: new Map(), polls: new Map(), close: async () => undefined }, registry);
    const seen: Array<[number, number | undefined]> = [];
    counted?.start('AAPL', (tick, receivedAt) => seen.push([tick.price, receivedAt]), () => undefined);
    emit(quote, 1_234.5);
    emit({ ...quote, price: 191 });
    expect(seen).toEqual([[190, 1_234.5], [191, undefined]]);
    expect(await registry.getSingleMetricAsString('stream_ticks_received_total')).toContain('stream_ticks_received_total{provider="finnhub",feed="stream"} 2');
  });
});
