import { afterEach, describe, expect, it } from 'vitest';
import { MarketCache } from '../../src/market/cache/cache.js';
import { RedisTier } from '../../src/market/cache/cache-l2.js';
import { RedisLink } from '../../src/stores/redis-link.js';
import { adminRedis, closeAdmin, type AdminRedis } from '../support/shared-redis.js';
import { pollUntil, settlesWithoutWaiting, sleep } from '../support/timing.js';
import { quote } from './quotes.js';
import { ownRedis, type OwnRedis } from './redis-server.js';

/**
 * Redis faults under the market cache, on a redis-server of the test's own (a spare port) that
 * the test stops and starts: Redis down at start-up, Redis dying under load, Redis coming back.
 * A cache failure must be a slower answer at worst, never a failed call.
 *
 * Timeouts here are real timers racing a real redis-server process, which no test clock reaches.
 * So no stopwatch bounds a call: "short" is shown by every worker going on with its calls during
 * an outage (a call that waited for Redis would hold its worker for all of it), which a loaded
 * machine slows down as much as the outage's own timer. The one lower bound left cannot be broken
 * by a slow machine. Everything else waits on a condition.
 */

const ttlMs = { quote: 60_000, history: 60_000, profile: 60_000, statements: 60_000, search: 60_000, economicSeries: 60_000 };
/**
 * The L2 timeout: long enough that a live Redis on a loaded machine does not trip it (200 ms did,
 * telling outages no test made), short enough for a hung one to be given up on within a test.
 */
const TIMEOUT_MS = 1_000;

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
  const link = RedisLink.open({ url });
  cleanup.push(async () => link.close());
  const tier = await RedisTier.connect({
    link,
    timeoutMs: TIMEOUT_MS,
    connectWaitMs: 300,
    onDown: () => told.push('down'),
    onUp: () => told.push('up'),
  });
  cleanup.push(() => tier.close());
  const cache = new MarketCache({ maxEntries: 10_000, ttlMs, staleWindowMs: 60_000, l2: tier.namespace('mgtest:faults') });
  return { tier, cache, told };
}

const until = (condition: () => boolean | Promise<boolean>, timeoutMs = 8_000): Promise<void> => pollUntil(condition, timeoutMs, () => sleep(20));

function admin(redis: OwnRedis): AdminRedis {
  const client = adminRedis(redis.url);
  cleanup.push(async () => closeAdmin(client));
  return client;
}

describe('Redis down at start-up', () => {
  it('starts on L1 at once, says so once, and takes up L2 when Redis arrives', async () => {
    const redis = await startedRedis(false);
    // Started without Redis (it would hang here if start-up waited for it: Redis comes only below).
    // How soon (its 300 ms connect wait) is a real timer no test clock reaches, and on a loaded
    // machine it fires late: not asserted.
    const { tier, cache, told } = await instance(redis.url);
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
    let calls = 0;
    /** Calls each worker has made. */
    const made = Array.from({ length: 8 }, () => 0);
    let running = true;
    const worker = async (id: number) => {
      for (let round = 0; running; round++) {
        const symbol = `S${id}x${round % 50}`;
        try {
          await writer.cache.set('quote', symbol, quote(symbol, round + 1));
          const found = await writer.cache.lookupMany('quote', [symbol, `MISS${round}`]);
          if (found[0]?.state !== 'fresh') failures += 1;
        } catch {
          failures += 1;
        }
        calls += 1;
        made[id] = (made[id] ?? 0) + 1;
        // Pacing, not a wait for anything: eight workers leave the event loop some air.
        await sleep(2);
      }
    };
    const workers = made.map((_, id) => worker(id));

    // Under way on Redis: every worker through a few rounds.
    await until(() => calls >= 8 * 5);
    await redis.stop();
    await until(() => writer.told.includes('down'));
    const madeAtOutage = [...made];
    // A deliberate outage of 700 ms (time passing, not a wait for anything: longer only makes it a
    // longer outage), in which every worker must go on with its calls: none waits for the
    // reconnect (a stopped Redis refuses at once; the L2 timeout bounds a call at worst).
    await sleep(700);
    made.forEach((count, id) => expect(count, `worker ${id}`).toBeGreaterThan(madeAtOutage[id] ?? 0));
    await redis.start();
    await until(() => writer.tier.state === 'up');
    // And go on once it is back: every worker through another few rounds.
    const callsAtReturn = calls;
    await until(() => calls >= callsAtReturn + 8 * 5);
    running = false;
    await Promise.all(workers);

    expect(failures).toBe(0);
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
    const started = performance.now();
    expect(await reader.get('quote', 'AAPL')).toBeUndefined();
    // It waited out its timeout (a lower bound: timers never fire early, a slow machine only adds).
    expect(performance.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(told).toEqual(['down']);
    expect(tier.state).toBe('down');
    // Known down: the next reads do not wait at all (on no timer, no socket).
    for (let read = 0; read < 20; read++) {
      const reading = reader.get('quote', `X${read}`);
      expect(await settlesWithoutWaiting(reading)).toBe(true);
      expect(await reading).toBeUndefined();
    }

    // Back after the pause: reads find Redis again (polled; reads during the pause skip it).
    process.kill(pid, 'SIGCONT');
    await until(async () => (await reader.get('quote', 'AAPL')) !== undefined);
    expect(told).toEqual(['down', 'up']);
  });
});
