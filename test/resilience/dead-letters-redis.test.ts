import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProviderError, ProviderFailureKind } from '../../src/domain/index.js';
import { DeadLetterQueue, type DeadLetterJob, type DeadLetterQueueOptions } from '../../src/resilience/dead-letters.js';
import { RedisLink } from '../../src/stores/redis-link.js';
import { SHARED_REDIS_URL as REDIS_URL, useSharedRedis, type Closable } from '../support/shared-redis.js';

/**
 * Parked dead letters shared through a real Redis on 127.0.0.1:6379: two queues, each with a
 * Redis link of its own (opened as src/app/stores.ts opens it), stand for two gateway instances.
 * Every run writes under a prefix of its own and removes it.
 */

const prefix = `mgtest:dlq:${randomUUID()}`;
const outage = () => new ProviderError(ProviderFailureKind.UNAVAILABLE, 'fmp', 'fmp: HTTP 503');

/** Each queue, then its link: a queue never closes the link, its owner does after it. */
const opened: Closable[] = [];
const admin = useSharedRedis(() => prefix, opened);

/** An instance's link, with the deadlines the test's instances always had (500 ms to connect and per command). */
function link(url: string): RedisLink {
  return RedisLink.open({ url, connectTimeoutMs: 500, commandTimeoutMs: 500 });
}

interface Instance {
  readonly queue: DeadLetterQueue;
  readonly parked: DeadLetterJob[];
  readonly recovered: DeadLetterJob[];
  readonly dropped: number[];
  readonly storeDown: unknown[];
  healthy: boolean;
}

/** One gateway instance's queue: retries shrunk to 5 ms, work that fails until `healthy`. */
function instance(options: Partial<DeadLetterQueueOptions> = {}, url = REDIS_URL): Instance {
  const self: Instance = { queue: undefined as unknown as DeadLetterQueue, parked: [], recovered: [], dropped: [], storeDown: [], healthy: false };
  const redis = link(url);
  const queue = new DeadLetterQueue({
    redis,
    prefix,
    retryDelaysMs: [5],
    connectWaitMs: 500,
    run: async () => {
      if (!self.healthy) throw outage();
    },
    onParked: (job) => self.parked.push(job),
    onRecovered: (job) => self.recovered.push(job),
    onDropped: ({ count }) => self.dropped.push(count),
    onStoreDown: (error) => self.storeDown.push(error),
    ...options,
  });
  opened.push(queue, { close: async () => redis.close() });
  return Object.assign(self, { queue });
}

async function parkIn(node: Instance, keys: readonly string[], provider = 'fmp'): Promise<void> {
  const before = node.parked.length;
  for (const key of keys) node.queue.schedule({ provider, capability: 'quote', key, query: key, error: outage() });
  await expect.poll(() => node.parked.length, { timeout: 5_000, interval: 5 }).toBe(before + keys.length);
}

describe('dead letters shared through Redis', () => {
  it('parks in one JSON list per provider that every instance sees and may replay', async () => {
    const a = instance();
    const b = instance();
    await parkIn(a, ['AAPL', 'MSFT']);
    await parkIn(a, ['IBM'], 'polygon');

    expect(await admin.lLen(`${prefix}:fmp`)).toBe(2);
    const entries = (await admin.lRange(`${prefix}:fmp`, 0, -1)).map((entry) => JSON.parse(entry) as DeadLetterJob);
    // Newest at the head. The order is behaviour (the cap trims the oldest; peek and replay answer
    // oldest first): jobs scheduled in order with the same delays park in that order.
    expect(entries.map((job) => job.key)).toEqual(['MSFT', 'AAPL']);
    expect(entries[0]).toMatchObject({ provider: 'fmp', capability: 'quote', state: 'failed', attempts: 1, lastError: { kind: 'UNAVAILABLE', message: 'fmp: HTTP 503' } });

    // The other instance sees the same depth and jobs.
    expect(await b.queue.depth('fmp')).toBe(2);
    expect((await b.queue.peek('fmp')).map((job) => job.key)).toEqual(['AAPL', 'MSFT']);

    // And replays them: taken off the shared shelf, run by b.
    b.healthy = true;
    expect(await b.queue.replay(['fmp'])).toBe(2);
    expect(await a.queue.depth('fmp')).toBe(0);
    expect(await admin.exists(`${prefix}:fmp`)).toBe(0);
    await expect.poll(() => b.recovered.length, { timeout: 5_000, interval: 5 }).toBe(2);
    expect(b.recovered.map((job) => job.key).sort()).toEqual(['AAPL', 'MSFT']);
    // Replaying again finds nothing: no entry is taken twice.
    expect(await a.queue.replay(['fmp'])).toBe(0);
    expect(await a.queue.depth('polygon')).toBe(1);
  });

  it('lets two instances replaying at once take each entry exactly once', async () => {
    const a = instance();
    const b = instance();
    await parkIn(a, Array.from({ length: 20 }, (_, index) => `S${index}`));
    a.healthy = true;
    b.healthy = true;
    const [byA, byB] = await Promise.all([a.queue.replay(['fmp']), b.queue.replay(['fmp'])]);
    expect(byA + byB).toBe(20);
    expect(await a.queue.depth('fmp')).toBe(0);
  });

  it('keeps one entry per work across instances, and forgets it once the work succeeds anywhere', async () => {
    const a = instance();
    const b = instance();
    await parkIn(a, ['AAPL']);
    await parkIn(b, ['AAPL']);
    expect(await admin.lLen(`${prefix}:fmp`)).toBe(1);
    expect((await a.queue.peek('fmp'))[0]?.id).toBe(b.parked[0]?.id);

    // A fresh job for the same key succeeds on a: the parked entry is moot and goes.
    a.healthy = true;
    a.queue.schedule({ provider: 'fmp', capability: 'quote', key: 'AAPL', query: 'AAPL', error: outage() });
    await expect.poll(() => a.recovered.length, { timeout: 5_000, interval: 5 }).toBe(1);
    // The entry goes after onRecovered is told (the discard is not awaited by the queue).
    await expect.poll(() => b.queue.depth('fmp'), { timeout: 5_000, interval: 5 }).toBe(0);
  });

  it('trims the list to its cap, oldest first, and counts what it dropped', async () => {
    const a = instance({ maxPerProvider: 3 });
    // In two rounds: at most 3 jobs may be queued in an instance at once, too.
    await parkIn(a, ['A', 'B', 'C']);
    await parkIn(a, ['D', 'E']);
    expect(await admin.lLen(`${prefix}:fmp`)).toBe(3);
    expect((await a.queue.peek('fmp')).map((job) => job.key)).toEqual(['C', 'D', 'E']);
    expect(a.dropped.reduce((sum, count) => sum + count, 0)).toBe(2);
  });

  it('parks in memory while Redis is down, tells it once, and still counts and replays those jobs', async () => {
    // Nothing listens on port 1: every connection is refused at once.
    const down = instance({}, 'redis://127.0.0.1:1');
    await parkIn(down, ['AAPL', 'MSFT']);
    expect(await down.queue.depth('fmp')).toBe(2);
    expect(await down.queue.depth('fmp')).toBe(2);
    expect(down.storeDown).toHaveLength(1);
    expect(await admin.exists(`${prefix}:fmp`)).toBe(0);

    down.healthy = true;
    expect(await down.queue.replay(['fmp'])).toBe(2);
    await expect.poll(() => down.recovered.length, { timeout: 5_000, interval: 5 }).toBe(2);
    expect(await down.queue.depth('fmp')).toBe(0);
    expect(down.storeDown).toHaveLength(1);
  });
});
