import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail, type AuditEntry } from '../../src/observability/audit.js';
import { createLogger } from '../../src/observability/logger.js';
import type { RedisLink } from '../../src/stores/redis-link.js';
import { adminRedis, closeAdmin, openLink, type AdminRedis } from '../support/shared-redis.js';

/**
 * The audit trail on a real Redis (127.0.0.1:6379), each test under a stream key of its own: the
 * stream stays capped, two instances share one trail, entries read back newest first and by
 * consumer, and every entry is also a line of the `audit` logger.
 */

const keys: string[] = [];
const links: RedisLink[] = [];
let admin: AdminRedis;

beforeAll(() => {
  admin = adminRedis();
});
afterEach(async () => {
  links.splice(0).forEach((link) => link.close());
  if (keys.length > 0) await admin.del(keys.splice(0));
});
afterAll(() => closeAdmin(admin));

/** An instance's Redis link, made as the gateway makes it (connecting in the background, no offline queue). */
function lazyClient(): RedisLink {
  const link = openLink();
  links.push(link);
  return link;
}

function logSink() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', destination), lines };
}

function streamKey(): string {
  const key = `mgtest:audit:${randomUUID()}`;
  keys.push(key);
  return key;
}

const entry = (index: number, consumer = 'acme'): AuditEntry => ({
  time: new Date(Date.UTC(2026, 11, 2, 12, 0, 0, index)),
  kind: index % 2 === 0 ? 'DENIED' : 'PROVIDER_CALL',
  consumer,
  profile: 'basic',
  allowed: index % 2 !== 0,
  path: `quotes.${index}.company.financials`,
  ...(index % 2 === 0 ? { right: 'FUNDAMENTALS' as const } : { provider: 'fmp', capability: 'quote', outcome: 'ok' }),
});

/** Waits until the stream holds `count` entries (writes are fire-and-forget). */
async function settled(key: string, count: number): Promise<void> {
  await expect.poll(() => admin.xLen(key), { timeout: 5_000 }).toBe(count);
}

describe('the audit stream', () => {
  it('keeps every field of an entry, reads newest first and by consumer, and logs each entry', async () => {
    const key = streamKey();
    const { logger, lines } = logSink();
    const trail = new AuditTrail({ logger, redis: lazyClient(), streamKey: key, maxEntries: 1_000 });
    for (let index = 0; index < 6; index++) trail.record(entry(index, index < 4 ? 'acme' : 'globex'));
    await settled(key, 6);

    expect(await trail.read({ limit: 2 })).toEqual([entry(5, 'globex'), entry(4, 'globex')]);
    expect(await trail.read({ limit: 10, consumer: 'acme' })).toEqual([3, 2, 1, 0].map((index) => entry(index)));
    expect(await admin.xLen(key)).toBe(6);
    const auditPaths = () => lines.filter((line) => line['component'] === 'audit').map((line) => (line['audit'] as Record<string, unknown>)['path']);
    // The log is written in the background too: wait for its six lines, then read them.
    await expect.poll(() => auditPaths().length, { timeout: 5_000, interval: 10 }).toBe(6);
    expect(auditPaths()).toEqual([0, 1, 2, 3, 4, 5].map((index) => `quotes.${index}.company.financials`));
  });

  it('stays capped near AUDIT_STREAM_MAX however much is written', async () => {
    const key = streamKey();
    const trail = new AuditTrail({ logger: logSink().logger, redis: lazyClient(), streamKey: key, maxEntries: 100 });
    for (let index = 0; index < 2_000; index++) trail.record(entry(index));
    await expect.poll(async () => (await admin.xRevRange(key, '+', '-', { COUNT: 1 }))[0]?.message['path'] === 'quotes.1999.company.financials', { timeout: 10_000 }).toBe(true);
    const length = await admin.xLen(key);
    // MAXLEN ~ trims whole stream nodes (100 entries each by default), so "near" is within one node.
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThanOrEqual(200);
    expect((await trail.read({ limit: 1 }))[0]?.path).toBe('quotes.1999.company.financials');
  });

  it('is one trail for every instance writing the same stream', async () => {
    const key = streamKey();
    const first = new AuditTrail({ logger: logSink().logger, redis: lazyClient(), streamKey: key, maxEntries: 1_000 });
    const second = new AuditTrail({ logger: logSink().logger, redis: lazyClient(), streamKey: key, maxEntries: 1_000 });
    first.record(entry(0, 'from-first'));
    second.record(entry(1, 'from-second'));
    await settled(key, 2);
    expect((await second.read({ limit: 10 })).map((item) => item.consumer).sort()).toEqual(['from-first', 'from-second']);
    expect(await first.read({ limit: 10, consumer: 'from-second' })).toEqual([entry(1, 'from-second')]);
  });
});

describe('at shutdown', () => {
  it('drain() delivers every entry recorded so far to the stream', async () => {
    const key = streamKey();
    const trail = new AuditTrail({ logger: logSink().logger, redis: lazyClient(), streamKey: key, maxEntries: 1_000 });
    await trail.read({ limit: 1 }); // connected
    for (let index = 0; index < 250; index++) trail.record(entry(index));
    await trail.drain();
    expect(await admin.xLen(key)).toBe(250);
  });
});

describe('without Redis', () => {
  it('keeps the newest entries in memory, capped', async () => {
    const trail = new AuditTrail({ logger: logSink().logger, streamKey: 'unused', maxEntries: 100 });
    for (let index = 0; index < 250; index++) trail.record(entry(index));
    const all = await trail.read({ limit: 1_000 });
    expect(all).toHaveLength(100);
    expect(all[0]).toEqual(entry(249));
    expect(all[99]).toEqual(entry(150));
  });
});
