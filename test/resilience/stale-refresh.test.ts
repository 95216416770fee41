import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, type Quote } from '../../src/domain/index.js';
import { MarketCache } from '../../src/market/cache/cache.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import { MarketService } from '../../src/market/service.js';
import { wasServedStale } from '../../src/market/staleness.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { DeadLetterQueue, type DeadLetterJob } from '../../src/resilience/dead-letters.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { pollUntil } from '../support/timing.js';

/**
 * The market service and a real dead-letter queue, in process, on FMP (a fake upstream): the cache
 * runs on a test clock, so an entry goes stale only when a test moves the clock past its 50 ms of
 * freshness, and a refreshed entry stays fresh however slowly a loaded machine runs the test (on
 * the real clock both raced the machine: about one run in three failed under a parallel suite).
 * Refreshes are retried after 250, 50 and 100 ms of fake timers' time, which passes only while a
 * test waits for something (`until`), so what the client calls alone cost is counted before any
 * retry, however slow the machine. Sockets are real. What a stale answer sets in motion, for a
 * query capability (price history) and a batched one (quotes).
 */

const FRESH_MS = 50;
const HISTORY = { path: '/stable/historical-price-eod/full', query: { symbol: 'AAPL' } };
const QUOTE = { path: '/stable/quote', query: { symbol: 'AAPL' } };
const QUERY = { symbol: 'AAPL', from: '2025-01-27', to: '2025-02-11', interval: 'DAY' } as const;
/** Longer than any retry delay: a wait in which a retry that should not come would have come. */
const LONGEST_DELAY_MS = 250;
let clockMs = 0;
/** Moves the cache's clock past every entry's freshness. */
const expireFreshness = () => (clockMs += FRESH_MS + 20);

let upstream: FakeUpstream;
let market: MarketService;
let queue: DeadLetterQueue;
let staleServed: number;
let parked: DeadLetterJob[];
let recovered: DeadLetterJob[];

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  clockMs = Date.now();
  upstream = await startFakeUpstream();
  staleServed = 0;
  parked = [];
  recovered = [];
  const fmp = createFmpProvider({ baseUrl: upstream.url, keys: ['test-key-0001'], timeoutMs: 1_000, api: 'stable', batchQuotes: false });
  queue = new DeadLetterQueue({
    retryDelaysMs: [250, 50, 100],
    run: (job) => market.refresh(job),
    onParked: (job) => parked.push(job),
    onRecovered: (job) => recovered.push(job),
  });
  const registry = new ProviderRegistry([fmp], new Map(), { deadLetters: queue });
  const ttl = FRESH_MS;
  const cache = new MarketCache({
    maxEntries: 1_000,
    ttlMs: { quote: ttl, history: ttl, profile: ttl, statements: ttl, search: ttl, economicSeries: ttl },
    staleWindowMs: 60_000,
    now: () => clockMs,
  });
  market = new MarketService({ registry, cache, chainBudgetMs: 1_000, refreshes: queue, onStaleServed: () => (staleServed += 1) });
});
afterEach(async () => {
  await queue.close();
  await upstream.close();
  vi.useRealTimers();
});

/** Lets a millisecond of fake time pass, then lets the real sockets catch up (setImmediate is real). */
async function tick(): Promise<void> {
  await vi.advanceTimersByTimeAsync(1);
  await new Promise((resolve) => setImmediate(resolve));
}

