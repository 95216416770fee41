import { afterEach, describe, expect, it } from 'vitest';
import type { Quote } from '../../src/domain/index.js';
import { finnhubStream } from '../../src/providers/finnhub/stream.js';
import type { StreamSource } from '../../src/providers/kit/stream-source.js';
import { twelveDataStream } from '../../src/providers/twelvedata/stream.js';
import type { SymbolMoved } from '../../src/streaming/sources/routed-events.js';
import { streamSourceHealth, type OwnedSourceHealth } from '../../src/streaming/sources/routed-health.js';
import { createRoutedSource, type RoutedSource } from '../../src/streaming/sources/routed-source.js';
import { startFakeFinnhubStream, type FakeFinnhubStream } from '../support/fake-streams/finnhub.js';
import { sourceOn, T0 } from '../support/fake-streams/harness.js';
import { ManualClock } from '../support/fake-streams/manual-clock.js';
import { eventually, settle } from '../support/fake-streams/server.js';
import { startFakeTwelveDataStream, type FakeTwelveDataStream } from '../support/fake-streams/twelvedata.js';

/**
 * The routed source over two real stream adapters (Finnhub first, Twelve Data second) against the
 * fake upstream feeds: a dropped connection and a refused key move the symbol to the second feed
 * and back, and the watcher sees neither an error nor an older tick. Time is one manual clock for
 * the sockets and the router; only socket traffic is awaited.
 */

const FINNHUB_KEY = 'finnhub-routed-key-0001';
const TWELVE_KEY = 'twelvedata-routed-key-0001';
const GRACE = 3_000;
const RECOVER = 5_000;
/** Finnhub's first redial waits half of this (the jitter is fixed at 0.5): longer than the grace… */
const BACKOFF = 12_000;
/** …or, where a refusal must come first, shorter. */
const QUICK_BACKOFF = 2_000;
/** Twelve Data stamps prices in seconds. */
const T0_S = T0 / 1000;

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface Rig {
  readonly clock: ManualClock;
  readonly finnhub: FakeFinnhubStream;
  readonly twelve: FakeTwelveDataStream;
  /** Finnhub's accepted keys: take one out to refuse it. */
  readonly finnhubKeys: string[];
  readonly routed: RoutedSource;
  readonly moves: SymbolMoved[];
}

async function rig(backoffMs = BACKOFF): Promise<Rig> {
  const clock = new ManualClock();
  const finnhubKeys = [FINNHUB_KEY];
  const finnhub = await startFakeFinnhubStream({ keys: finnhubKeys });
  const twelve = await startFakeTwelveDataStream({ keys: [TWELVE_KEY] });
  cleanup.push(() => finnhub.close(), () => twelve.close());
  const first = sourceOn(finnhubStream, 'finnhub', 'Finnhub', finnhub.url, clock, { keys: [FINNHUB_KEY], backoffBaseMs: backoffMs, backoffMaxMs: backoffMs, refusalRestMs: 4_000 });
  const second = sourceOn(twelveDataStream, 'twelvedata', 'Twelve Data', twelve.url, clock, { keys: [TWELVE_KEY] });
  const healths: OwnedSourceHealth[] = [streamSourceHealth(first.events), streamSourceHealth(second.events)];
  const routed = createRoutedSource({
    chain: [
      { provider: 'finnhub', source: first, health: healths[0] },
      { provider: 'twelvedata', source: second, health: healths[1] },
    ],
    clock,
    graceMs: GRACE,
    recoverMs: RECOVER,
    retryBaseMs: 5_000,
  });
  cleanup.push(() => {
    routed.close();
    for (const health of healths) health.dispose();
    for (const source of [first, second] as StreamSource[]) source.close();
  });
  const moves: SymbolMoved[] = [];
  routed.events.onMoved((event) => moves.push(event));
  return { clock, finnhub, twelve, finnhubKeys, routed, moves };
}

function watch(routed: RoutedSource, symbol: string): { quotes: Quote[]; errors: Error[] } {
  const quotes: Quote[] = [];
  const errors: Error[] = [];
  const stop = routed.start(
    symbol,
    (quote) => quotes.push(quote),
    (error) => errors.push(error),
  );
  cleanup.push(stop);
  return { quotes, errors };
}

const seen = (quotes: readonly Quote[]): string[] => quotes.map((quote) => `${quote.source}@${quote.price}`);

