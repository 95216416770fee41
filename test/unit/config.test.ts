import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('loadConfig', () => {
  it('runs offline on the simulated market with no settings at all', () => {
    const config = loadConfig({});
    expect(config.server.port).toBe(4000);
    expect(config.providers).toEqual(['simulated']);
    expect(config.server.introspection).toBe(true);
    expect(config.server.sandbox).toBe(true);
    expect(config.cache.ttlMs.quote).toBe(5_000);
    expect(config.redisUrl).toBeUndefined();
  });

  it('reads settings and treats empty strings as unset', () => {
    const config = loadConfig({ PORT: '5001', SIM_SEED: '7', CACHE_TTL_QUOTES: '', PROVIDERS: ' Simulated ' });
    expect(config.server.port).toBe(5001);
    expect(config.simulated.seed).toBe(7);
    expect(config.cache.ttlMs.quote).toBe(5_000);
    expect(config.providers).toEqual(['simulated']);
  });

  it('turns Sandbox and introspection off in production unless asked', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).server).toMatchObject({ introspection: false, sandbox: false });
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true' }).server.introspection).toBe(true);
  });

  it('allows local dev servers and Apollo Studio as CORS origins outside production, none in production, unless CORS_ORIGINS says', () => {
    expect(loadConfig({}).server.corsOrigins).toEqual(['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*', 'https://studio.apollographql.com']);
    expect(loadConfig({ NODE_ENV: 'production' }).server.corsOrigins).toEqual([]);
    expect(loadConfig({ NODE_ENV: 'production', CORS_ORIGINS: 'https://app.example.com, https://*.example.org' }).server.corsOrigins).toEqual(['https://app.example.com', 'https://*.example.org']);
  });

  it('trusts no proxy with X-Forwarded-For unless TRUST_PROXY_HOPS says how many', () => {
    expect(loadConfig({}).server.trustedProxyHops).toBe(0);
    expect(loadConfig({ TRUST_PROXY_HOPS: '2' }).server.trustedProxyHops).toBe(2);
  });

  it('leaves V8 allocation-site pretenuring off unless HEAP_PRETENURING turns it on', () => {
    expect(loadConfig({}).server.heapPretenuring).toBe(false);
    expect(loadConfig({ HEAP_PRETENURING: 'true' }).server.heapPretenuring).toBe(true);
    expect(() => loadConfig({ HEAP_PRETENURING: 'sometimes' })).toThrow(/HEAP_PRETENURING/);
  });

  it('caps the heap at 30% over what is live unless HEAP_GROWTH_PERCENT says otherwise (0: V8 decides)', () => {
    expect(loadConfig({}).server.heapGrowthPercent).toBe(30);
    expect(loadConfig({ HEAP_GROWTH_PERCENT: '0' }).server.heapGrowthPercent).toBe(0);
    expect(loadConfig({ HEAP_GROWTH_PERCENT: '100' }).server.heapGrowthPercent).toBe(100);
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid PORT \(got "eighty"\)/],
    [{ HEAP_GROWTH_PERCENT: '401' }, /^Invalid HEAP_GROWTH_PERCENT/],
    [{ PORT: '70000' }, /^Invalid PORT/],
    [{ SIM_TICK_MS: '1' }, /^Invalid SIM_TICK_MS/],
    [{ LOG_LEVEL: 'loud' }, /^Invalid LOG_LEVEL/],
    [{ PROVIDERS: 'simulated,bloomberg' }, /^Invalid PROVIDERS/],
    [{ INTROSPECTION: 'maybe' }, /^Invalid INTROSPECTION.*true or false/],
    [{ TRUST_PROXY_HOPS: '11' }, /^Invalid TRUST_PROXY_HOPS/],
    [{ CORS_ORIGINS: 'app.example.com' }, /^Invalid CORS_ORIGINS.*not an origin like/],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, /^Invalid CORS_ORIGINS/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrowError(ConfigError);
    expect(() => loadConfig(env)).toThrowError(message);
  });

  it('never echoes the value of a secret-bearing setting', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://user:hunter2@cache:6379' })).toThrowError(/^Invalid REDIS_URL: /);
    try {
      loadConfig({ REDIS_URL: 'http://user:hunter2@cache:6379' });
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });
});

describe('the CLI with a bad setting', () => {
  it('prints one line naming the variable and exits 2', () => {
    const main = fileURLToPath(new URL('../../dist/bundle/main.js', import.meta.url));
    const result = spawnSync(process.execPath, [main], { env: { PATH: process.env['PATH'], PORT: 'eighty' }, encoding: 'utf8', timeout: 15_000 });
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^marketgraph: Invalid PORT \(got "eighty"\): \S.*number/);
    expect(result.stdout).toBe('');
  });
});
