import { describe, expect, it } from 'vitest';
import { ErrorCode, MarketError, ProviderError, ProviderFailureKind } from '../../src/domain/index.js';
import { createFinnhubProvider } from '../../src/providers/finnhub/index.js';
import { finnhubStream } from '../../src/providers/finnhub/stream.js';
import type { KeySource } from '../../src/providers/keys.js';
import { createStreamSource, type StreamSource, type StreamTuning } from '../../src/providers/kit/stream-source.js';
import { startFakeFinnhubStream, type FakeFinnhubStream } from '../support/fake-streams/finnhub.js';
import { baselineQuote, recordEvents, T0, watch, streamUnderTest } from '../support/fake-streams/harness.js';
import { ManualClock } from '../support/fake-streams/manual-clock.js';
import { eventually, settle } from '../support/fake-streams/server.js';
import { fixture, startFakeUpstream } from '../support/fake-upstream.js';

/**
 * Finnhub's trades feed against a fake speaking its documented messages (fixtures README): what
 * a watcher of the TickSource sees, and what the upstream sees of us. Time (backoff, silence) is a
 * manual clock; only socket traffic is awaited, with generous limits.
 */

const KEY = 'finnhub-stream-key-0001';
const SECOND_KEY = 'finnhub-stream-key-0002';
const SILENCE_MS = 30_000;

const current = streamUnderTest<FakeFinnhubStream>();

function finnhubSource(fake: FakeFinnhubStream, clock: ManualClock, options: StreamTuning & { keys?: string[]; keySource?: KeySource } = {}): StreamSource {
  current.source = createStreamSource({
    provider: 'finnhub',
    name: 'Finnhub',
    url: fake.url,
    keys: options.keys ?? [KEY],
    ...(options.keySource ? { keySource: options.keySource } : {}),
    protocol: finnhubStream.protocol,
    defaultSymbolCap: finnhubStream.defaultSymbolCap,
    baseline: async (symbol) => baselineQuote(symbol, 'finnhub'),
    clock,
    random: () => 0.5,
    silenceMs: SILENCE_MS,
    backoffBaseMs: 1_000,
    backoffMaxMs: 8_000,
    ...options,
  });
  return current.source;
}