/** Serves AAPL from Finnhub, a first trade delivered at T0 + 2 s. */
async function servedByFinnhub(setup: Rig): Promise<{ quotes: Quote[]; errors: Error[] }> {
  const watcher = watch(setup.routed, 'AAPL');
  await eventually(() => setup.finnhub.subscriptions().has('AAPL'), 'AAPL subscribed on Finnhub');
  setup.finnhub.trades([{ s: 'AAPL', p: 101, t: T0 + 2_000 }]);
  await eventually(() => watcher.quotes.length === 1, 'first Finnhub tick');
  return watcher;
}

/** On Twelve Data: an older price is dropped, a newer one served. */
async function servedByTwelveData(setup: Rig, watcher: { quotes: Quote[] }): Promise<void> {
  await eventually(() => setup.twelve.subscriptions().has('AAPL'), 'AAPL subscribed on Twelve Data');
  setup.twelve.price('AAPL', 99, T0_S + 1);
  setup.twelve.price('AAPL', 102, T0_S + 3);
  await eventually(() => watcher.quotes.length === 2, 'Twelve Data tick');
  await settle();
  expect(seen(watcher.quotes)).toEqual(['finnhub@101', 'twelvedata@102']);
}

/** Finnhub is back: after the recovery period the symbol returns and Twelve Data is unsubscribed. */
async function backOnFinnhub(setup: Rig, watcher: { quotes: Quote[]; errors: Error[] }): Promise<void> {
  await eventually(() => setup.finnhub.subscriptions(setup.finnhub.open().at(-1)).has('AAPL'), 'AAPL resubscribed on Finnhub');
  setup.clock.advance(RECOVER);
  await eventually(() => !setup.twelve.subscriptions().has('AAPL'), 'AAPL unsubscribed from Twelve Data');
  setup.finnhub.trades([{ s: 'AAPL', p: 100, t: T0 + 2_500 }]);
  setup.finnhub.trades([{ s: 'AAPL', p: 104, t: T0 + 4_000 }]);
  await eventually(() => watcher.quotes.length === 3, 'Finnhub tick after the move back');
  await settle();
  expect(seen(watcher.quotes)).toEqual(['finnhub@101', 'twelvedata@102', 'finnhub@104']);
  expect(watcher.errors).toEqual([]);
}

describe('routed source over Finnhub then Twelve Data', () => {
  it('moves a symbol off a dropped Finnhub connection after the grace, and back when it has redialled', async () => {
    const setup = await rig();
    const watcher = await servedByFinnhub(setup);
    expect(setup.twelve.attempts).toHaveLength(0);

    setup.finnhub.open()[0]?.drop();
    await eventually(() => setup.finnhub.open().length === 0, 'Finnhub connection dropped');
    await settle();
    setup.clock.advance(GRACE - 1);
    expect(setup.moves).toEqual([]);
    setup.clock.advance(1);
    expect(setup.moves.map((move) => `${move.from}>${move.to}:${move.reason}`)).toEqual(['finnhub>twelvedata:feed-down']);
    await servedByTwelveData(setup, watcher);

    // Finnhub's redial falls due (backoff/2 after the drop), reconnects and resubscribes the probe.
    setup.clock.advance(BACKOFF / 2);
    await backOnFinnhub(setup, watcher);
    expect(setup.moves.map((move) => move.reason)).toEqual(['feed-down', 'preferred']);
  });

  it('moves a symbol off a refused Finnhub key at once, and back once the key is accepted again', async () => {
    const setup = await rig(QUICK_BACKOFF);
    const watcher = await servedByFinnhub(setup);

    // The key is revoked; the connection drops and the redial is refused at the upgrade (HTTP 401).
    setup.finnhubKeys.splice(0);
    setup.finnhub.open()[0]?.drop();
    await eventually(() => setup.finnhub.open().length === 0, 'Finnhub connection dropped');
    await settle();
    setup.clock.advance(QUICK_BACKOFF / 2);
    await eventually(() => setup.moves.length === 1, 'moved on the refusal');
    expect(setup.moves[0]).toMatchObject({ from: 'finnhub', to: 'twelvedata', reason: 'failed', detail: 'UNAUTHORIZED' });
    await servedByTwelveData(setup, watcher);

    // The key is good again; the router's retry (after the key's rest) dials, is accepted, and takes the symbol back.
    setup.finnhubKeys.push(FINNHUB_KEY);
    setup.clock.advance(5_000);
    await backOnFinnhub(setup, watcher);
    expect(setup.moves.map((move) => move.reason)).toEqual(['failed', 'preferred']);
  });
});
