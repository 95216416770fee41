import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProviderError, ProviderFailureKind, type Quote } from '../../src/domain/index.js';
import type { BatchFetcher } from '../../src/providers/adapter.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import type { PollDone, PollSchedule } from '../../src/streaming/sources/poll-events.js';
import type { PollQuota } from '../../src/streaming/sources/poll-pacing.js';
import { createPollSource, type PollSource } from '../../src/streaming/sources/poll-source.js';
import { ManualClock } from '../support/fake-streams/manual-clock.js';
import { fixture, startFakeUpstream, type FakeUpstream, type Reply } from '../support/fake-upstream.js';

/**
 * The polling feed on the real FMP adapter against the fake upstream, time on a manual clock: a
 * poll starts only when the test moves the clock, and its HTTP call is real.
 */

let upstream: FakeUpstream;
let batched: BatchFetcher<Quote>;
let single: BatchFetcher<Quote>;
const sources: PollSource[] = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const settings = { baseUrl: upstream.url, keys: ['test-key-0001'], timeoutMs: 2_000, api: 'stable' as const };
  batched = createFmpProvider({ ...settings, batchQuotes: true }).quote as BatchFetcher<Quote>;
  single = createFmpProvider({ ...settings, batchQuotes: false }).quote as BatchFetcher<Quote>;
});
afterEach(() => {
  for (const source of sources.splice(0)) source.close();
  upstream.reset();
});
afterAll(async () => upstream.close());

/** AAPL's documented example (batch-quote.json), at `price` and `seconds`. */
const T0 = 1738702801;
type Row = Record<string, unknown>;
const rows = fixture('fmp/stable/batch-quote.json') as Row[];
const rowOf = (symbol: string, change: Partial<Row> = {}): Row => ({ ...(rows.find((row) => row['symbol'] === symbol) as Row), ...change });

/** The batch endpoint answering AAPL as `aapl` says (the fixture's rows for the rest). */
function serveBatch(aapl: Partial<Row> = {}): void {
  upstream.on({ path: '/stable/batch-quote' }, (request) => ({
    // FMP leaves out a symbol it does not know.
    json: (request.query['symbols'] ?? '')
      .split(',')
      .filter((symbol) => rows.some((row) => row['symbol'] === symbol))
      .map((symbol) => (symbol === 'AAPL' ? rowOf('AAPL', aapl) : rowOf(symbol))),
  }));
}

interface Harness {
  readonly source: PollSource;
  readonly clock: ManualClock;
  /** Symbols of every fetch call, counted as the call is made (before any HTTP). */
  readonly calls: string[][];
  readonly schedules: PollSchedule[];
  /** Moves the clock by `ms` and waits for the poll it starts to end. */
  pollAfter(ms: number): Promise<PollDone>;
}

function harness(fetcher: BatchFetcher<Quote>, quota: PollQuota = { limits: [{ points: 60, per: 'minute' }] }): Harness {
  const clock = new ManualClock();
  const calls: string[][] = [];
  const counted: BatchFetcher<Quote> = {
    batchSize: fetcher.batchSize,
    fetch: (symbols, options) => {
      calls.push([...symbols]);
      return fetcher.fetch(symbols, options);
    },
  };
  const source = createPollSource({ provider: 'fmp', fetcher: counted, quota, clock });
  sources.push(source);
  const schedules: PollSchedule[] = [];
  source.events.onSchedule((event) => schedules.push(event));
  return {
    source, clock, calls, schedules,
    pollAfter(ms) {
      const done = new Promise<PollDone>((resolve) => {
        const listener = source.events.onPoll((event) => {
          listener.dispose();
          resolve(event);
        });
      });
      clock.advance(ms);
      return done;
    },
  };
}

/** One watcher of `symbol`: what it heard, and how it leaves. */
function listen(source: PollSource, symbol: string): { readonly quotes: Quote[]; readonly errors: Error[]; stop(): void } {
  const quotes: Quote[] = [];
  const errors: Error[] = [];
  const stop = source.start(symbol, (quote) => quotes.push(quote), (error) => errors.push(error));
  return { quotes, errors, stop };
}

