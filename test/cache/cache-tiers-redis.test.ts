import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Quote } from '../../src/domain/index.js';
import { MarketCache, type MarketCacheOptions } from '../../src/market/cache/cache.js';
import { dateFieldNames } from '../../src/market/cache/cache-codec.js';
import { RedisTier } from '../../src/market/cache/cache-l2.js';
import { keyvStoreFactory } from '../../src/market/cache/keyv-store.js';
import type { RedisLink } from '../../src/stores/redis-link.js';
import { adminRedis, closeAdmin, openLink, type AdminRedis } from '../support/shared-redis.js';
import { quote } from './quotes.js';

/**
 * The two cache tiers on the real Redis at 127.0.0.1:6379: two `MarketCache`s, each with a Redis
 * link of its own, stand for two gateway instances sharing L2. Every test writes under a prefix of
 * its own and removes it.
 */

const ttlMs = { quote: 5_000, history: 60_000, profile: 60_000, statements: 60_000, search: 60_000, economicSeries: 60_000 };

let admin: AdminRedis;
let prefix: string;
const tiers: RedisTier[] = [];
const links: RedisLink[] = [];

/** An L2 tier on a link of its own, as one gateway instance has it. */
async function connectTier(): Promise<RedisTier> {
  const link = openLink();
  links.push(link);
  const tier = await RedisTier.connect({ link, timeoutMs: 500 });
  tiers.push(tier);
  return tier;
}

beforeAll(() => {
  admin = adminRedis();
});
afterEach(async () => {
  await Promise.all(tiers.splice(0).map((tier) => tier.close()));
  links.splice(0).forEach((link) => link.close());
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(keys);
});
afterAll(() => {
  closeAdmin(admin);
});

async function instance(options: Partial<MarketCacheOptions> = {}) {
  const tier = await connectTier();
  const errors: unknown[] = [];
  const cache = new MarketCache({
    maxEntries: 1_000,
    maxBytes: 1_000_000,
    ttlMs,
    staleWindowMs: 60_000,
    negativeTtlMs: 600_000,
    l2: tier.namespace(prefix),
    onError: (error) => errors.push(error),
    ...options,
  });
  return { cache, tier, errors };
}

const counts = (cache: MarketCache, tier: 'l1' | 'l2') =>
  Object.fromEntries(cache.requestCounts().filter((count) => count.kind === 'quote' && count.tier === tier).map((count) => [count.result, count.count]));