describe('Finnhub stream', () => {
  it('subscribes each symbol once over one connection, however many watch it', async () => {
    current.upstream = await startFakeFinnhubStream({ keys: [KEY] });
    const feed = finnhubSource(current.upstream, new ManualClock());
    const watchers = [watch(feed, 'AAPL'), watch(feed, 'AAPL'), watch(feed, 'MSFT'), watch(feed, 'AAPL')];
    await eventually(() => current.upstream!.requests.length === 2, 'two subscribe messages');
    await settle();
    expect(current.upstream.attempts).toHaveLength(1);
    expect(current.upstream.requests).toEqual([
      { type: 'subscribe', symbol: 'AAPL' },
      { type: 'subscribe', symbol: 'MSFT' },
    ]);
    // The key rides in the URL, as Finnhub documents.
    expect(current.upstream.connections[0]?.url.searchParams.get('token')).toBe(KEY);

    current.upstream.trades([{ s: 'AAPL', p: 101, t: T0 }]);
    await eventually(() => watchers.filter((w) => w.quotes.length === 1).length === 3, 'three AAPL watchers ticked');
    expect(watchers[2]?.quotes).toEqual([]);
    expect(watchers[0]?.quotes[0]).toMatchObject({ symbol: 'AAPL', price: 101, change: 1, changePercent: 1, previousClose: 100, source: 'finnhub', stale: false });
    expect(watchers[0]?.quotes[0]?.timestamp.getTime()).toBe(T0);
  });

  it('keeps the newest trade per symbol of a batch, and drops duplicate and out-of-order ticks', async () => {
    current.upstream = await startFakeFinnhubStream({ keys: [KEY] });
    const feed = finnhubSource(current.upstream, new ManualClock());
    const aapl = watch(feed, 'AAPL');
    const msft = watch(feed, 'MSFT');
    await eventually(() => current.upstream!.requests.length === 2, 'subscribed');
    current.upstream.trades([
      { s: 'AAPL', p: 101, t: T0 + 1 },
      { s: 'MSFT', p: 102, t: T0 + 1 },
      { s: 'AAPL', p: 103, t: T0 + 3 },
      // Older than the trade before it in the same frame.
      { s: 'AAPL', p: 99, t: T0 + 2 },
      // A price update (v: 0) moves the price like a trade.
      { s: 'MSFT', p: 104, t: T0 + 4, v: 0 },
    ]);
    await eventually(() => aapl.quotes.length === 1 && msft.quotes.length === 1, 'one quote each');
    expect(aapl.quotes.map((quote) => quote.price)).toEqual([103]);
    expect(msft.quotes.map((quote) => quote.price)).toEqual([104]);

    current.upstream.trades([{ s: 'AAPL', p: 103, t: T0 + 3 }]); // the same trade again
    current.upstream.trades([{ s: 'AAPL', p: 98, t: T0 + 2 }]); // late
    current.upstream.trades([{ s: 'AAPL', p: 105, t: T0 + 5 }]);
    await eventually(() => aapl.quotes.length === 2, 'the next new trade');
    expect(aapl.quotes.map((quote) => quote.price)).toEqual([103, 105]);
    // The day's range widened with the ticks.
    expect(aapl.quotes[1]).toMatchObject({ high: 105, low: 100 });
  });

  it('redials after a dropped connection and resubscribes every watched symbol', async () => {
    current.upstream = await startFakeFinnhubStream({ keys: [KEY] });
    const clock = new ManualClock();
    const feed = finnhubSource(current.upstream, clock);
    const events = recordEvents(feed);
    const aapl = watch(feed, 'AAPL');
    watch(feed, 'MSFT');
    await eventually(() => current.upstream!.requests.length === 2, 'subscribed');

    current.upstream.connections[0]?.drop();
    await eventually(() => events.reconnects.length === 1, 'a reconnect scheduled');
    expect(events.reconnects[0]).toMatchObject({ provider: 'finnhub', connection: 'finnhub#1', attempt: 1 });
    // Full jitter with random() = 0.5: half of the first ceiling.
    expect(events.reconnects[0]?.delayMs).toBe(500);
    expect(current.upstream.attempts).toHaveLength(1);

    clock.advance(500);
    await eventually(() => current.upstream!.open().length === 1 && current.upstream!.subscriptions().size === 2, 'resubscribed on a new connection');
    expect(current.upstream.attempts).toHaveLength(2);
    expect([...current.upstream.subscriptions()].sort()).toEqual(['AAPL', 'MSFT']);
    current.upstream.trades([{ s: 'AAPL', p: 101, t: T0 }]);
    await eventually(() => aapl.quotes.length === 1, 'ticks again');
    expect(events.states.map((change) => change.to)).toEqual(['connecting', 'open', 'authenticated', 'reconnecting', 'connecting', 'open', 'authenticated']);
  });

  it('treats a silent connection as lost, and keeps a connection that pings', async () => {
    current.upstream = await startFakeFinnhubStream({ keys: [KEY] });
    const clock = new ManualClock();
    const feed = finnhubSource(current.upstream, clock);
    const events = recordEvents(feed);
    watch(feed, 'AAPL');
    await eventually(() => current.upstream!.requests.length === 1, 'subscribed');

    // A ping inside every window keeps it.
    for (let minute = 0; minute < 3; minute++) {
      const frames = events.frames;
      current.upstream.ping();
      await eventually(() => events.frames === frames + 1, 'ping received');
      clock.advance(SILENCE_MS - 1);
    }
    expect(events.reconnects).toEqual([]);

    clock.advance(1);
    expect(events.reconnects).toHaveLength(1);
    expect(events.reconnects[0]?.reason).toBe(`silent for ${SILENCE_MS} ms`);
    clock.advance(8_000);
    await eventually(() => current.upstream!.attempts.length === 2 && current.upstream!.subscriptions().has('AAPL'), 'redialled and resubscribed');
  });

  it('counts and skips malformed frames, and keeps streaming', async () => {
    current.upstream = await startFakeFinnhubStream({ keys: [KEY] });
    const feed = finnhubSource(current.upstream, new ManualClock());
    const events = recordEvents(feed);
    const aapl = watch(feed, 'AAPL');
    await eventually(() => current.upstream!.requests.length === 1, 'subscribed');
    const connection = current.upstream.connections[0]!;
    connection.sendRaw('not json at all');
    connection.sendRaw('{"type":"trade","data":[{"s":"AAPL","p":"lots"}]}');
    connection.send({ type: 'surprise' });
    connection.send([1, 2, 3]);
    current.upstream.trades([{ s: 'AAPL', p: 101, t: T0 }]);
    await eventually(() => aapl.quotes.length === 1, 'the good frame after the garbage');
    expect(events.malformed.map((event) => event.total)).toEqual([1, 2, 3, 4]);
    expect(events.malformed[0]?.reason).toBe('not JSON');
    expect(events.reconnects).toEqual([]);
    expect(aapl.errors).toEqual([]);
  });

  it('reports a refused key once, marks it, fails its symbols and does not redial in a loop', async () => {
    current.upstream = await startFakeFinnhubStream({ keys: [KEY] });
    const clock = new ManualClock();
    const reports: Array<[string, unknown]> = [];
    const keySource: KeySource = { acquire: async () => 'unused', report: (key, outcome) => reports.push([key, outcome]) };
    const feed = finnhubSource(current.upstream, clock, { keys: ['revoked-finnhub-key'], keySource, refusalRestMs: 600_000 });
    const events = recordEvents(feed);
    const aapl = watch(feed, 'AAPL');
    const msft = watch(feed, 'MSFT');
    await eventually(() => events.refusals.length === 1, 'refusal reported');
    await eventually(() => aapl.errors.length === 1 && msft.errors.length === 1, 'watchers told');
    expect(events.refusals[0]).toMatchObject({ provider: 'finnhub', connection: 'finnhub#1', reason: 'upgrade refused with HTTP 401' });
    expect(aapl.errors[0]).toBeInstanceOf(ProviderError);
    expect(aapl.errors[0]).toMatchObject({ kind: ProviderFailureKind.UNAUTHORIZED });
    expect(reports).toHaveLength(1);
    expect(reports[0]?.[0]).toBe('revoked-finnhub-key');
    expect(reports[0]?.[1]).toMatchObject({ kind: ProviderFailureKind.UNAUTHORIZED, options: { scope: 'key' } });

    // Nine minutes later, a new watcher: still resting, no dial.
    clock.advance(540_000);
    const late = watch(feed, 'NVDA');
    await eventually(() => late.errors.length === 1, 'late watcher told');
    await settle();
    expect(current.upstream.attempts).toHaveLength(1);
    expect(events.reconnects).toEqual([]);
    // No key in anything a watcher or an event carries.
    expect(JSON.stringify([events, aapl.errors.map((error) => error.message)])).not.toContain('revoked-finnhub-key');
  });

  it('unsubscribes when the last watcher leaves, and hangs up after the last symbol', async () => {
    current.upstream = await startFakeFinnhubStream({ keys: [KEY] });
    const feed = finnhubSource(current.upstream, new ManualClock());
    const first = watch(feed, 'AAPL');
    const second = watch(feed, 'AAPL');
    const msft = watch(feed, 'MSFT');
    await eventually(() => current.upstream!.requests.length === 2, 'subscribed');
    first.stop();
    await settle();
    expect(current.upstream.requests).toHaveLength(2);
    second.stop();
    await eventually(() => current.upstream!.requests.length === 3, 'unsubscribe sent');
    expect(current.upstream.requests[2]).toEqual({ type: 'unsubscribe', symbol: 'AAPL' });
    msft.stop();
    await eventually(() => current.upstream!.open().length === 0, 'connection closed');
    // Watching again dials again (lazily, one connection).
    watch(feed, 'AAPL');
    await eventually(() => current.upstream!.open().length === 1 && current.upstream!.subscriptions().has('AAPL'), 'redialled on demand');
    expect(current.upstream.attempts).toHaveLength(2);
  });

  it('carries symbols up to the cap per key, then on the next key, then refuses with RATE_LIMITED', async () => {
    current.upstream = await startFakeFinnhubStream({ keys: [KEY, SECOND_KEY] });
    const feed = finnhubSource(current.upstream, new ManualClock(), { keys: [KEY, SECOND_KEY], symbolCap: 2 });
    const watches = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'TSLA'].map((symbol) => watch(feed, symbol));
    await eventually(() => current.upstream!.requests.length === 4 && watches[4]!.errors.length === 1, 'four subscribed, one refused');
    expect(current.upstream.connections.map((connection) => connection.url.searchParams.get('token'))).toEqual([KEY, SECOND_KEY]);
    const error = watches[4]?.errors[0];
    expect(error).toBeInstanceOf(MarketError);
    expect(error).toMatchObject({ code: ErrorCode.RATE_LIMITED, details: { symbol: 'TSLA', provider: 'finnhub', symbolCap: 2 } });
    expect(watches.slice(0, 4).every((w) => w.errors.length === 0)).toBe(true);
  });

  it('is the Finnhub adapter’s stream only with a WS URL, and dials nothing until a symbol is watched', async () => {
    current.upstream = await startFakeFinnhubStream({ keys: [KEY] });
    const rest = await startFakeUpstream();
    try {
      rest.on({ path: '/quote', query: { symbol: 'AAPL' } }, { json: fixture('finnhub/quote-aapl.json') });
      expect(createFinnhubProvider({ keys: [KEY], baseUrl: rest.url, timeoutMs: 2_000 }).stream).toBeUndefined();
      const adapter = createFinnhubProvider({ keys: [KEY], baseUrl: rest.url, timeoutMs: 2_000, wsUrl: current.upstream.url });
      expect(adapter.stream).toBeDefined();
      await settle();
      expect(current.upstream.attempts).toHaveLength(0);

      const quotes: number[] = [];
      const stop = adapter.stream!.start('AAPL', (quote) => quotes.push(quote.price), () => undefined);
      await eventually(() => current.upstream!.subscriptions().has('AAPL') && rest.count({ path: '/quote' }) === 1, 'subscribed, baseline read');
      current.upstream.trades([{ s: 'AAPL', p: 300.5, t: T0 }]);
      await eventually(() => quotes.length === 1, 'a tick');
      expect(quotes).toEqual([300.5]);
      stop();
      await adapter.close?.();
      await eventually(() => current.upstream!.open().length === 0, 'closed with the adapter');
    } finally {
      await rest.close();
    }
  });
});
