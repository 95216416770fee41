import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ClusterFlight, type ClusterFlightOptions, type OutcomeCodec } from '../../src/market/cluster-flight.js';
import { connectLazily } from '../../src/market/redis-connection.js';
import { SHARED_REDIS_URL as REDIS_URL, useSharedRedis } from '../support/shared-redis.js';
import { ownRedis } from './redis-server.js';

/**
 * Single-flight across instances through a real Redis on 127.0.0.1:6379. Each `ClusterFlight`
 * has connections of its own, as each gateway instance does; every test writes under a prefix of
 * its own and removes it.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let prefix: string;
const flights: ClusterFlight[] = [];
const admin = useSharedRedis(() => prefix, flights);

/** One gateway instance's cluster flight. */
function instance(options: Partial<ClusterFlightOptions> = {}, url = REDIS_URL): ClusterFlight {
  const flight = new ClusterFlight({ redis: connectLazily(url), subscriber: connectLazily(url), ownsRedis: true, prefix, leaseMs: 5_000, ...options });
  flights.push(flight);
  return flight;
}

/** Outcomes are strings, or errors carried as `!message`. */
type Outcome = string | Error;
const codec: OutcomeCodec<Outcome> = {
  encode: (outcome) => (outcome instanceof Error ? `!${outcome.message}` : outcome),
  decode: (payload) => (payload.startsWith('!') ? new Error(payload.slice(1)) : payload),
};

/** An upstream that answers `<key>@<n>` after `latencyMs`, n counting its calls; it records every key asked. */
function upstream(latencyMs: number) {
  const asked: string[][] = [];
  const work = async (keys: readonly string[]): Promise<Map<string, Outcome>> => {
    asked.push([...keys]);
    const call = asked.length;
    await sleep(latencyMs);
    return new Map(keys.map((key) => [key, `${key}@${call}`]));
  };
  return { asked, work };
}

