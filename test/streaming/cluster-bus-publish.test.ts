import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RedisLink } from '../../src/stores/redis-link.js';
import { ClusterBus } from '../../src/streaming/cluster/cluster-bus.js';
import { openLink, uniquePrefix } from '../support/shared-redis.js';
import { sleep } from '../support/timing.js';

/**
 * A tick publish carries no node-redis timeout: that timeout is an `AbortSignal.timeout` per
 * command, uncancellable, which at a thousand ticks a second kept thousands of timers, weak
 * references and aborted signals alive per instance. The link's other commands keep theirs.
 * Real Redis, channels under a prefix of this run.
 */

const links: RedisLink[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(links.splice(0).map((link) => link.close()));
});

describe('ClusterBus.publish', () => {
  it('publishes every tick with no timer per command, while other commands on the link keep their timeout', async () => {
    const link = openLink();
    links.push(link);
    const received: string[] = [];
    const bus = new ClusterBus({ link, prefix: uniquePrefix('bus-publish'), token: 'test-token', leaseMs: 5_000, connectWaitMs: 2_000, onMessage: (message) => received.push(message) });
    expect(await link.readiness(2_000).ready()).toBe(true);
    await bus.pubSub();
    await bus.join(['AAPL']);

    const timeouts = vi.spyOn(AbortSignal, 'timeout');
    for (let index = 0; index < 50; index++) await bus.publish('AAPL', `tick-${index}`);
    expect(timeouts).not.toHaveBeenCalled();
    for (let waited = 0; received.length < 50 && waited < 2_000; waited += 20) await sleep(20);
    expect(received).toEqual(Array.from({ length: 50 }, (_, index) => `tick-${index}`));

    // The spy sees node-redis's timers: a plain command on the same link still gets one.
    await link.commands.ping();
    expect(timeouts).toHaveBeenCalled();
    await bus.leave(['AAPL']);
  });
});
