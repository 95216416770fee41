import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConsumerThrottle } from '../../src/resilience/consumer-throttle.js';
import { SHARED_REDIS_URL as REDIS_URL, openLink, useSharedRedis, type Closable } from '../support/shared-redis.js';
import { settlesWithoutWaiting } from '../support/timing.js';

/**
 * Consumer budgets shared through a real Redis on 127.0.0.1:6379: two throttles, each with a
 * Redis link of its own (opened as the gateway opens it), stand for two gateway instances. And a
 * Redis that is not there: budgets are counted in the instance, and no request fails for it.
 */

const prefix = `mgtest:throttle:${randomUUID()}`;
const budgets = () => ({ requestsPerMinute: 4, providerCallsPerMinute: 3 });
const consumer = { id: 'acme', profile: 'pro' };
/** Each throttle, then its link: a throttle never closes the link, its owner does after it. */
const opened: Closable[] = [];
const admin = useSharedRedis(() => prefix, opened);

function instance(url = REDIS_URL, events: string[] = []): ConsumerThrottle {
  const link = openLink(url);
  const throttle = new ConsumerThrottle({
    budgets,
    redis: link,
    prefix,
    onStoreDown: () => events.push('down'),
    onStoreUp: () => events.push('up'),
  });
  opened.push(throttle, { close: async () => link.close() });
  return throttle;
}

describe('consumer budgets shared through Redis', () => {
  it('gives a consumer one request budget across instances, under concurrent requests', async () => {
    const [one, two] = [instance(), instance()];
    const verdicts = await Promise.all(Array.from({ length: 20 }, (_, index) => (index % 2 ? one : two).admit(consumer)));
    expect(verdicts.filter((verdict) => verdict.admitted)).toHaveLength(4);
    const refused = verdicts.find((verdict) => !verdict.admitted);
    expect(refused).toMatchObject({ admitted: false, budget: 'requests', limit: 4 });
    expect(refused && !refused.admitted && refused.retryAfterMs).toBeGreaterThan(50_000);
    // Another consumer has a budget of its own.
    expect(await one.admit({ id: 'globex', profile: 'pro' })).toMatchObject({ admitted: true, requests: { limit: 4, remaining: 3 } });
    // Kept in Redis under the prefix, by profile and consumer: spent. (Refused requests are refused
    // in process once the window is known spent, so the count need not reach 20.)
    expect(Number(await admin.get(`${prefix}:requests:pro:acme:minute`))).toBeGreaterThanOrEqual(4);
  });

  it('refuses provider calls on one instance once calls charged on the other spend the budget, and still admits requests', async () => {
    const [one, two] = [instance(), instance()];
    expect(await two.admit(consumer)).toMatchObject({ admitted: true, requests: { limit: 4, remaining: 3 } });
    // The window is shared: the other instance sees what this one spent.
    expect(await one.admit(consumer)).toMatchObject({ admitted: true, requests: { remaining: 2 } });
    for (let call = 0; call < 3; call++) one.chargeProviderCall(consumer);
    await expect.poll(() => admin.get(`${prefix}:providerCalls:pro:acme:minute`), { timeout: 5_000, interval: 10 }).toBe('3');
    expect(await two.providerCallAllowed(consumer)).toMatchObject({ allowed: false, limit: 3 });
    // A spent provider-call budget refuses calls where they would be made, not the request (cache hits still answer).
    expect(await two.admit(consumer)).toMatchObject({ admitted: true });
  });
});

describe('without Redis', () => {
  let deadUrl: string;
  beforeAll(async () => {
    // A port that was free a moment ago: connections are refused, as when Redis is down.
    const probe: Server = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    deadUrl = `redis://127.0.0.1:${port}`;
  });

  it('counts in the instance, tells the outage once, and never fails a request', async () => {
    const events: string[] = [];
    const throttle = instance(deadUrl, events);
    // Only the first ask waits for the connection (refused here); the rest answer at once: without
    // waiting on any timer or socket, rather than within a stopwatch's bound.
    const verdicts = [await throttle.admit(consumer)];
    for (let request = 1; request < 6; request++) {
      const admitting = throttle.admit(consumer);
      expect(await settlesWithoutWaiting(Promise.resolve(admitting))).toBe(true);
      verdicts.push(await admitting);
    }
    expect(verdicts.map((verdict) => verdict.admitted)).toEqual([true, true, true, true, false, false]);
    expect(events).toEqual(['down']);
  });
});
