import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('REDIS_PREFIX', () => {
  it('unset, leaves every key where it always was: mg:cache, mg:quota, mg:throttle, mg:dlq, and the marketgraph:audit stream', () => {
    const config = loadConfig({});
    expect(config.redisKeys).toEqual({
      root: 'mg',
      cache: 'mg:cache',
      flight: 'mg:cache:flight',
      quota: 'mg:quota',
      throttle: 'mg:throttle',
      deadLetters: 'mg:dlq',
      streams: 'mg:stream',
      auditStream: 'marketgraph:audit',
    });
    expect(config.cache.redis.prefix).toBe('mg:cache');
    expect(config.audit.streamKey).toBe('marketgraph:audit');
  });

  it('set, puts every family under it, the audit stream included', () => {
    const config = loadConfig({ REDIS_PREFIX: 'mgtest:run-1' });
    expect(config.redisKeys).toEqual({
      root: 'mgtest:run-1',
      cache: 'mgtest:run-1:cache',
      flight: 'mgtest:run-1:cache:flight',
      quota: 'mgtest:run-1:quota',
      throttle: 'mgtest:run-1:throttle',
      deadLetters: 'mgtest:run-1:dlq',
      streams: 'mgtest:run-1:stream',
      auditStream: 'mgtest:run-1:audit',
    });
    expect(config.cache.redis.prefix).toBe('mgtest:run-1:cache');
    expect(config.audit.streamKey).toBe('mgtest:run-1:audit');
  });

  it('gives way to CACHE_REDIS_PREFIX (which single-flight follows) and AUDIT_STREAM_KEY where they are set', () => {
    const config = loadConfig({ REDIS_PREFIX: 'eu', CACHE_REDIS_PREFIX: 'shared:cache', AUDIT_STREAM_KEY: 'eu-audit' });
    expect(config.redisKeys).toMatchObject({ cache: 'shared:cache', flight: 'shared:cache:flight', quota: 'eu:quota', auditStream: 'eu-audit' });
    expect(config.cache.redis.prefix).toBe('shared:cache');
    expect(config.audit.streamKey).toBe('eu-audit');
  });

  it.each(['has space', 'x'.repeat(65), 'a*b'])('refuses %j with one line naming it', (value) => {
    expect(() => loadConfig({ REDIS_PREFIX: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ REDIS_PREFIX: value })).toThrowError(/^Invalid REDIS_PREFIX/);
  });
});
