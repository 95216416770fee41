import { createClient } from '@redis/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createClusterSource } from '../../src/streaming/cluster/cluster-source.js';
import { ownRedis } from '../cache/redis-server.js';
import { CountingUpstream, Watcher } from './cluster-fixtures.js';
import { openLink, uniquePrefix } from '../support/shared-redis.js';

/**
 * A late publish is not an outage. Every tick the owner publishes carries its own deadline; on a
 * starved event loop one is late long before Redis is away, and falling back on it started every
 * watched symbol's upstream on every instance (the stream-fanout bench: 3,390 upstream subscribe
 * messages for 500 symbols). The lease rounds decide; between them the owner's watchers get the
 * ticks directly. A Redis of the test's own, paused for writes (PUBLISH and the lease script)
 * just after a round, so the next round finds it answering again.
 */
describe('cluster tick source: a late publish', () => {
  const opened: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => {
    for (const item of opened.splice(0).reverse()) await item.close();
  });

  it('keeps the lease and one upstream per symbol; the owner\'s watchers keep receiving', async () => {
    const redis = await ownRedis();
    await redis.start();
    opened.push({ close: () => redis.stop() });
    const link = openLink(redis.url);
    const upstream = new CountingUpstream();
    // Rounds every 3 s: the 1.2 s pause below falls between two of them.
    const source = createClusterSource({ link, local: upstream, prefix: uniquePrefix('cluster-late'), leaseMs: 9_000, instanceId: 'a', log: { warn: () => undefined, info: () => undefined } });
    opened.push({ close: async () => (await source.close(), link.close()) });
    const fellBack: number[] = [];
    source.events.onFellBackToLocal(({ symbols }) => fellBack.push(symbols));
    let ownedAt = 0;
    source.events.onBecameOwner(() => (ownedAt = performance.now()));
    const watcher = new Watcher(source, ['LATE']);
    await expect.poll(() => watcher.count('LATE') > 3, { timeout: 10_000, interval: 20 }).toBe(true);

    const admin = createClient({ url: redis.url });
    await admin.connect();
    opened.push({ close: async () => void admin.destroy() });
    expect(performance.now() - ownedAt).toBeLessThan(1_500);
    await admin.sendCommand(['CLIENT', 'PAUSE', '1200', 'WRITE']);
    const before = watcher.count('LATE');
    await new Promise((resolve) => setTimeout(resolve, 1_400));

    expect(fellBack).toEqual([]);
    expect(source.mode).toBe('cluster');
    expect(upstream.totalStarts).toBe(1);
    // Ticks 20 ms apart: delivered here while their publishes hung.
    expect(watcher.count('LATE') - before).toBeGreaterThan(20);
    expect(watcher.older).toBe(0);
  });
});