/** Lets fake time pass until `condition` holds (within `timeoutMs` of real time). */
const until = (condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> => pollUntil(condition, timeoutMs, tick);

/** Lets `ms` of fake time pass, with the sockets kept up: for showing that something does not happen. */
async function letPass(ms: number): Promise<void> {
  for (let passed = 0; passed < ms; passed++) await tick();
}

describe('a stale answer', () => {
  it('schedules one refresh of the query, parked after its retries, and a replay repairs the cache', async () => {
    upstream.on(HISTORY, { json: fixture('fmp/stable/historical-eod-aapl.json') }, { times: 1 });
    const fresh = await market.getHistory(QUERY);
    expireFreshness();

    upstream.on(HISTORY, { fault: 'html', status: 502 });
    const answers = await Promise.all([market.getHistory(QUERY), market.getHistory(QUERY)]);
    const again = await market.getHistory(QUERY);
    for (const answer of [...answers, again]) {
      expect(answer).toEqual(fresh);
      expect(wasServedStale(answer)).toBe(true);
    }
    // Two client calls (the first two shared a flight), one job.
    expect(upstream.count(HISTORY)).toBe(1 + 2);
    expect(queue.pending('fmp')).toBe(1);

    await until(() => parked.length === 1);
    expect(upstream.count(HISTORY)).toBe(1 + 2 + 3);
    expect(parked[0]).toMatchObject({
      provider: 'fmp',
      capability: 'history',
      key: 'AAPL:2025-01-27:2025-02-11:DAY',
      query: QUERY,
      attempts: 3,
      state: 'failed',
      lastError: { kind: 'UNAVAILABLE' },
    });
    expect(JSON.stringify(parked[0])).not.toContain('test-key-0001');
    expect(JSON.stringify(parked[0])).not.toContain(upstream.url);
    // Clients were served stale twice (one flight, then one more call); the refreshes served no one.
    expect(staleServed).toBe(2);
    expect(await queue.depth('fmp')).toBe(1);
    // Parked means parked: no further call, however long we wait.
    await letPass(LONGEST_DELAY_MS + 50);
    expect(upstream.count(HISTORY)).toBe(1 + 2 + 3);
  });

  it('is repaired by a replay once the provider is back, and the next answer is fresh from the cache', async () => {
    upstream.on(HISTORY, { json: fixture('fmp/stable/historical-eod-aapl.json') }, { times: 1 });
    await market.getHistory(QUERY);
    expireFreshness();
    upstream.on(HISTORY, { fault: 'reset' });
    expect(wasServedStale(await market.getHistory(QUERY))).toBe(true);
    await until(() => parked.length === 1);

    upstream.on(HISTORY, { json: fixture('fmp/stable/historical-eod-aapl.json') });
    const calls = upstream.count(HISTORY);
    expect(await market.replayDeadLetters('fmp')).toBe(1);
    await until(() => recovered.length === 1);
    expect(upstream.count(HISTORY)).toBe(calls + 1);
    const next = await market.getHistory(QUERY);
    expect(wasServedStale(next)).toBe(false);
    expect(upstream.count(HISTORY)).toBe(calls + 1);
    expect(await queue.depth('fmp')).toBe(0);
  });

  it('ends the refresh of a quote once the provider answers it, retried while it could not', async () => {
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') }, { times: 1 });
    await market.getQuotes(['AAPL']);
    expireFreshness();
    // Newer rules answer first: two outages, then the quote.
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') }, { times: 1 });
    upstream.on(QUOTE, { status: 503, json: {} }, { times: 2 });
    const [stale] = await market.getQuotes(['AAPL']);
    expect(stale).toMatchObject({ symbol: 'AAPL', stale: true });

    // The first retry fails, the second answers and stores the quote.
    await until(() => recovered.length === 1);
    expect(recovered[0]).toMatchObject({ capability: 'quote', key: 'AAPL', attempts: 1 });
    expect(upstream.count(QUOTE)).toBe(1 + 1 + 2);
    const [fresh] = await market.getQuotes(['AAPL']);
    expect((fresh as Quote).stale).toBe(false);
    expect(upstream.count(QUOTE)).toBe(1 + 1 + 2);
    expect(parked).toEqual([]);
  });

  it('ends the refresh when the provider says the symbol is gone: an answer, not an outage', async () => {
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') }, { times: 1 });
    await market.getQuotes(['AAPL']);
    expireFreshness();
    upstream.on(QUOTE, { json: [] });
    upstream.on(QUOTE, { status: 503, json: {} }, { times: 1 });
    await market.getQuotes(['AAPL']);
    await until(() => recovered.length === 1);
    // Ended: no further call, however long we wait.
    await letPass(LONGEST_DELAY_MS + 50);
    expect(upstream.count(QUOTE)).toBe(1 + 1 + 1);
    expect(parked).toEqual([]);
  });
});

describe('replayDeadLetters', () => {
  it('refuses a provider this gateway does not run', async () => {
    await expect(market.replayDeadLetters('polygon')).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT, details: { enabled: ['fmp'] } });
  });
});
