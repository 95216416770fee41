import { describe, expect, it } from 'vitest';
import { MarketCache } from '../../src/market/cache.js';

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
