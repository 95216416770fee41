import { describe, expect, it } from 'vitest';
import { ProviderFailureKind } from '../../src/domain/index.js';
import type { KeySource } from '../../src/providers/keys.js';
import type { StreamSource } from '../../src/providers/kit/stream-source.js';
import { polygonStream } from '../../src/providers/polygon/stream.js';
import { recordEvents, sourceOn, T0, watch, streamUnderTest } from '../support/fake-streams/harness.js';
import { ManualClock } from '../support/fake-streams/manual-clock.js';
import { startFakePolygonStream, type FakePolygonStream } from '../support/fake-streams/polygon.js';
import { eventually, settle } from '../support/fake-streams/server.js';

/** Polygon's (Massive's) stocks cluster: auth by message, channels by comma, arrays of events. */

const KEY = 'polygon-stream-key-0001';
const current = streamUnderTest<FakePolygonStream>();

function polygonOn(fake: FakePolygonStream, clock: ManualClock, keys: readonly string[] = [KEY], keySource?: KeySource): StreamSource {
  current.source = sourceOn(polygonStream, 'polygon', 'Polygon.io (Massive)', fake.url, clock, { keys, ...(keySource ? { keySource } : {}) });
  return current.source;
}

/** A feed on a fresh fake with its clock at `origin`, watching AAPL once subscribed upstream. */
async function subscribedAt(origin: number): Promise<{ readonly clock: ManualClock; readonly events: ReturnType<typeof recordEvents> }> {
  current.upstream = await startFakePolygonStream({ keys: [KEY] });
  const clock = new ManualClock(origin);
  const feed = polygonOn(current.upstream, clock);
  const events = recordEvents(feed);
  watch(feed, 'AAPL');
  await eventually(() => current.upstream!.requests.length === 1, 'subscribed');
  return { clock, events };
}