describe('the poll source', () => {
  it('makes one batched call per interval for every watched symbol, however many watchers', async () => {
    serveBatch();
    // 60/min at the default 50 %: 30 calls a minute, one call a poll → a poll every 2 s.
    const { source, clock, calls, pollAfter } = harness(batched);
    const aapl = [listen(source, 'AAPL'), listen(source, 'AAPL')];
    const msft = listen(source, 'MSFT');
    const brk = listen(source, 'BRK.B');
    expect(calls).toEqual([]);

    const first = await pollAfter(0);
    expect(calls).toEqual([['AAPL', 'MSFT', 'BRK.B']]);
    expect(upstream.requests.map((request) => request.query['symbols'])).toEqual(['AAPL,MSFT,BRK-B']);
    expect(first).toMatchObject({ provider: 'fmp', symbols: 3, calls: 1, failedCalls: 0, changed: 3 });
    for (const heard of [...aapl, msft, brk]) expect(heard.quotes).toHaveLength(1);
    expect(aapl[0]?.quotes[0]).toMatchObject({ symbol: 'AAPL', price: 232.8, source: 'fmp', feed: 'poll' });
    expect(brk.quotes[0]).toMatchObject({ symbol: 'BRK.B', feed: 'poll' });
    expect(source.pace).toEqual({ calls: 1, intervalMs: 2_000, gapMs: 0 });

    clock.advance(1_999);
    expect(calls).toHaveLength(1);
    await pollAfter(1);
    expect(calls).toHaveLength(2);
    await pollAfter(2_000);
    expect(calls).toHaveLength(3);
  });

  it('asks in chunks of the batch size, and the interval follows the symbols as they come and go', async () => {
    upstream.on({ path: '/stable/quote' }, (request) => ({ json: [rowOf(request.query['symbol'] ?? '')] }));
    const { source, clock, calls, schedules, pollAfter } = harness(single);
    const heard = ['AAPL', 'MSFT', 'BRK.B'].map((symbol) => listen(source, symbol));
    // One symbol a call: 1, 2, then 3 calls a poll at 30 calls a minute.
    expect(schedules.map((event) => event.intervalMs)).toEqual([2_000, 4_000, 6_000]);

    const done = await pollAfter(0);
    expect(calls).toEqual([['AAPL'], ['MSFT'], ['BRK.B']]);
    expect(done).toMatchObject({ symbols: 3, calls: 3, changed: 3 });

    // BRK.B leaves: two calls a poll, so the next poll comes 4 s after the last one started.
    heard[2]?.stop();
    expect(schedules.at(-1)).toMatchObject({ symbols: 2, calls: 2, intervalMs: 4_000 });
    clock.advance(3_999);
    expect(calls).toHaveLength(3);
    await pollAfter(1);
    expect(calls.slice(3)).toEqual([['AAPL'], ['MSFT']]);
  });

  it('spaces the calls of one poll when they alone would overspend the window', async () => {
    upstream.on({ path: '/stable/quote' }, (request) => ({ json: [rowOf(request.query['symbol'] ?? '')] }));
    // 2/s at 50 %: one call a second, so three symbols a call each go one second apart.
    const { source, clock, calls } = harness(single, { limits: [{ points: 2, per: 'second' as const }] });
    const [aapl] = ['AAPL', 'MSFT', 'BRK.B'].map((symbol) => listen(source, symbol));
    expect(source.pace).toEqual({ calls: 3, intervalMs: 3_000, gapMs: 1_000 });
    clock.advance(0);
    // The first call answered: its deadline is gone and the gap's timer is the only one left.
    await vi.waitFor(() => expect([aapl?.quotes.length, clock.pending]).toEqual([1, 1]));
    expect(calls).toEqual([['AAPL']]);
    clock.advance(999);
    expect(calls).toHaveLength(1);
    clock.advance(1);
    await vi.waitFor(() => expect(calls).toEqual([['AAPL'], ['MSFT']]));
  });

  it('emits only quotes that changed, and never one older than the last delivered', async () => {
    serveBatch();
    const { source, pollAfter } = harness(batched);
    const heard = listen(source, 'AAPL');
    expect((await pollAfter(0)).changed).toBe(1);

    // The same quote again: nothing.
    expect((await pollAfter(2_000)).changed).toBe(0);

    upstream.reset();
    serveBatch({ price: 233.1, timestamp: T0 + 60 });
    expect((await pollAfter(2_000)).changed).toBe(1);

    // An older trade at another price (a lagging replica): never sent.
    upstream.reset();
    serveBatch({ price: 231, timestamp: T0 + 30 });
    expect((await pollAfter(2_000)).changed).toBe(0);

    // The same trade at a corrected price: sent.
    upstream.reset();
    serveBatch({ price: 233.2, timestamp: T0 + 60 });
    expect((await pollAfter(2_000)).changed).toBe(1);

    expect(heard.quotes.map((quote) => [quote.price, quote.timestamp.getTime() / 1000])).toEqual([
      [232.8, T0],
      [233.1, T0 + 60],
      [233.2, T0 + 60],
    ]);
    expect(heard.errors).toEqual([]);
  });

  it('backs off on RATE_LIMITED for its retryAfter, tells each watcher once per outage, and keeps the feed', async () => {
    const limited: Reply = { status: 429, json: fixture('fmp/errors/limit-reach.json'), headers: { 'retry-after': '120' } };
    upstream.on({ path: '/stable/batch-quote' }, limited);
    const { source, clock, calls, pollAfter } = harness(batched);
    const failures: Array<{ kind: string; retryAfterMs: number | undefined }> = [];
    source.events.onFailure(({ kind, retryAfterMs }) => failures.push({ kind, retryAfterMs }));
    const watchers = [listen(source, 'AAPL'), listen(source, 'AAPL')];

    expect(await pollAfter(0)).toMatchObject({ calls: 1, failedCalls: 1, changed: 0 });
    for (const heard of watchers) {
      expect(heard.errors).toHaveLength(1);
      expect(heard.errors[0]).toBeInstanceOf(ProviderError);
      expect((heard.errors[0] as ProviderError).kind).toBe(ProviderFailureKind.RATE_LIMITED);
    }
    expect(failures).toEqual([{ kind: ProviderFailureKind.RATE_LIMITED, retryAfterMs: 120_000 }]);

    // The 2 s interval passes many times over; the provider said 120 s.
    clock.advance(119_999);
    expect(calls).toHaveLength(1);
    await pollAfter(1);
    expect(calls).toHaveLength(2);
    // Still limited: counted, but the watchers already know.
    expect(failures).toHaveLength(2);
    for (const heard of watchers) expect(heard.errors).toHaveLength(1);

    upstream.reset();
    serveBatch();
    expect(await pollAfter(120_000)).toMatchObject({ failedCalls: 0, changed: 1 });
    for (const heard of watchers) expect(heard.quotes).toHaveLength(1);

    // A new outage (503, no backoff): told again, once, and the next poll is on the usual schedule.
    upstream.reset();
    upstream.on({ path: '/stable/batch-quote' }, { status: 503, json: {} });
    await pollAfter(2_000);
    await pollAfter(2_000);
    expect(calls).toHaveLength(5);
    for (const heard of watchers) {
      expect(heard.errors).toHaveLength(2);
      expect((heard.errors[1] as ProviderError).kind).toBe(ProviderFailureKind.UNAVAILABLE);
    }
  });

  it('stops its timer when the last watcher leaves, aborts the call under way, and a returning watcher waits for the interval', async () => {
    let release!: () => void;
    upstream.on({ path: '/stable/batch-quote' }, { json: rows, gate: new Promise<void>((resolve) => (release = resolve)) }, { times: 1 });
    serveBatch();
    const { source, clock, calls, pollAfter } = harness(batched);
    const first = listen(source, 'AAPL');
    const second = listen(source, 'AAPL');
    const polled = pollAfter(0);
    expect(calls).toHaveLength(1);

    first.stop();
    second.stop();
    const done = await polled;
    release();
    expect(done.changed).toBe(0);
    expect(first.quotes).toEqual([]);
    expect(clock.pending).toBe(0);
    expect(source.pace).toBeUndefined();

    // Back 1 s after the last poll started: no extra call before its 2 s interval is over.
    clock.advance(1_000);
    const back = listen(source, 'AAPL');
    clock.advance(999);
    expect(calls).toHaveLength(1);
    await pollAfter(1);
    expect(calls).toHaveLength(2);
    expect(back.quotes).toHaveLength(1);

    // Gone again: ten idle minutes, no call, no timer.
    back.stop();
    clock.advance(600_000);
    expect(calls).toHaveLength(2);
    expect(clock.pending).toBe(0);
  });

  it('tells a watcher joining a polled symbol its last quote at once', async () => {
    serveBatch();
    const { source, pollAfter } = harness(batched);
    listen(source, 'AAPL');
    await pollAfter(0);
    const late = listen(source, 'AAPL');
    expect(late.quotes).toEqual([]);
    await Promise.resolve();
    expect(late.quotes).toMatchObject([{ symbol: 'AAPL', price: 232.8, feed: 'poll' }]);
  });

  it('stops asking for a symbol the provider does not know, after saying so once', async () => {
    serveBatch();
    const { source, calls, pollAfter } = harness(batched);
    const nosuch = listen(source, 'NOSUCH');
    listen(source, 'AAPL');
    await pollAfter(0);
    expect(nosuch.errors.map((error) => (error as ProviderError).kind)).toEqual([ProviderFailureKind.NOT_FOUND]);
    await pollAfter(2_000);
    expect(calls).toEqual([['NOSUCH', 'AAPL'], ['AAPL']]);
    expect(nosuch.errors).toHaveLength(1);
  });
});
