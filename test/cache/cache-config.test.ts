import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('cache settings', () => {
  it('default the stale window of every kind to STALE_WINDOW, remember NOT_FOUND for 10 minutes, and bound L1 by bytes', () => {
    const { cache } = loadConfig({ STALE_WINDOW: '120' });
    expect(cache.staleMs).toEqual({ quote: 120_000, history: 120_000, profile: 120_000, statements: 120_000, search: 120_000, economicSeries: 120_000 });
    expect(cache.negativeTtlMs).toBe(600_000);
    expect(cache.maxBytes).toBe(128 * 1024 * 1024);
    expect(cache.redis).toEqual({ prefix: 'mg:cache', timeoutMs: 250 });
  });

  it('take a stale window per kind, 0 turning it off', () => {
    const { cache } = loadConfig({ CACHE_STALE_QUOTES: '0', CACHE_STALE_ECONOMIC: '3600', CACHE_NEGATIVE_TTL: '30', CACHE_REDIS_PREFIX: 'eu:mg' });
    expect(cache.staleMs).toMatchObject({ quote: 0, economicSeries: 3_600_000, history: 86_400_000 });
    expect(cache.negativeTtlMs).toBe(30_000);
    expect(cache.redis.prefix).toBe('eu:mg');
  });

  it.each([
    [{ CACHE_STALE_QUOTES: '-1' }, /^Invalid CACHE_STALE_QUOTES/],
    [{ CACHE_NEGATIVE_TTL: 'ten' }, /^Invalid CACHE_NEGATIVE_TTL/],
    [{ CACHE_MAX_BYTES: '1000' }, /^Invalid CACHE_MAX_BYTES/],
    [{ CACHE_REDIS_PREFIX: 'has space' }, /^Invalid CACHE_REDIS_PREFIX/],
    [{ CACHE_REDIS_TIMEOUT_MS: '0' }, /^Invalid CACHE_REDIS_TIMEOUT_MS/],
  ])('refuse %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrowError(ConfigError);
    expect(() => loadConfig(env)).toThrowError(message);
  });
});
