import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, MarketError, type Bar, type Quote } from '../../src/domain/index.js';
import { MarketCache } from '../../src/market/cache/cache.js';
import { RedisTier } from '../../src/market/cache/cache-l2.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import { MarketService } from '../../src/market/service.js';
import { wasServedStale } from '../../src/market/staleness.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { DeadLetterQueue } from '../../src/resilience/dead-letters.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { pollUntil, sleep } from '../support/timing.js';
import { adminRedis, closeAdmin, openLink, type AdminRedis } from '../support/shared-redis.js';

/**
 * Stale-while-revalidate and negative caching in the market service, on FMP (a fake upstream)
 * and the two cache tiers (L2 on the real Redis at 127.0.0.1:6379, a prefix per test). Two
 * services, each with its own L1 and Redis connection, stand for two gateway instances. Freshness
 * is judged on one clock the test moves (`clockMs`), so an entry goes past it only when a test
 * says so, never mid-test on a slow machine; Redis keeps entries far longer on its own clock.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const FRESH_MS = 600;
const QUOTE = { path: '/stable/quote', query: { symbol: 'AAPL' } };
const UNKNOWN = { path: '/stable/quote', query: { symbol: 'ZZZZ' } };
const HISTORY = { path: '/stable/historical-price-eod/full', query: { symbol: 'AAPL' } };
const HISTORY_QUERY = { symbol: 'AAPL', from: '2025-01-27', to: '2025-02-11', interval: 'DAY' } as const;
/** Every instance's cache clock. */
let clockMs = Date.now();
/** Moves the caches' clock past every entry's freshness. */
const expireFreshness = () => (clockMs += FRESH_MS + 20);

/** The AAPL quote fixture at another price. */
function aaplAt(price: number): unknown {
  const [row] = fixture('fmp/stable/quote-aapl.json') as Array<Record<string, unknown>>;
  return [{ ...row, price }];
}

let admin: AdminRedis;
let upstream: FakeUpstream;
let prefix: string;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(() => {
  admin = adminRedis(REDIS_URL);
});
beforeEach(async () => {
  clockMs = Date.now();
  upstream = await startFakeUpstream();
  prefix = `mgtest:swr:${randomUUID()}`;
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await upstream.close();
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(keys);
});
afterAll(() => {
  closeAdmin(admin);
});

/** One gateway instance: FMP, a dead-letter queue whose retries never come during a test, both cache tiers. */
async function instance(options: { revalidateMs?: number } = {}) {
  const link = openLink(REDIS_URL);
  const tier = await RedisTier.connect({ link, timeoutMs: 500 });
  const fmp = createFmpProvider({ baseUrl: upstream.url, keys: ['test-key-swr-0001'], timeoutMs: 5_000, api: 'stable', batchQuotes: false });
  const queue = new DeadLetterQueue({ retryDelaysMs: [60_000], run: async () => undefined });
  cleanup.push(async () => {
    await queue.close();
    await tier.close();
    link.close();
  });
  const ttl = FRESH_MS;
  const cache = new MarketCache({
    maxEntries: 1_000,
    maxBytes: 10_000_000,
    ttlMs: { quote: ttl, history: ttl, profile: ttl, statements: ttl, search: ttl, economicSeries: ttl },
    staleWindowMs: 60_000,
    revalidateWindowMs: { quote: options.revalidateMs ?? 60_000, history: options.revalidateMs ?? 60_000 },
    negativeTtlMs: 600_000,
    l2: tier.namespace(prefix),
    now: () => clockMs,
  });
  let staleServed = 0;
  const market = new MarketService({
    registry: new ProviderRegistry([fmp], new Map(), { deadLetters: queue }),
    cache,
    // Far above the time a test holds the provider's answer, so a busy machine cannot turn the refresh into a timeout.
    chainBudgetMs: 5_000,
    refreshes: queue,
    onStaleServed: () => (staleServed += 1),
  });
  return { market, cache, queue, staleServed: () => staleServed };
}

const until = (condition: () => boolean | Promise<boolean>, timeoutMs = 4_000): Promise<void> => pollUntil(condition, timeoutMs, () => sleep(10));