describe('cluster flight through Redis', () => {
  it('makes one upstream call for 200 concurrent identical misses on two instances', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const [a, b] = [instance(), instance()];
    await Promise.all([a.start(), b.start()]);
    const { asked, work } = upstream(100);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, index) => (index % 2 === 0 ? a : b).coalesce('quote', ['AAPL'], work, codec)),
    );
    expect(asked).toEqual([['AAPL']]);
    for (const answer of answers) expect(answer.get('AAPL')).toBe('AAPL@1');
    // The lock is gone; the kept outcome expires on its own.
    expect(await admin.exists(`${prefix}:lock:quote:AAPL`)).toBe(0);
    expect(await admin.pttl(`${prefix}:result:quote:AAPL`)).toBeGreaterThan(0);
  });

  it('wakes waiters when the holder publishes, long before its lease would run out', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const [a, b] = [instance({ leaseMs: 10_000 }), instance({ leaseMs: 10_000 })];
    await Promise.all([a.start(), b.start()]);
    const { asked, work } = upstream(150);
    const holder = a.coalesce('history', ['AAPL:2024'], work, codec);
    await sleep(20);
    const started = performance.now();
    const waited = await b.coalesce('history', ['AAPL:2024'], work, codec);
    const waitedMs = performance.now() - started;
    expect((await holder).get('AAPL:2024')).toBe('AAPL:2024@1');
    expect(waited.get('AAPL:2024')).toBe('AAPL:2024@1');
    expect(asked).toHaveLength(1);
    expect(waitedMs).toBeLessThan(1_000);
  });

  it('sends only the keys an instance claims in its batch, and awaits the others', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const [a, b] = [instance(), instance()];
    await Promise.all([a.start(), b.start()]);
    const { asked, work } = upstream(150);
    const first = a.coalesce('quote', ['AAPL', 'MSFT'], work, codec);
    await sleep(30);
    const second = await b.coalesce('quote', ['MSFT', 'IBM'], work, codec);
    expect(asked).toEqual([['AAPL', 'MSFT'], ['IBM']]);
    expect(Object.fromEntries(await first)).toEqual({ AAPL: 'AAPL@1', MSFT: 'MSFT@1' });
    expect(Object.fromEntries(second)).toEqual({ MSFT: 'MSFT@1', IBM: 'IBM@2' });
  });

  it('carries a failure to the waiters instead of asking upstream again', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const [a, b] = [instance(), instance()];
    await Promise.all([a.start(), b.start()]);
    let calls = 0;
    const failing = async (keys: readonly string[]) => {
      calls += 1;
      await sleep(100);
      return new Map<string, Outcome>(keys.map((key) => [key, new Error(`NOT_FOUND ${key}`)]));
    };
    const answers = await Promise.all([a.coalesce('quote', ['ZZZZ'], failing, codec), sleep(20).then(() => b.coalesce('quote', ['ZZZZ'], failing, codec))]);
    expect(calls).toBe(1);
    for (const answer of answers) expect(answer.get('ZZZZ')).toEqual(new Error('NOT_FOUND ZZZZ'));
  });

  it('lets a claim just after a flight settled take its outcome, but fetches again once that is older than its scope’s reuseMs', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    // Per scope: quotes may be reused for 300 ms, search results (never cached) not at all.
    const reuseMs = (scope: string) => (scope === 'quote' ? 300 : 0);
    const [a, b] = [instance({ reuseMs }), instance({ reuseMs })];
    await Promise.all([a.start(), b.start()]);
    const { asked, work } = upstream(10);
    expect((await a.coalesce('quote', ['AAPL'], work, codec)).get('AAPL')).toBe('AAPL@1');
    expect((await b.coalesce('quote', ['AAPL'], work, codec)).get('AAPL')).toBe('AAPL@1');
    expect(asked).toHaveLength(1);
    await sleep(400);
    expect((await b.coalesce('quote', ['AAPL'], work, codec)).get('AAPL')).toBe('AAPL@2');
    expect(asked).toHaveLength(2);
    expect((await a.coalesce('search', ['apple'], work, codec)).get('apple')).toBe('apple@3');
    expect((await b.coalesce('search', ['apple'], work, codec)).get('apple')).toBe('apple@4');
  });

  it('keeps the outcome long enough for a waiter that reads it late', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const [a, b] = [instance({ reuseMs: 50 }), instance({ reuseMs: 50 })];
    await Promise.all([a.start(), b.start()]);
    const { asked, work } = upstream(100);
    const holder = a.coalesce('quote', ['AAPL'], work, codec);
    await sleep(20);
    const waiter = b.coalesce('quote', ['AAPL'], work, codec);
    await holder;
    // B's event loop is blocked well past the reuse window when the wake-up arrives.
    const blockedUntil = performance.now() + 300;
    while (performance.now() < blockedUntil);
    expect((await waiter).get('AAPL')).toBe('AAPL@1');
    expect(asked).toHaveLength(1);
  });

  it('takes over from a holder that died once its lease runs out, not before', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const b = instance({ leaseMs: 300 });
    await b.start();
    const { asked, work } = upstream(10);
    // A holder that claimed the key and died: its lock outlives it by its lease.
    const started = performance.now();
    await admin.set(`${prefix}:lock:quote:AAPL`, 'token-of-a-dead-instance', 'PX', 300);
    const answer = await b.coalesce('quote', ['AAPL'], work, codec);
    const tookMs = performance.now() - started;
    expect(answer.get('AAPL')).toBe('AAPL@1');
    expect(asked).toEqual([['AAPL']]);
    expect(tookMs).toBeGreaterThanOrEqual(295);
    expect(tookMs).toBeLessThan(1_000);
  });

  it('keeps a slow but live holder’s claim alive past its lease, so nobody else fetches meanwhile', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    // Waiters give up on the cluster after maxWaitMs; here the holder's work fits in it, not in its lease.
    const [a, b] = [instance({ leaseMs: 300, maxWaitMs: 5_000 }), instance({ leaseMs: 300, maxWaitMs: 5_000 })];
    await Promise.all([a.start(), b.start()]);
    const { asked, work } = upstream(900);
    const holder = a.coalesce('quote', ['AAPL'], work, codec);
    await sleep(50);
    const waiter = await b.coalesce('quote', ['AAPL'], work, codec);
    expect(waiter.get('AAPL')).toBe('AAPL@1');
    expect((await holder).get('AAPL')).toBe('AAPL@1');
    expect(asked).toHaveLength(1);
  });

  it('lets only the owner renew or release a lock: a holder whose lease ran out leaves the new holder’s lock alone', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const [a, b, c] = [instance({ leaseMs: 2_000 }), instance({ leaseMs: 2_000 }), instance({ leaseMs: 2_000 })];
    await Promise.all([a.start(), b.start(), c.start()]);
    const lockKey = `${prefix}:lock:quote:AAPL`;
    const overrun = a.coalesce('quote', ['AAPL'], upstream(400).work, codec);
    await sleep(100);
    // A's lease runs out while it still works (as when its event loop is stalled past the lease):
    // B claims the key and holds it for its own 400 ms.
    await admin.del(lockKey);
    const bSlow = upstream(400);
    const taking = b.coalesce('quote', ['AAPL'], bSlow.work, codec);
    await sleep(50);
    const bToken = await admin.get(lockKey);
    expect(bToken).not.toBeNull();
    await overrun;
    // A has renewed, settled and published meanwhile: B's lock is still there, with B's token.
    expect(await admin.get(lockKey)).toBe(bToken);
    expect(bSlow.asked).toEqual([['AAPL']]);
    await taking;
    expect(await admin.exists(lockKey)).toBe(0);
    // C, asking just after both settled, takes the latest kept outcome instead of fetching.
    const cWork = upstream(10);
    expect((await c.coalesce('quote', ['AAPL'], cWork.work, codec)).get('AAPL')).toBe('AAPL@1');
    expect(cWork.asked).toEqual([]);
  });

  it('frees the locks with no outcome when the holder’s work throws, so waiters fetch themselves', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const [a, b] = [instance(), instance()];
    await Promise.all([a.start(), b.start()]);
    const throwing = async (): Promise<Map<string, Outcome>> => {
      await sleep(100);
      throw new Error('bug');
    };
    const holder = a.coalesce('quote', ['AAPL'], throwing, codec).then(
      () => 'answered',
      (error: unknown) => error,
    );
    await sleep(20);
    const { asked, work } = upstream(10);
    const started = performance.now();
    const waiter = await b.coalesce('quote', ['AAPL'], work, codec);
    expect(await holder).toEqual(new Error('bug'));
    expect(waiter.get('AAPL')).toBe('AAPL@1');
    expect(asked).toEqual([['AAPL']]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('stops waiting and fetches alone as soon as Redis goes away mid-wait, not at the end of the lease', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const redis = await ownRedis();
    await redis.start();
    try {
      const waiter = instance({ leaseMs: 5_000 }, redis.url);
      await waiter.start();
      const other = new Redis(redis.url);
      await other.set(`${prefix}:lock:quote:AAPL`, 'token-of-a-busy-instance', 'PX', 5_000);
      other.disconnect();
      const { asked, work } = upstream(10);
      const started = performance.now();
      const answer = waiter.coalesce('quote', ['AAPL'], work, codec);
      await sleep(200);
      expect(asked).toEqual([]);
      await redis.stop();
      expect((await answer).get('AAPL')).toBe('AAPL@1');
      expect(performance.now() - started).toBeLessThan(1_500);
    } finally {
      await redis.stop();
    }
  });

  it('waits for a Redis that hangs (SIGSTOP) at most one deadline, then leaves it alone for a while', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const redis = await ownRedis();
    await redis.start();
    const probe = new Redis(redis.url);
    const pid = Number((await probe.info('server')).match(/process_id:(\d+)/)?.[1]);
    probe.disconnect();
    try {
      const down: unknown[] = [];
      const flight = instance({ onStoreDown: (error) => down.push(error) }, redis.url);
      await flight.start();
      process.kill(pid, 'SIGSTOP');
      const { asked, work } = upstream(10);
      let started = performance.now();
      expect((await flight.coalesce('quote', ['AAPL'], work, codec)).get('AAPL')).toBe('AAPL@1');
      expect(performance.now() - started).toBeLessThan(900);
      expect(down).toHaveLength(1);
      // Known to be failing: the next misses do not ask it at all.
      started = performance.now();
      for (const symbol of ['MSFT', 'NVDA', 'IBM']) await flight.coalesce('quote', [symbol], work, codec);
      expect(performance.now() - started).toBeLessThan(200);
      expect(asked).toHaveLength(4);
    } finally {
      process.kill(pid, 'SIGCONT');
      await redis.stop();
    }
  });

  it('works alone, without failing or waiting long, when Redis is unreachable', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const down: unknown[] = [];
    const alone = instance({ connectWaitMs: 300, onStoreDown: (error) => down.push(error) }, 'redis://127.0.0.1:1');
    const { asked, work } = upstream(10);
    const started = performance.now();
    const answers = await Promise.all([alone.coalesce('quote', ['AAPL'], work, codec), alone.coalesce('quote', ['MSFT'], work, codec)]);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(answers.map((answer) => [...answer.values()])).toEqual([['AAPL@1'], ['MSFT@2']]);
    expect(asked).toHaveLength(2);
    expect(down).toHaveLength(1);
  });
});
