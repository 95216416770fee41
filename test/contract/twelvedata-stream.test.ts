import { describe, expect, it } from 'vitest';
import { ProviderError, ProviderFailureKind } from '../../src/domain/index.js';
import type { StreamSource } from '../../src/providers/kit/stream-source.js';
import { twelveDataStream } from '../../src/providers/twelvedata/stream.js';
import { recordEvents, sourceOn, T0, watch, streamUnderTest } from '../support/fake-streams/harness.js';
import { ManualClock } from '../support/fake-streams/manual-clock.js';
import { eventually, settle } from '../support/fake-streams/server.js';
import { startFakeTwelveDataStream, type FakeTwelveDataStream } from '../support/fake-streams/twelvedata.js';

/** Twelve Data's real-time prices: key in the URL, symbols by list, the client's heartbeats. */

const KEY = 'twelvedata-stream-key-0001';
const SECONDS = T0 / 1000;
const current = streamUnderTest<FakeTwelveDataStream>();

function twelveDataOn(fake: FakeTwelveDataStream, clock: ManualClock, keys: readonly string[] = [KEY], symbolCap?: number): StreamSource {
  current.source = sourceOn(twelveDataStream, 'twelvedata', 'Twelve Data', fake.url, clock, { keys, ...(symbolCap ? { symbolCap } : {}) });
  return current.source;
}

describe('Twelve Data stream', () => {
  it('subscribes each symbol once on one connection and reads price events in seconds', async () => {
    current.upstream = await startFakeTwelveDataStream({ keys: [KEY] });
    const feed = twelveDataOn(current.upstream, new ManualClock());
    const watchers = [watch(feed, 'AAPL'), watch(feed, 'AAPL'), watch(feed, 'MSFT')];
    await eventually(() => current.upstream!.subscriptions().size === 2, 'subscribed');
    expect(current.upstream.attempts).toHaveLength(1);
    expect(current.upstream.connections[0]?.url.searchParams.get('apikey')).toBe(KEY);
    expect(current.upstream.actions).toEqual([{ action: 'subscribe', symbols: 'AAPL,MSFT' }]);
    current.upstream.price('AAPL', 101, SECONDS, 5_000_000);
    await eventually(() => watchers[0]!.quotes.length === 1 && watchers[1]!.quotes.length === 1, 'ticks');
    expect(watchers[0]?.quotes[0]).toMatchObject({ symbol: 'AAPL', price: 101, change: 1, volume: 5_000_000, source: 'twelvedata' });
    expect(watchers[0]?.quotes[0]?.timestamp.getTime()).toBe(T0);
  });

  it('fails a symbol Twelve Data will not stream, alone, and never resubscribes it', async () => {
    current.upstream = await startFakeTwelveDataStream({ keys: [KEY], unknown: ['NOPE'] });
    const clock = new ManualClock();
    const feed = twelveDataOn(current.upstream, clock);
    const aapl = watch(feed, 'AAPL');
    const nope = watch(feed, 'NOPE');
    await eventually(() => nope.errors.length === 1, 'failed symbol told');
    expect(nope.errors[0]).toBeInstanceOf(ProviderError);
    expect(nope.errors[0]).toMatchObject({ kind: ProviderFailureKind.NOT_FOUND });
    expect(aapl.errors).toEqual([]);
    current.upstream.connections[0]?.drop();
    await eventually(() => current.upstream!.open().length === 0 && clock.pending > 0, 'lost');
    clock.advance(8_000);
    await eventually(() => current.upstream!.actions.length === 2, 'resubscribed');
    expect(current.upstream.actions[1]).toEqual({ action: 'subscribe', symbols: 'AAPL' });
  });

  it('sends a heartbeat every 10 s while connected', async () => {
    current.upstream = await startFakeTwelveDataStream({ keys: [KEY] });
    const clock = new ManualClock();
    const feed = twelveDataOn(current.upstream, clock);
    watch(feed, 'AAPL');
    await eventually(() => current.upstream!.actions.length === 1, 'subscribed');
    clock.advance(9_999);
    await settle();
    expect(current.upstream.actions.filter((entry) => entry.action === 'heartbeat')).toHaveLength(0);
    clock.advance(1);
    await eventually(() => current.upstream!.actions.filter((entry) => entry.action === 'heartbeat').length === 1, 'first heartbeat');
    clock.advance(10_000);
    await eventually(() => current.upstream!.actions.filter((entry) => entry.action === 'heartbeat').length === 2, 'second heartbeat');
  });

  it('redials a connection that went silent', async () => {
    current.upstream = await startFakeTwelveDataStream({ keys: [KEY] });
    const clock = new ManualClock();
    const feed = twelveDataOn(current.upstream, clock);
    const events = recordEvents(feed);
    watch(feed, 'AAPL');
    await eventually(() => current.upstream!.actions.length === 1 && events.frames === 1, 'subscribed and acknowledged');
    // One synchronous step of 30 s: the answer to the heartbeat sent at 10 s cannot arrive inside
    // it, so the connection has been silent for the whole window.
    clock.advance(30_000);
    expect(events.reconnects.map((event) => event.reason)).toEqual(['silent for 30000 ms']);
    clock.advance(8_000);
    await eventually(() => current.upstream!.attempts.length === 2 && current.upstream!.subscriptions(current.upstream!.connections[1]).has('AAPL'), 'redialled');
  });

  it('reports a key refused at the upgrade and does not redial', async () => {
    current.upstream = await startFakeTwelveDataStream({ keys: [KEY] });
    const clock = new ManualClock();
    const feed = twelveDataOn(current.upstream, clock, ['bad-twelvedata-key']);
    const events = recordEvents(feed);
    const aapl = watch(feed, 'AAPL');
    await eventually(() => aapl.errors.length === 1, 'told');
    expect(events.refusals).toHaveLength(1);
    clock.advance(120_000);
    await settle();
    expect(current.upstream.attempts).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain('bad-twelvedata-key');
  });

  it('refuses symbols beyond the plan’s cap with RATE_LIMITED', async () => {
    current.upstream = await startFakeTwelveDataStream({ keys: [KEY] });
    const feed = twelveDataOn(current.upstream, new ManualClock());
    const watches = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'].map((symbol) => watch(feed, symbol));
    await eventually(() => watches[8]!.errors.length === 1 && current.upstream!.subscriptions().size === 8, 'eight carried, the ninth refused');
    expect(watches[8]?.errors[0]).toMatchObject({ code: 'RATE_LIMITED', details: { symbolCap: 8 } });
  });
});
