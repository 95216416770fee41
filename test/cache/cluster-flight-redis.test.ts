import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ClusterFlight, type ClusterFlightOptions, type OutcomeCodec } from '../../src/market/coalescing/cluster-flight.js';
import { SHARED_REDIS_URL as REDIS_URL, adminRedis, closeAdmin, openLink, useSharedRedis, type Closable } from '../support/shared-redis.js';
import { settlesWithoutWaiting, sleep } from '../support/timing.js';
import { ownRedis } from './redis-server.js';

/**
 * Single-flight across instances through a real Redis on 127.0.0.1:6379. Each `ClusterFlight`
 * has a Redis link of its own (its connections), as each gateway instance does; every test writes under a prefix of
 * its own and removes it.
 *
 * Leases and kept outcomes live on Redis's clock, which no test can fake. So the tests wait on what
 * Redis shows (a lock appearing, an outcome's age) rather than for guessed times, and where a test
 * must tell "at once" from "at the end of a lease", the lease is made longer than the test's own
 * timeout: the slow path cannot pass at all, and no stopwatch is needed.
 */

/** Longer than a test may run (20 s): a waiter that waited out such a lease would fail its test. */
const NEVER_MS = 60_000;


let prefix: string;
const opened: Closable[] = [];
const admin = useSharedRedis(() => prefix, opened);

/**
 * One gateway instance's cluster flight, on a link of its own made as the stores stage makes it
 * (the link's default 500 ms command timeout): the flight's own 500 ms deadline bounds each
 * command, and the flight raises the connection's timeout to a 5 s backstop behind it.
 */
function instance(options: Partial<ClusterFlightOptions> = {}, url = REDIS_URL): ClusterFlight {
  const link = openLink(url);
  const flight = new ClusterFlight({ redis: link, prefix, leaseMs: 5_000, ...options });
  // As the stores stage closes them: the flight (it leaves its channel), then its link.
  opened.push({
    async close() {
      await flight.close();
      link.close();
    },
  });
  return flight;
}

/** Outcomes are strings, or errors carried as `!message`. */
type Outcome = string | Error;
const codec: OutcomeCodec<Outcome> = {
  encode: (outcome) => (outcome instanceof Error ? `!${outcome.message}` : outcome),
  decode: (payload) => (payload.startsWith('!') ? new Error(payload.slice(1)) : payload),
};

/**
 * An upstream that answers `<key>@<n>` after `latencyMs` (at once, with no timer, for 0), n counting
 * its calls; it records every key asked. The latency stands for a provider's: it is not a wait.
 */
function upstream(latencyMs: number) {
  const asked: string[][] = [];
  const work = async (keys: readonly string[]): Promise<Map<string, Outcome>> => {
    asked.push([...keys]);
    const call = asked.length;
    if (latencyMs > 0) await sleep(latencyMs);
    return new Map(keys.map((key) => [key, `${key}@${call}`]));
  };
  return { asked, work };
}

