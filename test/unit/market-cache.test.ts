import { describe, expect, it } from 'vitest';
import { MarketCache } from '../../src/market/cache/cache.js';

const ttlMs = { quote: 5_000, history: 60_000, profile: 60_000, statements: 60_000, search: 0, economicSeries: 60_000 };

function cacheWithClock(maxEntries = 100) {
  let now = 1_000_000;
  const errors: unknown[] = [];
  const cache = new MarketCache({ maxEntries, ttlMs, now: () => now, onError: (error) => errors.push(error) });
  return { cache, errors, advance: (ms: number) => (now += ms) };
}

describe('MarketCache', () => {
  it('answers a stored value while fresh, with when it was stored', async () => {
    const { cache, errors } = cacheWithClock();
    await cache.set('quote', 'AAPL', { price: 1 });
    expect(await cache.get('quote', 'AAPL')).toEqual({ value: { price: 1 }, storedAt: 1_000_000 });
    expect(errors).toEqual([]);
  });

  it('keeps kinds apart', async () => {
    const { cache } = cacheWithClock();
    await cache.set('quote', 'AAPL', 'a quote');
    expect(await cache.get('profile', 'AAPL')).toBeUndefined();
  });

  it('stops answering once the kind’s freshness has passed', async () => {
    const { cache, advance } = cacheWithClock();
    await cache.set('quote', 'AAPL', 1);
    advance(4_999);
    expect(await cache.get('quote', 'AAPL')).toBeDefined();
    advance(1);
    expect(await cache.get('quote', 'AAPL')).toBeUndefined();
  });

  it('caches nothing of a kind whose freshness is 0', async () => {
    const { cache } = cacheWithClock();
    await cache.set('search', 'apple:10', ['AAPL']);
    expect(await cache.get('search', 'apple:10')).toBeUndefined();
  });

  it('answers many keys in order, with gaps for misses', async () => {
    const { cache } = cacheWithClock();
    await cache.set('quote', 'A', 'a');
    await cache.set('quote', 'C', 'c');
    const hits = await cache.getMany<string>('quote', ['A', 'B', 'C']);
    expect(hits.map((hit) => hit?.value)).toEqual(['a', undefined, 'c']);
  });

  it('holds at most maxEntries, evicting the least recently used', async () => {
    const { cache } = cacheWithClock(100);
    for (let index = 0; index < 150; index++) await cache.set('quote', `S${index}`, index);
    const hits = await cache.getMany('quote', Array.from({ length: 150 }, (_, index) => `S${index}`));
    expect(hits.filter(Boolean)).toHaveLength(100);
    expect(hits[0]).toBeUndefined();
    expect(hits[149]?.value).toBe(149);
  });

  it('keeps live objects: a Date comes back a Date', async () => {
    const { cache } = cacheWithClock();
    const timestamp = new Date('2026-01-02T03:04:05Z');
    await cache.set('quote', 'AAPL', { timestamp });
    const hit = await cache.get<{ timestamp: Date }>('quote', 'AAPL');
    expect(hit?.value.timestamp).toBeInstanceOf(Date);
    expect(hit?.value.timestamp.getTime()).toBe(timestamp.getTime());
  });
});

describe('MarketCache in process: bytes, revalidation window, NOT_FOUND, counts', () => {
  const quoteTtl = { ...ttlMs, search: 60_000 };

  function tiered(options: { maxBytes?: number; revalidateMs?: number; negativeTtlMs?: number; staleWindowMs?: number } = {}) {
    let now = 1_000_000;
    const cache = new MarketCache({
      maxEntries: 1_000,
      ttlMs: quoteTtl,
      ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
      revalidateWindowMs: { quote: options.revalidateMs ?? 0 },
      negativeTtlMs: options.negativeTtlMs ?? 0,
      staleWindowMs: options.staleWindowMs ?? 0,
      now: () => now,
    });
    return { cache, advance: (ms: number) => (now += ms) };
  }

  it('holds at most maxBytes of values, evicting the least recently used', async () => {
    const { cache } = tiered({ maxBytes: 10_000 });
    const value = { text: 'x'.repeat(900) };
    for (let index = 0; index < 30; index++) await cache.set('quote', `S${index}`, value);
    const hits = await cache.getMany('quote', Array.from({ length: 30 }, (_, index) => `S${index}`));
    const kept = hits.filter(Boolean).length;
    expect(kept).toBeGreaterThan(5);
    expect(kept).toBeLessThan(11);
    expect(hits[0]).toBeUndefined();
    expect(hits[29]).toBeDefined();
  });

  it('reads an entry past freshness as stale inside the revalidation window, and as nothing after it', async () => {
    const { cache, advance } = tiered({ revalidateMs: 10_000 });
    await cache.set('quote', 'AAPL', { price: 1 });
    expect((await cache.lookupMany('quote', ['AAPL']))[0]).toMatchObject({ state: 'fresh', value: { price: 1 } });
    advance(5_000);
    expect((await cache.lookupMany('quote', ['AAPL']))[0]).toMatchObject({ state: 'stale', value: { price: 1 } });
    expect(await cache.get('quote', 'AAPL')).toBeUndefined();
    advance(10_000);
    expect((await cache.lookupMany('quote', ['AAPL']))[0]).toBeUndefined();
  });

  it('keeps an entry for the last resort as long as the longer of the two windows', async () => {
    const { cache, advance } = tiered({ revalidateMs: 10_000, staleWindowMs: 1_000 });
    await cache.set('quote', 'AAPL', { price: 1 });
    advance(5_000 + 9_000);
    expect(await cache.getStale('quote', 'AAPL')).toMatchObject({ value: { price: 1 } });
    advance(2_000);
    expect(await cache.getStale('quote', 'AAPL')).toBeUndefined();
  });

  it('remembers a NOT_FOUND for the negative TTL, and not at all when that is 0', async () => {
    const { cache, advance } = tiered({ negativeTtlMs: 600_000 });
    await cache.setNotFound('quote', 'ZZZZ', { message: 'No quote found for symbol "ZZZZ".', details: { symbol: 'ZZZZ' } });
    expect((await cache.lookupMany('quote', ['ZZZZ']))[0]).toMatchObject({ state: 'notFound', notFound: { details: { symbol: 'ZZZZ' } } });
    expect(await cache.get('quote', 'ZZZZ')).toBeUndefined();
    advance(600_000);
    expect((await cache.lookupMany('quote', ['ZZZZ']))[0]).toBeUndefined();

    const off = tiered({ negativeTtlMs: 0 });
    await off.cache.setNotFound('quote', 'ZZZZ', { message: 'gone', details: undefined });
    expect((await off.cache.lookupMany('quote', ['ZZZZ']))[0]).toBeUndefined();
  });

  it('counts every lookup by kind, tier and result', async () => {
    const { cache, advance } = tiered({ revalidateMs: 10_000 });
    await cache.set('quote', 'AAPL', { price: 1 });
    await cache.lookupMany('quote', ['AAPL', 'MSFT']);
    advance(5_000);
    await cache.lookupMany('quote', ['AAPL']);
    const l1 = cache.requestCounts().filter((count) => count.kind === 'quote' && count.tier === 'l1');
    expect(Object.fromEntries(l1.map((count) => [count.result, count.count]))).toEqual({ hit: 1, miss: 1, stale: 1 });
    expect(await cache.entries()).toEqual([{ tier: 'l1', count: 1 }]);
  });
});
