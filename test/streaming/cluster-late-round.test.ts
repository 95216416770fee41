import { createClient } from '@redis/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createClusterSource } from '../../src/streaming/cluster/cluster-source.js';
import { ownRedis } from '../cache/redis-server.js';
import { CountingUpstream, Watcher } from './cluster-fixtures.js';
import { openLink, uniquePrefix } from '../support/shared-redis.js';

/**
 * A late lease round is not an outage either. Near the machine's limits a round's claim can miss
 * its deadline while Redis is up; falling back on it started every watched symbol's upstream on
 * the instance and gave them up a round later (the stream-fanout bench: 1,164 upstream subscribe
 * messages for 500 symbols). Redis stays away from the rounds only so long: past a whole lease
 * with no round through, the leases may have lapsed with nobody publishing, and the instance
 * feeds its watchers from its own upstream. A Redis of the test's own, paused for writes (the
 * lease script and PUBLISH) with CLIENT PAUSE: its connections stay up, its answers come late.
 */
describe('cluster tick source: a late lease round', () => {
  const opened: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => {
    for (const item of opened.splice(0).reverse()) await item.close();
  });

  async function ownerOf(symbol: string, prefix: string) {
    const redis = await ownRedis();
    await redis.start();
    opened.push({ close: () => redis.stop() });
    const link = openLink(redis.url);
    const upstream = new CountingUpstream();
    // Rounds every second; each command's deadline is 500 ms.
    const source = createClusterSource({ link, local: upstream, prefix: uniquePrefix(prefix), leaseMs: 3_000, instanceId: 'a', log: { warn: () => undefined, info: () => undefined } });
    opened.push({ close: async () => (await source.close(), link.close()) });
    const fellBack: number[] = [];
    source.events.onFellBackToLocal(({ symbols }) => fellBack.push(symbols));
    const watcher = new Watcher(source, [symbol]);
    await expect.poll(() => watcher.count(symbol) > 3, { timeout: 10_000, interval: 20 }).toBe(true);
    const admin = createClient({ url: redis.url });
    await admin.connect();
    opened.push({ close: async () => void admin.destroy() });
    const pauseWrites = (ms: number) => admin.sendCommand(['CLIENT', 'PAUSE', String(ms), 'WRITE']);
    return { source, upstream, watcher, fellBack, pauseWrites };
  }

  it('within the lease: no fall back, the one upstream goes on, watchers keep receiving', async () => {
    const { source, upstream, watcher, fellBack, pauseWrites } = await ownerOf('SLOW', 'cluster-late-round');
    // 1.6 s: at least one round's claim is sent into the pause and misses its deadline.
    await pauseWrites(1_600);
    const before = watcher.count('SLOW');
    await new Promise((resolve) => setTimeout(resolve, 2_600));

    expect(fellBack).toEqual([]);
    expect(source.mode).toBe('cluster');
    expect(upstream.totalStarts).toBe(1);
    expect(watcher.count('SLOW') - before).toBeGreaterThan(20);
    expect(watcher.older).toBe(0);
  });

  it('past a whole lease without a round: falls back to its own upstream, and the watchers never notice', async () => {
    const { watcher, fellBack, pauseWrites } = await ownerOf('STALL', 'cluster-stalled-round');
    await pauseWrites(5_000);
    await expect.poll(() => fellBack.length, { timeout: 6_000, interval: 20 }).toBe(1);
    const before = watcher.count('STALL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(watcher.count('STALL') - before).toBeGreaterThan(5);
    expect(watcher.older).toBe(0);
  });
});
