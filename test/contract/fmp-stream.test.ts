import { describe, expect, it } from 'vitest';
import { ProviderFailureKind } from '../../src/domain/index.js';
import { fmpStream } from '../../src/providers/fmp/stream.js';
import type { StreamSource } from '../../src/providers/kit/stream-source.js';
import { startFakeFmpStream, type FakeFmpStream } from '../support/fake-streams/fmp.js';
import { recordEvents, sourceOn, T0, watch, streamUnderTest } from '../support/fake-streams/harness.js';
import { ManualClock } from '../support/fake-streams/manual-clock.js';
import { eventually, settle } from '../support/fake-streams/server.js';

/** FMP's stock WebSocket: login by message, lower-case tickers, trade (T) messages in nanoseconds. */

const KEY = 'fmp-stream-key-0001';
const NANOS = T0 * 1_000_000;
const current = streamUnderTest<FakeFmpStream>();

function fmpOn(fake: FakeFmpStream, clock: ManualClock, keys: readonly string[] = [KEY]): StreamSource {
  current.source = sourceOn(fmpStream, 'fmp', 'Financial Modeling Prep', fake.url, clock, { keys });
  return current.source;
}

describe('FMP stream', () => {
  it('logs in, subscribes lower-case tickers once, and reads trades (not quotes or breaks) as ticks', async () => {
    current.upstream = await startFakeFmpStream({ keys: [KEY] });
    const feed = fmpOn(current.upstream, new ManualClock());
    const aapl = [watch(feed, 'AAPL'), watch(feed, 'AAPL')];
    await eventually(() => current.upstream!.subscriptions().has('aapl'), 'subscribed');
    expect(current.upstream.connections[0]?.received[0]).toEqual({ event: 'login', data: { apiKey: KEY } });
    expect(current.upstream.requests).toEqual([{ event: 'subscribe', tickers: ['aapl'] }]);
    current.upstream.message({ s: 'aapl', t: NANOS, type: 'Q', ap: 101.2, bp: 101.1 });
    current.upstream.message({ s: 'aapl', t: NANOS + 1_000_000, type: 'B', lp: 50 });
    current.upstream.message({ s: 'aapl', t: NANOS + 2_000_000, type: 'T', lp: 101.15 });
    await eventually(() => aapl.every((w) => w.quotes.length === 1), 'one trade each');
    await settle();
    expect(aapl[0]?.quotes.map((quote) => quote.price)).toEqual([101.15]);
    expect(aapl[0]?.quotes[0]).toMatchObject({ symbol: 'AAPL', source: 'fmp', change: 1.15 });
    expect(aapl[0]?.quotes[0]?.timestamp.getTime()).toBe(T0 + 2);
  });

  it('logs in again and resubscribes after a drop', async () => {
    current.upstream = await startFakeFmpStream({ keys: [KEY] });
    const clock = new ManualClock();
    const feed = fmpOn(current.upstream, clock);
    watch(feed, 'AAPL');
    watch(feed, 'MSFT');
    await eventually(() => current.upstream!.subscriptions().size === 2, 'subscribed');
    current.upstream.connections[0]?.drop();
    await eventually(() => current.upstream!.open().length === 0 && clock.pending > 0, 'lost');
    clock.advance(8_000);
    await eventually(() => current.upstream!.connections.length === 2 && current.upstream!.subscriptions(current.upstream!.connections[1]).size === 2, 'resubscribed');
    expect(current.upstream.requests.at(-1)).toEqual({ event: 'subscribe', tickers: ['aapl', 'msft'] });
  });

  it('counts garbage, and reports a refused login without redialling', async () => {
    current.upstream = await startFakeFmpStream({ keys: [KEY] });
    const clock = new ManualClock();
    const good = fmpOn(current.upstream, clock);
    const events = recordEvents(good);
    const aapl = watch(good, 'AAPL');
    await eventually(() => current.upstream!.subscriptions().has('aapl'), 'subscribed');
    current.upstream.connections[0]?.sendRaw('{{');
    current.upstream.connections[0]?.send({ s: 'aapl', t: 'later', type: 'T' });
    current.upstream.message({ s: 'aapl', t: NANOS, type: 'T', lp: 101 });
    await eventually(() => aapl.quotes.length === 1 && events.malformed.length === 2, 'garbage counted, trade read');
    good.close();

    const refusedClock = new ManualClock();
    const bad = fmpOn(current.upstream, refusedClock, ['bad-fmp-key']);
    const badEvents = recordEvents(bad);
    const msft = watch(bad, 'MSFT');
    await eventually(() => msft.errors.length === 1, 'told');
    expect(msft.errors[0]).toMatchObject({ kind: ProviderFailureKind.UNAUTHORIZED });
    expect(badEvents.refusals[0]?.reason).toContain('login 401');
    const attempts = current.upstream.attempts.length;
    refusedClock.advance(300_000);
    await settle();
    expect(current.upstream.attempts).toHaveLength(attempts);
  });
});