describe('Polygon stream', () => {
  // Polygon sends nothing between trades: its silence is a dead connection only while US equities trade.
  it('leaves a connection silent at the weekend alone', async () => {
    const { clock, events } = await subscribedAt(Date.UTC(2026, 0, 10, 15, 0));
    clock.advance(95_000);
    await settle();
    expect(events.reconnects).toEqual([]);
    expect(current.upstream?.attempts).toHaveLength(1);
  });

  it('takes a connection silent in trading hours for lost', async () => {
    // Monday 10:00 in New York.
    const { clock, events } = await subscribedAt(Date.UTC(2026, 0, 5, 15, 0));
    clock.advance(30_000);
    expect(events.reconnects.map((event) => event.reason)).toEqual(['silent for 30000 ms']);
  });

  it('authenticates first, then subscribes trades and second aggregates once per symbol on one connection', async () => {
    current.upstream = await startFakePolygonStream({ keys: [KEY] });
    const feed = polygonOn(current.upstream, new ManualClock());
    const first = watch(feed, 'AAPL');
    const second = watch(feed, 'AAPL');
    await eventually(() => current.upstream!.requests.length === 1, 'subscribed');
    const msft = watch(feed, 'MSFT');
    await eventually(() => current.upstream!.requests.length === 2, 'second symbol subscribed');
    expect(current.upstream.attempts).toHaveLength(1);
    expect(current.upstream.connections[0]?.received[0]).toEqual({ action: 'auth', params: KEY });
    expect(current.upstream.requests).toEqual([
      { action: 'subscribe', params: 'T.AAPL,A.AAPL' },
      { action: 'subscribe', params: 'T.MSFT,A.MSFT' },
    ]);

    current.upstream.events([
      { ev: 'T', sym: 'AAPL', i: '1', x: 4, p: 101, s: 100, c: [12], t: T0, q: 1, z: 3 },
      { ev: 'A', sym: 'MSFT', v: 300, av: 123_456, op: 99, vw: 102, o: 102, c: 102.5, h: 103, l: 101, a: 102, z: 10, s: T0, e: T0 + 1000 },
    ]);
    await eventually(() => first.quotes.length === 1 && second.quotes.length === 1 && msft.quotes.length === 1, 'ticks');
    expect(first.quotes[0]).toMatchObject({ symbol: 'AAPL', price: 101, change: 1, source: 'polygon' });
    // An aggregate brings the day's volume and official open.
    expect(msft.quotes[0]).toMatchObject({ price: 102.5, volume: 123_456, open: 99 });
    expect(msft.quotes[0]?.timestamp.getTime()).toBe(T0 + 1000);
  });

  it('drops trades older than the last one delivered (exchanges report out of order)', async () => {
    current.upstream = await startFakePolygonStream({ keys: [KEY] });
    const feed = polygonOn(current.upstream, new ManualClock());
    const aapl = watch(feed, 'AAPL');
    await eventually(() => current.upstream!.requests.length === 1, 'subscribed');
    current.upstream.events([{ ev: 'T', sym: 'AAPL', p: 101, s: 1, t: T0 + 10 }]);
    await eventually(() => aapl.quotes.length === 1, 'first');
    current.upstream.events([
      { ev: 'T', sym: 'AAPL', p: 90, s: 1, t: T0 + 5 },
      { ev: 'T', sym: 'AAPL', p: 101, s: 1, t: T0 + 10 },
    ]);
    current.upstream.events([{ ev: 'T', sym: 'AAPL', p: 102, s: 1, t: T0 + 20 }]);
    await eventually(() => aapl.quotes.length === 2, 'second');
    expect(aapl.quotes.map((quote) => quote.price)).toEqual([101, 102]);
  });

  it('re-authenticates and resubscribes everything after a drop', async () => {
    current.upstream = await startFakePolygonStream({ keys: [KEY] });
    const clock = new ManualClock();
    const feed = polygonOn(current.upstream, clock);
    watch(feed, 'AAPL');
    watch(feed, 'MSFT');
    await eventually(() => current.upstream!.channels().size === 4, 'subscribed');
    current.upstream.connections[0]?.drop();
    await eventually(() => clock.pending > 0 && current.upstream!.open().length === 0, 'lost');
    clock.advance(8_000);
    await eventually(() => current.upstream!.connections.length === 2 && current.upstream!.channels(current.upstream!.connections[1]).size === 4, 'resubscribed');
    expect(current.upstream.connections[1]?.received[0]).toEqual({ action: 'auth', params: KEY });
    expect(current.upstream.requests.at(-1)).toEqual({ action: 'subscribe', params: 'T.AAPL,A.AAPL,T.MSFT,A.MSFT' });
  });

  it('skips malformed events, counting each frame once, and keeps the good events of the frame', async () => {
    current.upstream = await startFakePolygonStream({ keys: [KEY] });
    const feed = polygonOn(current.upstream, new ManualClock());
    const events = recordEvents(feed);
    const aapl = watch(feed, 'AAPL');
    await eventually(() => current.upstream!.requests.length === 1, 'subscribed');
    const connection = current.upstream.connections[0]!;
    connection.sendRaw('[{"ev":"T","sym":"AAPL"');
    connection.send({ ev: 'T', sym: 'AAPL', p: 1, t: T0 });
    connection.send([{ ev: 'T', sym: 'AAPL', p: 'x', t: T0 }, { ev: 'T', sym: 'AAPL', p: 101, s: 1, t: T0 }]);
    await eventually(() => aapl.quotes.length === 1 && events.malformed.length === 3, 'good event read, three frames counted');
    expect(aapl.quotes[0]?.price).toBe(101);
  });

  it('reports auth_failed once and does not redial while the key rests', async () => {
    current.upstream = await startFakePolygonStream({ keys: [KEY] });
    const clock = new ManualClock();
    const reports: unknown[] = [];
    const feed = polygonOn(current.upstream, clock, ['wrong-polygon-key'], { acquire: async () => '', report: (_key, outcome) => reports.push(outcome) });
    const events = recordEvents(feed);
    const aapl = watch(feed, 'AAPL');
    await eventually(() => aapl.errors.length === 1, 'watcher told');
    expect(events.refusals).toHaveLength(1);
    expect(events.refusals[0]?.reason).toContain('auth_failed');
    expect(aapl.errors[0]).toMatchObject({ kind: ProviderFailureKind.UNAUTHORIZED });
    expect(reports).toHaveLength(1);
    clock.advance(300_000);
    await settle();
    expect(current.upstream.attempts).toHaveLength(1);
    expect(current.upstream.requests).toEqual([]);
    expect(events.reconnects).toEqual([]);
  });

  it('unsubscribes both channels when the last watcher leaves', async () => {
    current.upstream = await startFakePolygonStream({ keys: [KEY] });
    const feed = polygonOn(current.upstream, new ManualClock());
    const aapl = watch(feed, 'AAPL');
    watch(feed, 'MSFT');
    await eventually(() => current.upstream!.channels().size === 4, 'subscribed');
    aapl.stop();
    // Both symbols went out in one subscribe, sent on authentication.
    await eventually(() => current.upstream!.requests.length === 2, 'unsubscribed');
    expect(current.upstream.requests).toEqual([
      { action: 'subscribe', params: 'T.AAPL,A.AAPL,T.MSFT,A.MSFT' },
      { action: 'unsubscribe', params: 'T.AAPL,A.AAPL' },
    ]);
    expect([...current.upstream.channels()].sort()).toEqual(['A.MSFT', 'T.MSFT']);
  });
});
