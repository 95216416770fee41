import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { StoreHealth } from '../../src/stores/store-health.js';
import { WindowCounter } from '../../src/resilience/window-counter.js';
import { adminRedis, closeAdmin, deleteKeys, openLink, uniquePrefix } from '../support/shared-redis.js';

/**
 * The in-process mirror of a Redis window (kept so an outage counts on from what the cluster had
 * spent) must never make Redis stricter than its own count: not after the window has ended, and not
 * after a refused call's points were given back. Both once opened a window already spent (seen as
 * RATE_LIMITED far below a 60,000/min budget in a loaded run).
 */

// The counters use the gateway's link; the test looks at and removes keys on a connection of its own.
const link = openLink();
const client = adminRedis();
const prefix = uniquePrefix('window-counter');
const store = { client: link.commands, readiness: link.readiness(1_000), health: new StoreHealth() };

afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  try {
    await deleteKeys(client, `${prefix}:*`);
  } finally {
    link.close();
    closeAdmin(client);
  }
});

async function grants(counter: WindowCounter, id: string, cost: number, times: number): Promise<boolean[]> {
  const granted: boolean[] = [];
  for (let call = 0; call < times; call++) granted.push((await counter.consume(id, cost)).granted);
  return granted;
}

describe('a Redis window mirrored in process', () => {
  it('starts the next window afresh, although the mirror of the ended one is still in memory', async () => {
    const counter = new WindowCounter({ points: 4, per: 'minute' }, `${prefix}:ended`, store);
    expect(await grants(counter, 'key-1', 1, 3)).toEqual([true, true, true]);

    // The minute ends: Redis drops its key at its TTL, while the mirror's entry lingers until its
    // timer fires (late, on a loaded event loop). Only the Date clock moves, so that timer has not.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    await client.del(`${prefix}:ended:key-1:minute`);

    expect(await grants(counter, 'key-1', 1, 5)).toEqual([true, true, true, true, false]);
  });

  it('carries a count Redis lost in the middle of the window up to it', async () => {
    const counter = new WindowCounter({ points: 4, per: 'minute' }, `${prefix}:lost`, store);
    expect(await grants(counter, 'key-1', 1, 3)).toEqual([true, true, true]);
    // Redis restarted empty: the window is not over, so what was spent in it still counts.
    await client.del(`${prefix}:lost:key-1:minute`);
    expect(await grants(counter, 'key-1', 1, 2)).toEqual([true, false]);
  });

  it('carries a lost count up once for a whole burst, not once per call of it', async () => {
    const counter = new WindowCounter({ points: 1_000, per: 'minute' }, `${prefix}:burst`, store);
    expect(await grants(counter, 'key-1', 1, 10)).toEqual(Array(10).fill(true));
    await client.del(`${prefix}:burst:key-1:minute`);
    // Fifty consumes at once, all reading the same mirror of 10 before any of them is answered.
    const burst = await Promise.all(Array.from({ length: 50 }, () => counter.consume('key-1', 1)));
    expect(burst.every((consumed) => consumed.granted)).toBe(true);
    const count = Number(await client.get(`${prefix}:burst:key-1:minute`));
    // At least the burst itself and at most the burst plus what was carried; the window keeps its TTL.
    expect(count).toBeGreaterThanOrEqual(50);
    expect(count).toBeLessThanOrEqual(60);
    expect(await client.pTTL(`${prefix}:burst:key-1:minute`)).toBeGreaterThan(50_000);
  });

  it('lets a smaller call through after a refused larger one was given back', async () => {
    const counter = new WindowCounter({ points: 4, per: 'minute' }, `${prefix}:undo`, store);
    expect((await counter.consume('key-1', 1)).granted).toBe(true);
    const refused = await counter.consume('key-1', 5);
    expect(refused).toMatchObject({ granted: false, fits: 3 });
    expect(await grants(counter, 'key-1', 1, 4)).toEqual([true, true, true, false]);
    expect(await client.get(`${prefix}:undo:key-1:minute`)).toBe('5');
  });
});
