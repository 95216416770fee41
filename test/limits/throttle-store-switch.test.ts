import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerThrottle } from '../../src/resilience/consumer-throttle.js';
import { RedisLink } from '../../src/stores/redis-link.js';
import { ownRedis, type OwnRedis } from '../cache/redis-server.js';

/**
 * Issue 12, item 6: budgets carried across a switch of store. A Redis of the test's own is stopped
 * and started again empty in the middle of a consumer's minute: the instance goes on counting from
 * what Redis had (not from zero) while Redis is away, and carries its count back up when Redis
 * returns empty, so the consumer gets its budget once in the window, not once per store.
 */

const LIMIT = 4;
const consumer = { id: 'acme', profile: 'pro' };
let redis: OwnRedis;
let link: RedisLink;
let throttle: ConsumerThrottle;
const events: string[] = [];

beforeAll(async () => {
  redis = await ownRedis();
  await redis.start();
  link = RedisLink.open({ url: redis.url });
  throttle = new ConsumerThrottle({
    budgets: () => ({ requestsPerMinute: LIMIT, providerCallsPerMinute: 100 }),
    redis: link,
    prefix: 'mgtest:switch',
    onStoreDown: () => events.push('down'),
    onStoreUp: () => events.push('up'),
  });
});
afterAll(async () => {
  await throttle?.close();
  // The throttle never closes the link; its owner does, after it.
  link?.close();
  await redis?.stop();
});

const admitted = async (): Promise<boolean> => (await throttle.admit(consumer)).admitted;

describe('a consumer budget across a Redis outage and an empty Redis after it', () => {
  it('is spent once in the window, whichever store counts', async () => {
    const verdicts: boolean[] = [];
    // Two requests counted in Redis.
    for (let request = 0; request < 2; request++) verdicts.push(await admitted());
    expect(events).toEqual([]);

    // Redis goes away: the instance counts on from 2, so two more pass and then none.
    await redis.stop();
    for (let request = 0; request < 4; request++) verdicts.push(await admitted());
    expect(events).toEqual(['down']);
    expect(verdicts).toEqual([true, true, true, true, false, false]);

    // Redis comes back with nothing in it; once the throttle uses it again, the spent window is
    // carried up to it and it refuses too, rather than opening a fresh budget.
    await redis.start();
    await expect.poll(async () => ((await throttle.admit(consumer)).admitted ? 'admitted' : events.at(-1)), { timeout: 15_000, interval: 100 }).toBe('up');
    expect(await admitted()).toBe(false);
    expect(await admitted()).toBe(false);
  });
});
