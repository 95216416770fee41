import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConsumerThrottle } from '../../src/resilience/consumer-throttle.js';
import { LEASE_DIVISOR, MAX_LEASE } from '../../src/resilience/leased-window.js';
import { SHARED_REDIS_URL as REDIS_URL, openLink, useSharedRedis, type Closable } from '../support/shared-redis.js';

/**
 * Request budgets counted in a real Redis (127.0.0.1:6379, a prefix of this run's own) a chunk
 * at a time (src/resilience/leased-window.ts): the bound the README states, that a consumer is
 * never admitted more than its budget across instances and is refused at most
 * `(instances − 1) × chunk` requests early, and that a busy consumer costs Redis one call per chunk.
 */

const prefix = `mgtest:throttle-leases:${randomUUID()}`;
const opened: Closable[] = [];
const admin = useSharedRedis(() => prefix, opened);

function instance(requestsPerMinute: number): ConsumerThrottle {
  const link = openLink(REDIS_URL);
  const throttle = new ConsumerThrottle({ budgets: () => ({ requestsPerMinute, providerCallsPerMinute: 10 }), redis: link, prefix });
  opened.push(throttle, { close: async () => link.close() });
  return throttle;
}

const chunkOf = (budget: number) => Math.max(1, Math.min(MAX_LEASE, Math.floor(budget / LEASE_DIVISOR)));

describe('request budgets leased from Redis', () => {
  it('takes a chunk per Redis call and gives one instance its whole budget, to the request', async () => {
    const budget = 1_000;
    const consumer = { id: `solo-${randomUUID()}`, profile: 'pro' };
    const throttle = instance(budget);
    const first = await throttle.admit(consumer);
    // One call took a chunk: Redis counts it at once, the instance spends it in process.
    expect(Number(await admin.get(`${prefix}:requests:pro:${consumer.id}:minute`))).toBe(chunkOf(budget));
    expect(first).toMatchObject({ admitted: true, requests: { limit: budget, remaining: budget - 1 } });

    let admitted = 1;
    const remaining: number[] = [];
    for (let request = 1; request < budget + 50; request++) {
      const verdict = await throttle.admit(consumer);
      if (verdict.admitted) {
        admitted += 1;
        remaining.push(verdict.requests.remaining);
      }
    }
    expect(admitted).toBe(budget);
    // RateLimit-Remaining counts down by one per request, chunks or not.
    expect(remaining.slice(0, 5)).toEqual([998, 997, 996, 995, 994]);
    expect(remaining.at(-1)).toBe(0);
  });

  it('never admits more than the budget across instances, and refuses at most a chunk per other instance early', async () => {
    const budget = 1_000;
    const consumer = { id: `pair-${randomUUID()}`, profile: 'pro' };
    const [one, two] = [instance(budget), instance(budget)];
    let admitted = 0;
    // Concurrent bursts landing on both instances, well past the budget.
    for (let burst = 0; burst < 30; burst++) {
      const verdicts = await Promise.all(Array.from({ length: 40 }, (_, index) => (index % 2 ? one : two).admit(consumer)));
      admitted += verdicts.filter((verdict) => verdict.admitted).length;
    }
    expect(admitted).toBeLessThanOrEqual(budget);
    expect(admitted).toBeGreaterThanOrEqual(budget - chunkOf(budget));
  });

  it('counts budgets under 2 × LEASE_DIVISOR one by one, exactly, across instances', async () => {
    const budget = 2 * LEASE_DIVISOR - 1;
    const consumer = { id: `small-${randomUUID()}`, profile: 'pro' };
    const [one, two] = [instance(budget), instance(budget)];
    const verdicts = await Promise.all(Array.from({ length: budget + 20 }, (_, index) => (index % 2 ? one : two).admit(consumer)));
    expect(verdicts.filter((verdict) => verdict.admitted)).toHaveLength(budget);
  });
});