describe('the L2 tier in Redis', () => {
  it('answers a second instance what the first stored, as a domain object with Dates, and fills its L1', async () => {
    prefix = `mgtest:cache:${randomUUID()}`;
    const writer = await instance();
    const reader = await instance();
    await writer.cache.set('quote', 'AAPL', quote('AAPL'));

    const hit = await reader.cache.get<Quote>('quote', 'AAPL');
    expect(hit?.value).toEqual(quote('AAPL'));
    expect(hit?.value.timestamp).toBeInstanceOf(Date);
    expect(hit?.value.asOf).toBeInstanceOf(Date);
    expect(counts(reader.cache, 'l1')).toEqual({ hit: 0, miss: 1, stale: 0 });
    expect(counts(reader.cache, 'l2')).toEqual({ hit: 1, miss: 0, stale: 0 });

    // Now in the reader's own L1: no second trip to Redis.
    await reader.cache.get('quote', 'AAPL');
    expect(counts(reader.cache, 'l1')).toEqual({ hit: 1, miss: 1, stale: 0 });
    expect(counts(reader.cache, 'l2')).toEqual({ hit: 1, miss: 0, stale: 0 });
    expect(await reader.cache.entries()).toEqual([
      { tier: 'l1', count: 1 },
      { tier: 'l2', count: 1 },
    ]);
    expect(reader.errors).toEqual([]);
  });

  it('keeps an entry in Redis for its freshness plus the longer stale window, no longer', async () => {
    prefix = `mgtest:cache:${randomUUID()}`;
    const { cache } = await instance({ revalidateWindowMs: { quote: 120_000 } });
    await cache.set('quote', 'AAPL', quote('AAPL'));
    const pttl = await admin.pTTL(`${prefix}::quote:AAPL`);
    expect(pttl).toBeGreaterThan(5_000 + 120_000 - 2_000);
    expect(pttl).toBeLessThanOrEqual(5_000 + 120_000);
  });

  it('shares a remembered NOT_FOUND for the negative TTL', async () => {
    prefix = `mgtest:cache:${randomUUID()}`;
    const writer = await instance({ negativeTtlMs: 600_000 });
    const reader = await instance();
    await writer.cache.setNotFound('quote', 'ZZZZ', { message: 'No quote found for symbol "ZZZZ".', details: { symbol: 'ZZZZ' } });
    expect((await reader.cache.lookupMany('quote', ['ZZZZ']))[0]).toMatchObject({
      state: 'notFound',
      notFound: { message: 'No quote found for symbol "ZZZZ".', details: { symbol: 'ZZZZ' } },
    });
    const pttl = await admin.pTTL(`${prefix}::quote:ZZZZ`);
    expect(pttl).toBeGreaterThan(590_000);
    expect(pttl).toBeLessThanOrEqual(600_000);
  });

  it('drops a corrupt or foreign entry and never serves it', async () => {
    prefix = `mgtest:cache:${randomUUID()}`;
    const { cache, errors } = await instance();
    const good = JSON.parse(JSON.stringify({ f: 1, kind: 'quote', storedAt: Date.now(), value: quote('AAPL') })) as Record<string, unknown>;
    const planted: Record<string, string> = {
      GARB: 'not json {',
      OTHR: JSON.stringify({ hello: 'another app wrote this' }),
      KIND: JSON.stringify({ ...good, kind: 'profile' }),
      BADV: JSON.stringify({ ...good, value: { ...(good['value'] as object), price: -5 } }),
      DATE: JSON.stringify({ ...good, value: { ...(good['value'] as object), timestamp: 'yesterday' } }),
      VERS: JSON.stringify({ ...good, f: 99 }),
    };
    for (const [symbol, text] of Object.entries(planted)) await admin.set(`${prefix}::quote:${symbol}`, text, { PX: 60_000 });
    await admin.set(`${prefix}::quote:GOOD`, JSON.stringify(good), { PX: 60_000 });

    const symbols = [...Object.keys(planted), 'GOOD'];
    const found = await cache.lookupMany<Quote>('quote', symbols);
    expect(found.slice(0, -1)).toEqual(Object.keys(planted).map(() => undefined));
    expect(found.at(-1)).toMatchObject({ state: 'fresh', value: { symbol: 'AAPL', price: 232.8 } });
    expect(errors).toHaveLength(Object.keys(planted).length);

    // Dropped from Redis (in the background), so every instance fetches them again.
    const stillThere = async () => (await Promise.all(Object.keys(planted).map((symbol) => admin.exists(`${prefix}::quote:${symbol}`)))).reduce((sum, found) => sum + found, 0);
    await expect.poll(stillThere, { timeout: 5_000, interval: 10 }).toBe(0);
    expect(await admin.exists(`${prefix}::quote:GOOD`)).toBe(1);
  });

  it('decodes every Date field the domain schemas declare', () => {
    expect(dateFieldNames()).toEqual(['asOf', 'timestamp']);
  });
});

describe('Keyv stores on the same tiers', () => {
  it('share a namespace across instances through Redis, under the cache prefix', async () => {
    prefix = `mgtest:cache:${randomUUID()}`;
    const a = await connectTier();
    const b = await connectTier();
    const first = keyvStoreFactory(a, prefix)<{ query: string }>('apq');
    const second = keyvStoreFactory(b, prefix)<{ query: string }>('apq');
    await first.set('abc123', { query: '{ quote(symbol: "AAPL") { price } }' }, 60_000);
    expect(await second.get('abc123')).toEqual({ query: '{ quote(symbol: "AAPL") { price } }' });
    expect(await admin.exists(`${prefix}:apq::abc123`)).toBe(1);
  });

  it('work in memory alone without Redis', async () => {
    const store = keyvStoreFactory(undefined, 'unused')<string>('responses');
    await store.set('k', 'v', 60_000);
    expect(await store.get('k')).toBe('v');
    expect(await store.get('missing')).toBeUndefined();
  });
});
