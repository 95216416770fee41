import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { MarketCache } from '../../src/market/cache.js';
import { RedisTier } from '../../src/market/cache-l2.js';
import { quote } from './quotes.js';
import { ownRedis, type OwnRedis } from './redis-server.js';

/**
 * Redis faults under the market cache, on a redis-server of the test's own (a spare port) that
 * the test stops and starts: Redis down at start-up, Redis dying under load, Redis coming back.
 * A cache failure must be a slower answer at worst, never a failed call.
 */

const ttlMs = { quote: 60_000, history: 60_000, profile: 60_000, statements: 60_000, search: 60_000, economicSeries: 60_000 };
const TIMEOUT_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function startedRedis(start = true): Promise<OwnRedis> {
  const redis = await ownRedis();
  if (start) await redis.start();
  cleanup.push(() => redis.stop());
  return redis;
}

async function instance(url: string) {
  const told: string[] = [];
  const tier = await RedisTier.connect({
    url,
    timeoutMs: TIMEOUT_MS,
    connectWaitMs: 300,
    onDown: () => told.push('down'),
    onUp: () => told.push('up'),
  });
  cleanup.push(() => tier.close());
  const cache = new MarketCache({ maxEntries: 10_000, ttlMs, staleWindowMs: 60_000, l2: tier.namespace('mgtest:faults') });
  return { tier, cache, told };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

function admin(redis: OwnRedis): Redis {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  cleanup.push(async () => client.disconnect());
  return client;
}

describe('Redis down at start-up', () => {
  it('starts on L1 at once, says so once, and takes up L2 when Redis arrives', async () => {
    const redis = await startedRedis(false);
    const started = performance.now();
    const { tier, cache, told } = await instance(redis.url);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(tier.state).toBe('down');
    expect(told).toEqual(['down']);

    await cache.set('quote', 'AAPL', quote('AAPL'));
    expect((await cache.get('quote', 'AAPL'))?.value).toEqual(quote('AAPL'));

    await redis.start();
    await until(() => tier.state === 'up');
    expect(told).toEqual(['down', 'up']);
    await cache.set('quote', 'MSFT', quote('MSFT'));
    expect(await admin(redis).exists('mgtest:faults::quote:MSFT')).toBe(1);
  });
});

describe('Redis dying under load', () => {
  it('fails no call and keeps every call short while Redis is away, and shares again once it is back', async () => {
    const redis = await startedRedis();
    const writer = await instance(redis.url);
    expect(writer.tier.state).toBe('up');

    let failures = 0;
    let slowest = 0;
    let calls = 0;
    let running = true;
    const worker = async (id: number) => {
      for (let round = 0; running; round++) {
        const symbol = `S${id}x${round % 50}`;
        const started = performance.now();
        try {
          await writer.cache.set('quote', symbol, quote(symbol, round + 1));
          const found = await writer.cache.lookupMany('quote', [symbol, `MISS${round}`]);
          if (found[0]?.state !== 'fresh') failures += 1;
        } catch {
          failures += 1;
        }
        slowest = Math.max(slowest, performance.now() - started);
        calls += 1;
        await sleep(2);
      }
    };
    const workers = Array.from({ length: 8 }, (_, id) => worker(id));

    await sleep(300);
    await redis.stop();
    await until(() => writer.told.includes('down'));
    const callsAtOutage = calls;
    await sleep(700);
    expect(calls).toBeGreaterThan(callsAtOutage + 8);
    await redis.start();
    await until(() => writer.tier.state === 'up');
    await sleep(200);
    running = false;
    await Promise.all(workers);

    expect(failures).toBe(0);
    // Bounded by the L2 timeout (plus a loaded machine's slack), never by a reconnect.
    expect(slowest).toBeLessThan(1_500);
    expect(writer.told).toEqual(['down', 'up']);

    // Back in use: what one instance stores now, a fresh one reads from Redis.
    await writer.cache.set('quote', 'BACK', quote('BACK', 42));
    const reader = await instance(redis.url);
    expect((await reader.cache.get('quote', 'BACK'))?.value).toEqual(quote('BACK', 42));
  });

  it('stops asking a Redis that hangs after one timed-out call, and asks again after a pause', async () => {
    const redis = await startedRedis();
    const { tier, cache, told } = await instance(redis.url);
    await cache.set('quote', 'AAPL', quote('AAPL'));
    const reader = new MarketCache({ maxEntries: 100, ttlMs, l2: tier.namespace('mgtest:faults') });

    // SIGSTOP: the socket stays open, so the client believes Redis is there; only a timeout tells.
    const pid = Number((await admin(redis).info('server')).match(/process_id:(\d+)/)?.[1]);
    process.kill(pid, 'SIGSTOP');
    cleanup.push(async () => {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // Already gone.
      }
    });
    let started = performance.now();
    expect(await reader.get('quote', 'AAPL')).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(told).toEqual(['down']);
    expect(tier.state).toBe('down');
    // Known down: the next reads do not wait at all.
    started = performance.now();
    for (let read = 0; read < 20; read++) expect(await reader.get('quote', `X${read}`)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);

    process.kill(pid, 'SIGCONT');
    await sleep(1_100);
    await until(async () => (await reader.get('quote', 'AAPL')) !== undefined);
    expect(told).toEqual(['down', 'up']);
  });
});
