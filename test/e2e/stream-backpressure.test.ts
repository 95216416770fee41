import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { UNIVERSE_SYMBOLS } from '../../src/providers/simulated/universe.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { scrapeMetrics, sample } from '../support/metrics.js';
import { watch, wsClient } from './subscriptions-helpers.js';

/**
 * Backpressure on graphql-ws (issue 14 item 6) and the delivery metrics (item 8) against a spawned
 * gateway: a client that stops reading is held back (its items conflated in the hub), then closed
 * with 4508 once its socket has stayed above the high-water mark for STREAM_SLOW_CLOSE_MS, while a
 * client reading normally on the same gateway keeps receiving. `throttleMs` is honoured and
 * validated. Every wait is for an event or a figure on /metrics, never for the calendar.
 */

const HIGH_WATER_BYTES = 1_024;
const SLOW_CLOSE_MS = 300;
let gateway: SpawnedGateway;

beforeAll(async () => {
  gateway = await spawnGateway({
    PROVIDERS: 'simulated',
    // Fast ticks on many symbols fill a paused client's kernel buffers (a few MB on loopback) in about a second.
    SIM_TICK_MS: '10',
    WS_HIGH_WATER_BYTES: String(HIGH_WATER_BYTES),
    STREAM_SLOW_CLOSE_MS: String(SLOW_CLOSE_MS),
  });
});
afterAll(async () => {
  await gateway?.stop();
});

const FIELDS = 'symbol price change changePercent open high low previousClose volume timestamp source stale delayed';

/** A bare graphql-ws connection over `ws`, so the test can stop reading it (`pause()`) and see its close code. */
async function rawConnection(url: string): Promise<{ socket: WebSocket; nexts: () => number; closed: Promise<number> }> {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  let nexts = 0;
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'connection_ack') resolve();
      if (message.type === 'next') nexts += 1;
    });
  });
  return { socket, nexts: () => nexts, closed };
}

async function metricsNow(): Promise<string> {
  return scrapeMetrics(gateway.origin);
}

async function untilMetric(name: string, labels: Record<string, string>, atLeast: number): Promise<number> {
  let value = 0;
  await expect.poll(async () => (value = sample(await metricsNow(), name, labels)), { timeout: 15_000, interval: 50 }).toBeGreaterThanOrEqual(atLeast);
  return value;
}

describe('graphql-ws backpressure', () => {
  it('holds back a reader that stopped, closes it with 4508 after the hard limit, and leaves a fast reader alone', async () => {
    const fast = wsClient(gateway.wsUrl);
    const fastWatch = watch(fast, ['AAPL']);
    await fastWatch.untilQuotes(3);

    const slow = await rawConnection(gateway.wsUrl);
    const symbols = UNIVERSE_SYMBOLS.slice(0, 100);
    for (const id of ['a', 'b']) {
      slow.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: `subscription { quotes(symbols: ${JSON.stringify(symbols)}) { ${FIELDS} } }` } }));
    }
    await expect.poll(() => slow.nexts(), { timeout: 10_000, interval: 10 }).toBeGreaterThan(0);
    // The client stops reading: the kernel's buffers fill, then the gateway's queue passes the mark.
    slow.socket.pause();

    await untilMetric('stream_slow_consumers_closed_total', { transport: 'graphql-ws' }, 1);
    // Reading again, the client takes what was queued and then the close frame, inside the grace before a cut.
    slow.socket.resume();
    expect(await slow.closed).toBe(4508);

    const metrics = await metricsNow();
    expect(sample(metrics, 'stream_items_conflated_total', { transport: 'graphql-ws' })).toBeGreaterThan(0);
    expect(sample(metrics, 'stream_items_delivered_total', { transport: 'graphql-ws' })).toBeGreaterThan(0);
    expect(sample(metrics, 'stream_tick_to_client_seconds_count', { transport: 'graphql-ws' })).toBeGreaterThan(0);
    expect(metrics).toMatch(/stream_tick_to_client_seconds_bucket\{le="0.05",transport="graphql-ws"\} \d+/);

    // The fast client never noticed.
    const seen = fastWatch.quotes.length;
    await fastWatch.untilQuotes(seen + 5);
    expect(fastWatch.failure()).toBeUndefined();
    await fast.dispose();
  });

  it('caps items per symbol with throttleMs', async () => {
    const client = wsClient(gateway.wsUrl);
    const throttled = watch(client, ['MSFT'], 'subscription ($symbols: [String!]!) { quotes(symbols: $symbols, throttleMs: 200) { symbol price timestamp source } }');
    const every = watch(client, ['MSFT']);
    const quotes = await throttled.untilQuotes(4);
    // Ticks are 10 ms apart on the market's clock: after the snapshot, the throttle lets one out per 200 ms at most.
    const times = quotes.map((quote) => Date.parse(quote.timestamp));
    for (let i = 2; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(150);
    // Over the same time, the unthrottled subscription got many more.
    expect(every.quotes.length).toBeGreaterThan(quotes.length * 3);
    await client.dispose();
  });

  it('refuses a throttleMs out of range with BAD_USER_INPUT', async () => {
    const client = wsClient(gateway.wsUrl);
    for (const throttleMs of [-1, 60_001]) {
      const refused = watch(client, ['MSFT'], `subscription { quotes(symbols: ["MSFT"], throttleMs: ${throttleMs}) { symbol } }`);
      await refused.ended;
      // A resolver's refusal comes as the one result of the subscription (graphql-js), then `complete`.
      expect(refused.quotes).toEqual([]);
      expect(refused.resultErrors.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
    }
    await client.dispose();
  });
});

describe('SSE delivery metrics', () => {
  it('counts items written to an SSE response and times them', async () => {
    const before = sample(await metricsNow(), 'stream_items_delivered_total', { transport: 'sse' });
    const controller = new AbortController();
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { quotes(symbols: ["IBM"]) { symbol price } }' }),
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let events = 0;
    while (events < 5) {
      const { value } = await reader.read();
      events += (new TextDecoder().decode(value).match(/event: next/g) ?? []).length;
    }
    controller.abort();
    await untilMetric('stream_items_delivered_total', { transport: 'sse' }, before + 5);
    expect(sample(await metricsNow(), 'stream_tick_to_client_seconds_count', { transport: 'sse' })).toBeGreaterThan(0);
  });
});
