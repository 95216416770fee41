import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, ProviderFailureKind } from '../../src/domain/index.js';
import { createKeyPool } from '../../src/app/key-pools.js';
import { keyId, type QuotaKeyPool } from '../../src/resilience/quota.js';
import { RedisLink } from '../../src/stores/redis-link.js';
import { SHARED_REDIS_URL as REDIS_URL, adminRedis, closeAdmin, openLink, type AdminRedis } from '../support/shared-redis.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { CapturedLog, KEY_A, KEY_B, QUOTE, callsPerKey, finnhubWithPool, outcome, poolFromEnv, serveQuotes, tokenOf } from './quota-support.js';

/**
 * Quotas shared through a real Redis on 127.0.0.1:6379: two pools, each with a Redis link of its
 * own, stand for two gateway instances. Every run writes under a prefix of its own and removes it.
 */

const prefix = `mgtest:quota:${randomUUID()}`;
let upstream: FakeUpstream;
let admin: AdminRedis;
const links: RedisLink[] = [];
const pools: QuotaKeyPool[] = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  admin = adminRedis();
});
afterEach(async () => {
  upstream.reset();
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  // Pools never close the link; its owner (here the test, in the gateway the stores stage) does, after them.
  for (const link of links.splice(0)) link.close();
  const keys = await admin.keys(`${prefix}:*`);
  if (keys.length > 0) await admin.del(keys);
});
afterAll(async () => {
  await upstream.close();
  closeAdmin(admin);
});

/** An instance's pool: a Redis link of its own, opened the way the stores stage opens it (in the background). */
function instance(quota: string): QuotaKeyPool {
  const link = openLink(REDIS_URL);
  links.push(link);
  const pool = poolFromEnv({ FINNHUB_QUOTA: quota }, { redis: link, prefix });
  pools.push(pool);
  return pool;
}

describe('quotas shared through Redis', () => {
  it('holds two instances together to each key’s quota under 1,000 concurrent quotes', async () => {
    serveQuotes(upstream);
    const gateways = [finnhubWithPool(upstream, instance('5/min')), finnhubWithPool(upstream, instance('5/min'))];
    // Connected before the burst: a link that is not ready within the pools' first wait (1 s,
    // easily spent on a loaded machine) would count the burst in each instance's memory.
    await expect.poll(() => links.every((link) => link.commands.isReady), { timeout: 10_000, interval: 10 }).toBe(true);

    // No stopwatch on the burst (real Redis round trips on a shared machine): that a refusal
    // waits for nothing is shown on a fake clock in quota.test.ts.
    const outcomes = await Promise.all(
      Array.from({ length: 1_000 }, (_, index) => outcome((gateways[index % 2] ?? gateways[0])!.quote.fetch([`S${index}`]))),
    );

    expect(callsPerKey(upstream)).toEqual({ [KEY_A]: 5, [KEY_B]: 5 });
    const refused = outcomes.filter((result): result is ProviderError => result !== 'ok');
    expect(refused).toHaveLength(990);
    for (const error of refused) {
      expect(error.kind).toBe(ProviderFailureKind.RATE_LIMITED);
      expect(error.options.retryAfterMs).toBeGreaterThan(50_000);
      expect(error.options.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
  });

  it('names the Redis entries by a hash of the key, never the key', async () => {
    serveQuotes(upstream);
    await outcome(finnhubWithPool(upstream, instance('5/min,2/s')).quote.fetch(['AAPL']));
    const keys = (await admin.keys(`${prefix}:*`)).sort();
    expect(keys).toEqual([`${prefix}:finnhub:${keyId(KEY_A)}:minute`, `${prefix}:finnhub:${keyId(KEY_A)}:second`]);
    expect(keyId(KEY_A)).toMatch(/^[0-9a-f]{12}$/);
    expect(keys.join(' ')).not.toContain(KEY_A);
  });

  it('rests a key for every instance when one of them is told 429', async () => {
    upstream.on(QUOTE, (request) =>
      tokenOf(request) === KEY_A
        ? { status: 429, headers: { 'retry-after': '20' }, json: fixture('finnhub/error-429.json') }
        : { json: fixture('finnhub/quote-aapl.json') },
    );
    const first = instance('100/min');
    const second = instance('100/min');
    const told = await outcome(finnhubWithPool(upstream, first).quote.fetch(['AAPL']));
    expect((told as ProviderError).kind).toBe(ProviderFailureKind.RATE_LIMITED);
    // The rest is written in the background; the other instance sees it on its next call.
    await expect.poll(async () => (await second.snapshot()).map((key) => key.state)).toEqual(['RESTING', 'ACTIVE']);

    const other = finnhubWithPool(upstream, second);
    for (let index = 0; index < 4; index += 1) expect(await outcome(other.quote.fetch(['AAPL']))).toBe('ok');
    expect(callsPerKey(upstream)).toEqual({ [KEY_A]: 1, [KEY_B]: 4 });
  });

  it('shows what is left of the shared budget from either instance', async () => {
    serveQuotes(upstream);
    const first = instance('10/min');
    const second = instance('10/min');
    const gateway = finnhubWithPool(upstream, first);
    for (let index = 0; index < 3; index += 1) await outcome(gateway.quote.fetch(['AAPL']));
    expect(await second.snapshot()).toEqual([
      { key: '…0001', state: 'ACTIVE', remaining: { minute: 8 }, limits: { minute: 10 } },
      { key: '…0002', state: 'ACTIVE', remaining: { minute: 9 }, limits: { minute: 10 } },
    ]);
  });
});

describe('when Redis is down', () => {
  it('counts quotas in memory, logs it once at warn, and fails no request because of it', async () => {
    serveQuotes(upstream);
    const log = new CapturedLog();
    // Nothing listens on port 1: every connection attempt is refused at once.
    const link = RedisLink.open({ url: 'redis://127.0.0.1:1' });
    links.push(link);
    const pool = createKeyPool({ provider: 'finnhub', keys: [KEY_A, KEY_B], quota: [{ points: 3, per: 'minute' }], redis: link }, log);
    pools.push(pool);
    const finnhub = finnhubWithPool(upstream, pool);

    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, index) => outcome(finnhub.quote.fetch([`S${index}`]))));
    expect(outcomes.filter((result) => result === 'ok')).toHaveLength(6);
    expect(callsPerKey(upstream)).toEqual({ [KEY_A]: 3, [KEY_B]: 3 });
    const warnings = log.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/quota store \(Redis\) unavailable for finnhub/);
  });

});

describe('what operators are told', () => {
  it('logs a retired key masked, at warn', async () => {
    upstream.on(QUOTE, { status: 401, json: fixture('finnhub/error-401.json') });
    const log = new CapturedLog();
    const pool = createKeyPool({ provider: 'finnhub', keys: [KEY_A], quota: [{ points: 3, per: 'minute' }] }, log);
    pools.push(pool);
    await outcome(finnhubWithPool(upstream, pool).quote.fetch(['AAPL']));
    expect(log.lines).toEqual([{ level: 'warn', details: expect.objectContaining({ provider: 'finnhub', key: '…0001' }), message: expect.stringContaining('…0001') }]);
    expect(JSON.stringify(log.lines)).not.toContain(KEY_A);
  });
});