/** Like `upstream`, but every answer waits until the test calls `release()`: the test says when work ends. */
function heldUpstream() {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const asked: string[][] = [];
  const work = async (keys: readonly string[]): Promise<Map<string, Outcome>> => {
    asked.push([...keys]);
    const call = asked.length;
    await gate;
    return new Map(keys.map((key) => [key, `${key}@${call}`]));
  };
  return { asked, work, release };
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
    expect(await admin.pTTL(`${prefix}:result:quote:AAPL`)).toBeGreaterThan(0);
  });

  it('wakes waiters when the holder publishes, long before its lease would run out', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    // Woken by the publish or not at all: the lease outlasts the test.
    const [a, b] = [instance({ leaseMs: NEVER_MS }), instance({ leaseMs: NEVER_MS })];
    await Promise.all([a.start(), b.start()]);
    const { asked, work } = upstream(150);
    const holder = a.coalesce('history', ['AAPL:2024'], work, codec);
    // A holds the key once its work has started.
    await expect.poll(() => asked.length, { timeout: 5_000, interval: 5 }).toBe(1);
    const waited = await b.coalesce('history', ['AAPL:2024'], work, codec);
    expect((await holder).get('AAPL:2024')).toBe('AAPL:2024@1');
    expect(waited.get('AAPL:2024')).toBe('AAPL:2024@1');
    expect(asked).toHaveLength(1);
  });

  it('sends only the keys an instance claims in its batch, and awaits the others', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const [a, b] = [instance(), instance()];
    await Promise.all([a.start(), b.start()]);
    const { asked, work } = upstream(150);
    const first = a.coalesce('quote', ['AAPL', 'MSFT'], work, codec);
    await expect.poll(() => asked.length, { timeout: 5_000, interval: 5 }).toBe(1);
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
    const first = a.coalesce('quote', ['ZZZZ'], failing, codec);
    // B asks once A holds the key (its work has started).
    await expect.poll(() => calls, { timeout: 5_000, interval: 5 }).toBe(1);
    const answers = await Promise.all([first, b.coalesce('quote', ['ZZZZ'], failing, codec)]);
    expect(calls).toBe(1);
    for (const answer of answers) expect(answer.get('ZZZZ')).toEqual(new Error('NOT_FOUND ZZZZ'));
  });

  it('lets a claim just after a flight settled take its outcome, but fetches again once that is older than its scope’s reuseMs', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    // Per scope: quotes may be reused for 1 s (long enough for B's claim on a loaded machine),
    // search results (never cached) not at all.
    const QUOTE_REUSE_MS = 1_000;
    const reuseMs = (scope: string) => (scope === 'quote' ? QUOTE_REUSE_MS : 0);
    const [a, b] = [instance({ reuseMs }), instance({ reuseMs })];
    await Promise.all([a.start(), b.start()]);
    const { asked, work } = upstream(10);
    expect((await a.coalesce('quote', ['AAPL'], work, codec)).get('AAPL')).toBe('AAPL@1');
    expect((await b.coalesce('quote', ['AAPL'], work, codec)).get('AAPL')).toBe('AAPL@1');
    expect(asked).toHaveLength(1);
    // Until the kept outcome is older than the reuse window, by Redis's clock (it is kept a lease, 5 s).
    await expect.poll(async () => 5_000 - (await admin.pTTL(`${prefix}:result:quote:AAPL`)), { timeout: 5_000, interval: 20 }).toBeGreaterThanOrEqual(QUOTE_REUSE_MS);
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
    await expect.poll(() => asked.length, { timeout: 5_000, interval: 5 }).toBe(1);
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
    // B would give up on the cluster only after NEVER_MS: answering within the test, it took over.
    const b = instance({ leaseMs: 300, maxWaitMs: NEVER_MS });
    await b.start();
    const { asked, work } = upstream(10);
    // A holder that claimed the key and died: its lock outlives it by its lease.
    const lock = `${prefix}:lock:quote:AAPL`;
    await admin.set(lock, 'token-of-a-dead-instance', { expiration: { type: 'PX', value: 300 } });
    const answering = b.coalesce('quote', ['AAPL'], work, codec);
    // Not before: whenever Redis still shows the dead holder's lock, B had asked nothing (read first).
    for (;;) {
      const askedBefore = asked.length;
      if ((await admin.get(lock)) !== 'token-of-a-dead-instance') break;
      expect(askedBefore).toBe(0);
    }
    const answer = await answering;
    expect(answer.get('AAPL')).toBe('AAPL@1');
    expect(asked).toEqual([['AAPL']]);
  });

  it('keeps a slow but live holder’s claim alive past its lease, so nobody else fetches meanwhile', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    // A lease of 1.5 s, renewed every 500 ms: a beat may come a second late on a loaded machine and
    // still land in time (300 ms left a beat 200 ms of slack, which a busy machine overran).
    // Waiters never give up on the cluster here, so only a lapsed claim would make B fetch.
    const LEASE_MS = 1_500;
    const [a, b] = [instance({ leaseMs: LEASE_MS, maxWaitMs: NEVER_MS }), instance({ leaseMs: LEASE_MS, maxWaitMs: NEVER_MS })];
    await Promise.all([a.start(), b.start()]);
    const redisNow = async (): Promise<number> => {
      const [seconds, micros] = await admin.time();
      return Number(seconds) * 1_000 + Number(micros) / 1_000;
    };
    const held = heldUpstream();
    const holder = a.coalesce('quote', ['AAPL'], held.work, codec);
    await expect.poll(() => held.asked.length, { timeout: 5_000, interval: 5 }).toBe(1);
    const lock = `${prefix}:lock:quote:AAPL`;
    const token = await admin.get(lock);
    const claimedBy = await redisNow();
    const waiting = b.coalesce('quote', ['AAPL'], held.work, codec);
    // A's work outlasts its lease by Redis's own clock, and its claim is still there: renewed.
    await expect.poll(async () => (await redisNow()) - claimedBy, { timeout: 10_000, interval: 50 }).toBeGreaterThan(LEASE_MS + 200);
    expect(await admin.get(lock)).toBe(token);
    held.release();
    const waiter = await waiting;
    expect(waiter.get('AAPL')).toBe('AAPL@1');
    expect((await holder).get('AAPL')).toBe('AAPL@1');
    expect(held.asked).toHaveLength(1);
  });

  it('lets only the owner renew or release a lock: a holder whose lease ran out leaves the new holder’s lock alone', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const [a, b, c] = [instance({ leaseMs: 2_000 }), instance({ leaseMs: 2_000 }), instance({ leaseMs: 2_000 })];
    await Promise.all([a.start(), b.start(), c.start()]);
    const lockKey = `${prefix}:lock:quote:AAPL`;
    // Both holders' work ends when the test says: A's first, while B still holds the key.
    const aSlow = heldUpstream();
    const overrun = a.coalesce('quote', ['AAPL'], aSlow.work, codec);
    await expect.poll(() => aSlow.asked.length, { timeout: 5_000, interval: 5 }).toBe(1);
    // A's lease runs out while it still works (as when its event loop is stalled past the lease):
    // B claims the key and holds it while its own work runs.
    await admin.del(lockKey);
    const bSlow = heldUpstream();
    const taking = b.coalesce('quote', ['AAPL'], bSlow.work, codec);
    await expect.poll(() => bSlow.asked.length, { timeout: 5_000, interval: 5 }).toBe(1);
    const bToken = await admin.get(lockKey);
    expect(bToken).not.toBeNull();
    aSlow.release();
    await overrun;
    // A has renewed, settled and published meanwhile: B's lock is still there, with B's token.
    expect(await admin.get(lockKey)).toBe(bToken);
    expect(bSlow.asked).toEqual([['AAPL']]);
    bSlow.release();
    await taking;
    expect(await admin.exists(lockKey)).toBe(0);
    // C, asking just after both settled, takes the latest kept outcome instead of fetching.
    const cWork = upstream(10);
    expect((await c.coalesce('quote', ['AAPL'], cWork.work, codec)).get('AAPL')).toBe('AAPL@1');
    expect(cWork.asked).toEqual([]);
  });

  it('frees the locks with no outcome when the holder’s work throws, so waiters fetch themselves', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    // Freed at once or not at all: the lease (and so the wait) outlasts the test.
    const [a, b] = [instance({ leaseMs: NEVER_MS }), instance({ leaseMs: NEVER_MS })];
    await Promise.all([a.start(), b.start()]);
    let thrown = 0;
    const throwing = async (): Promise<Map<string, Outcome>> => {
      thrown += 1;
      await sleep(100);
      throw new Error('bug');
    };
    const holder = a.coalesce('quote', ['AAPL'], throwing, codec).then(
      () => 'answered',
      (error: unknown) => error,
    );
    await expect.poll(() => thrown, { timeout: 5_000, interval: 5 }).toBe(1);
    const { asked, work } = upstream(10);
    const waiter = await b.coalesce('quote', ['AAPL'], work, codec);
    expect(await holder).toEqual(new Error('bug'));
    expect(waiter.get('AAPL')).toBe('AAPL@1');
    expect(asked).toEqual([['AAPL']]);
  });

  it('stops waiting and fetches alone as soon as Redis goes away mid-wait, not at the end of the lease', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const redis = await ownRedis();
    await redis.start();
    try {
      // As soon as Redis goes, or not within the test: the busy holder's lease outlasts it.
      const waiter = instance({ leaseMs: NEVER_MS }, redis.url);
      await waiter.start();
      const other = adminRedis(redis.url);
      await other.set(`${prefix}:lock:quote:AAPL`, 'token-of-a-busy-instance', { expiration: { type: 'PX', value: NEVER_MS } });
      closeAdmin(other);
      const { asked, work } = upstream(10);
      const answer = waiter.coalesce('quote', ['AAPL'], work, codec);
      // A deliberate pause, to show the waiter does not fetch while the holder's lock stands
      // (a fetch would come at once, not after a while; the lock stands a minute, so no race).
      await sleep(200);
      expect(asked).toEqual([]);
      await redis.stop();
      expect((await answer).get('AAPL')).toBe('AAPL@1');
    } finally {
      await redis.stop();
    }
  });

  it('waits for a Redis that hangs (SIGSTOP) at most one deadline, then leaves it alone for a while', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const redis = await ownRedis();
    await redis.start();
    const probe = adminRedis(redis.url);
    const pid = Number((await probe.info('server')).match(/process_id:(\d+)/)?.[1]);
    closeAdmin(probe);
    try {
      const down: unknown[] = [];
      const flight = instance({ onStoreDown: (error) => down.push(error) }, redis.url);
      await flight.start();
      process.kill(pid, 'SIGSTOP');
      const { asked, work } = upstream(0);
      expect((await flight.coalesce('quote', ['AAPL'], work, codec)).get('AAPL')).toBe('AAPL@1');
      // Its own 500 ms deadline ended the wait (the clients' backstop is 5 s): told, not timed.
      expect(down).toHaveLength(1);
      expect(String(down[0])).toMatch(/no answer within 500 ms/);
      // Known to be failing: the next misses do not ask it at all, so they wait on nothing.
      for (const symbol of ['MSFT', 'NVDA', 'IBM']) {
        const coalescing = flight.coalesce('quote', [symbol], work, codec);
        expect(await settlesWithoutWaiting(coalescing)).toBe(true);
        expect((await coalescing).get(symbol)).toBe(`${symbol}@${asked.length}`);
      }
      expect(asked).toHaveLength(4);
    } finally {
      process.kill(pid, 'SIGCONT');
      await redis.stop();
    }
  });

  it('works alone, without failing or waiting long, when Redis is unreachable', async () => {
    prefix = `mgtest:flight:${randomUUID()}`;
    const down: unknown[] = [];
    // The refused connection, not a timer, ends the wait: the first use would wait a minute for a
    // Redis that is merely slow to connect, so answering within the test shows it did not.
    const alone = instance({ connectWaitMs: NEVER_MS, onStoreDown: (error) => down.push(error) }, 'redis://127.0.0.1:1');
    const { asked, work } = upstream(10);
    const answers = await Promise.all([alone.coalesce('quote', ['AAPL'], work, codec), alone.coalesce('quote', ['MSFT'], work, codec)]);
    expect(answers.map((answer) => [...answer.values()])).toEqual([['AAPL@1'], ['MSFT@2']]);
    expect(asked).toHaveLength(2);
    expect(down).toHaveLength(1);
  });
});