describe('stale-while-revalidate', () => {
  it('answers a quote past its freshness at once, not stale (no provider failed it), and refreshes it once in the background', async () => {
    const { market, staleServed } = await instance();
    upstream.on(QUOTE, { json: aaplAt(232.8) }, { times: 1 });
    const [first] = await market.getQuotes(['AAPL']);
    expect(first).toMatchObject({ price: 232.8, stale: false });
    expireFreshness();

    // The provider now has a new price, and holds its answer until the test lets it go: ten reads
    // must not wait for it (they could not answer while it is held if they did).
    let release: () => void = () => undefined;
    upstream.on(QUOTE, { json: aaplAt(240), gate: new Promise<void>((resolve) => (release = resolve)) });
    const answers = await Promise.all(Array.from({ length: 10 }, () => market.getQuotes(['AAPL'])));
    for (const [answer] of answers) {
      expect(answer).toMatchObject({ symbol: 'AAPL', price: 232.8, stale: false });
      expect(wasServedStale(answer)).toBe(false);
    }
    expect(staleServed()).toBe(0);

    // One refresh for the key, however many reads inside the window: then the new price, from the cache.
    await until(() => upstream.count(QUOTE) === 2);
    release();
    await until(async () => ((await market.getQuotes(['AAPL']))[0] as Quote).price === 240);
    const [fresh] = await market.getQuotes(['AAPL']);
    expect(fresh).toMatchObject({ price: 240, stale: false });
    expect(upstream.count(QUOTE)).toBe(2);
  });

  it('refreshes a price history once, and the refreshed value reaches another instance through Redis', async () => {
    const one = await instance();
    const two = await instance();
    upstream.on(HISTORY, { json: fixture('fmp/stable/historical-eod-aapl.json') });
    const fresh = await one.market.getHistory(HISTORY_QUERY);
    expireFreshness();

    const held = await Promise.all([one.market.getHistory(HISTORY_QUERY), one.market.getHistory(HISTORY_QUERY), one.market.getHistory(HISTORY_QUERY)]);
    for (const answer of held) {
      expect(answer).toEqual(fresh);
      expect(wasServedStale(answer)).toBe(false);
    }
    await until(() => upstream.count(HISTORY) === 2);
    expect(wasServedStale(await one.market.getHistory(HISTORY_QUERY))).toBe(false);
    expect(upstream.count(HISTORY)).toBe(2);

    // The second instance never fetched it: its first read is fresh from L2.
    const shared: Bar[] = await two.market.getHistory(HISTORY_QUERY);
    expect(shared).toEqual(fresh);
    expect(wasServedStale(shared)).toBe(false);
    expect(upstream.count(HISTORY)).toBe(2);
  });

  it('answers unmarked while the refresh runs, then stale once it found no provider, and hands it to the dead-letter queue', async () => {
    const { market, queue, staleServed } = await instance();
    upstream.on(QUOTE, { json: aaplAt(232.8) }, { times: 1 });
    await market.getQuotes(['AAPL']);
    expireFreshness();
    upstream.on(QUOTE, { status: 503, json: {} });
    // No provider has failed it yet: the refresh this read starts is the first to ask.
    const [answer] = await market.getQuotes(['AAPL']);
    expect(answer).toMatchObject({ price: 232.8, stale: false });
    await until(() => queue.pending('fmp') === 1);
    // Now one has: stale, as when the chain fails in front of a client.
    const [again] = await market.getQuotes(['AAPL']);
    expect(again).toMatchObject({ price: 232.8, stale: true });
    expect(wasServedStale(again)).toBe(true);
    expect(staleServed()).toBe(1);
  });

  it('is off for a kind whose window is 0: a read past freshness asks the provider and waits for it', async () => {
    const { market } = await instance({ revalidateMs: 0 });
    upstream.on(QUOTE, { json: aaplAt(232.8) }, { times: 1 });
    await market.getQuotes(['AAPL']);
    expireFreshness();
    upstream.on(QUOTE, { json: aaplAt(240) });
    const [answer] = await market.getQuotes(['AAPL']);
    expect(answer).toMatchObject({ price: 240, stale: false });
    expect(upstream.count(QUOTE)).toBe(2);
  });
});

describe('negative caching', () => {
  it('remembers an unknown symbol, here and on another instance, so asking again costs no provider call', async () => {
    const one = await instance();
    const two = await instance();
    upstream.on(UNKNOWN, { json: [] });
    const [first] = await one.market.getQuotes(['ZZZZ']);
    expect(first).toBeInstanceOf(MarketError);
    expect(first).toMatchObject({ code: ErrorCode.NOT_FOUND, details: { symbol: 'ZZZZ' } });
    expect(upstream.count(UNKNOWN)).toBe(1);

    const [again] = await one.market.getQuotes(['ZZZZ']);
    const [elsewhere] = await two.market.getQuotes(['ZZZZ']);
    for (const answer of [again, elsewhere]) {
      expect(answer).toBeInstanceOf(MarketError);
      expect(answer).toMatchObject({ code: ErrorCode.NOT_FOUND, message: (first as MarketError).message, details: { symbol: 'ZZZZ' } });
    }
    expect(upstream.count(UNKNOWN)).toBe(1);
    const pttl = await admin.pTTL(`${prefix}::quote:ZZZZ`);
    expect(pttl).toBeGreaterThan(590_000);
  });

  it('remembers a query that found nothing (price history of an unknown symbol)', async () => {
    const { market } = await instance();
    const unknownHistory = { path: '/stable/historical-price-eod/full', query: { symbol: 'ZZZZ' } };
    upstream.on(unknownHistory, { json: [] });
    const query = { ...HISTORY_QUERY, symbol: 'ZZZZ' };
    await expect(market.getHistory(query)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(market.getHistory(query)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, details: { symbol: 'ZZZZ' } });
    expect(upstream.count(unknownHistory)).toBe(1);
  });
});
