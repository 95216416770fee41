import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QuoteAgeDocument, QuoteDocument, QuotesDocument } from '../generated/graphql.js';
import { metric, sleep } from '../chaos/helpers.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { pollUntil } from '../support/timing.js';
import { ownRedis, type OwnRedis } from './redis-server.js';
import { adminRedis, closeAdmin, type AdminRedis } from '../support/shared-redis.js';

/**
 * The cache tiers in spawned gateways (`dist/bundle/main.js`; run `npm run build` first) on the
 * simulated market: two gateways sharing L2 on the real Redis at 127.0.0.1:6379 (a prefix of
 * the run's own), and one gateway whose Redis (a redis-server of the test's own) is down at
 * start-up, comes up, dies under load and comes back. The response cache is off, so every
 * answer goes through the market cache this is about.
 */

const SHARED_REDIS = 'redis://127.0.0.1:6379';
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AVGO', 'TSM', 'ORCL', 'SAP', 'PLTR', 'ASML', 'CSCO', 'IBM', 'CRM', 'AMD', 'INTU', 'NOW', 'TXN'];
const base = { PROVIDERS: 'simulated', RESPONSE_CACHE: 'false', CACHE_REDIS_TIMEOUT_MS: '200' };
/**
 * These tests start their gateways themselves (up to two, each allowed 20 s to be ready) and run
 * load through them: on a loaded machine that outgrows the default 20 s a test gets.
 */
const SPAWNING_TEST = { timeout: 60_000 };

let admin: AdminRedis;
const gateways: SpawnedGateway[] = [];
const prefixes: string[] = [];

beforeAll(() => {
  admin = adminRedis(SHARED_REDIS);
});
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
  for (const prefix of prefixes.splice(0)) {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(keys);
  }
});
afterAll(() => {
  closeAdmin(admin);
});

async function gateway(env: Record<string, string>): Promise<SpawnedGateway> {
  const started = await spawnGateway({ ...base, ...env });
  gateways.push(started);
  return started;
}

async function readyz(gateway: SpawnedGateway): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.origin}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const until = (condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> => pollUntil(condition, timeoutMs, () => sleep(50));

const quoteCalls = (gateway: SpawnedGateway) => metric(gateway, 'provider_requests_total', { provider: 'simulated', capability: 'quote', status: 'ok' });
const lookups = (gateway: SpawnedGateway, tier: string, result: string) => metric(gateway, 'cache_requests_total', { kind: 'quote', tier, result });

describe('two gateways sharing the L2 cache', SPAWNING_TEST, () => {
  it('answer the second gateway from Redis without a provider call, remember unknown symbols, and count both tiers', async () => {
    const prefix = `mgtest:gwcache:${randomUUID()}`;
    prefixes.push(prefix);
    const env = { REDIS_URL: SHARED_REDIS, REDIS_PREFIX: prefix };
    const [one, two] = await Promise.all([gateway(env), gateway(env)]);
    const ready = one.logs.find((entry) => String(entry['msg']).startsWith('marketgraph ready'));
    expect(String(ready?.['msg'])).toContain('cache: memory+redis');
    expect((await readyz(one)).body['cache']).toBe('memory+redis');

    const first = await execute(one.url, QuoteDocument, { symbol: 'AAPL' });
    expect(first.data?.quote).toMatchObject({ symbol: 'AAPL', source: 'simulated', stale: false });
    expect(await quoteCalls(one)).toBe(1);
    await until(async () => (await admin.exists(`${prefix}:cache::quote:AAPL`)) === 1, 3_000);

    const second = await execute(two.url, QuoteDocument, { symbol: 'AAPL' });
    expect(second.data?.quote).toEqual(first.data?.quote);
    expect(await quoteCalls(two)).toBeUndefined();
    expect(await lookups(two, 'l1', 'miss')).toBe(1);
    expect(await lookups(two, 'l2', 'hit')).toBe(1);
    await execute(two.url, QuoteDocument, { symbol: 'AAPL' });
    expect(await lookups(two, 'l1', 'hit')).toBe(1);
    expect(await metric(two, 'cache_entries', { tier: 'l1' })).toBe(1);
    expect(await metric(two, 'cache_entries', { tier: 'l2' })).toBe(1);

    // An unknown symbol: one provider call in the whole cluster, for the negative TTL.
    // (The simulated market answers a batch call, with NOT_FOUND for that symbol inside it.)
    const unknown = await execute(one.url, QuoteDocument, { symbol: 'ZZZZQ' });
    expect(unknown.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect(await quoteCalls(one)).toBe(2);
    await until(async () => (await admin.exists(`${prefix}:cache::quote:ZZZZQ`)) === 1);
    for (const node of [one, two]) {
      const again = await execute(node.url, QuoteDocument, { symbol: 'ZZZZQ' });
      expect(again.errors?.[0]).toMatchObject({ message: unknown.errors?.[0]?.message, extensions: { code: 'NOT_FOUND' } });
    }
    expect(await quoteCalls(one)).toBe(2);
    expect(await quoteCalls(two)).toBeUndefined();
  });

  it('answer a quote past its freshness at once while one refresh runs: not stale (no extensions.stale, no X-Data-Stale), only older', async () => {
    const prefix = `mgtest:gwcache:${randomUUID()}`;
    prefixes.push(prefix);
    const node = await gateway({ REDIS_URL: SHARED_REDIS, REDIS_PREFIX: prefix, CACHE_TTL_QUOTES: '1', CACHE_STALE_QUOTES: '60' });
    const fresh = await execute(node.url, QuoteAgeDocument, { symbol: 'MSFT' });
    expect(fresh.data?.quote?.stale).toBe(false);
    // Past its 1 s freshness in the gateway (time passing, one-sided: a slower machine waits longer,
    // and the quote stays within its 60 s revalidation window).
    await sleep(1_100);

    // Inside the revalidation window with a healthy provider: the cached quote, a normal answer that says how old it is.
    const held = await execute(node.url, QuoteAgeDocument, { symbol: 'MSFT' });
    expect(held.errors).toBeUndefined();
    expect(held.data?.quote).toMatchObject({ symbol: 'MSFT', price: fresh.data?.quote?.price, asOf: fresh.data?.quote?.asOf, stale: false });
    expect(held.data?.quote?.age).toBeGreaterThanOrEqual(1);
    expect(held.data?.quote?.age).toBeGreaterThan(fresh.data?.quote?.age ?? Number.POSITIVE_INFINITY);
    expect(held.headers.get('x-data-stale')).toBeNull();
    expect(held.extensions?.['stale']).toBeUndefined();
    expect(await lookups(node, 'l1', 'stale')).toBe(1);
    expect(await metric(node, 'stale_answers_total', { kind: 'quote' })).toBeUndefined();

    // One background refresh, and the next read is a fresh hit.
    await until(async () => (await quoteCalls(node)) === 2);
    const next = await execute(node.url, QuoteAgeDocument, { symbol: 'MSFT' });
    expect(next.data?.quote?.stale).toBe(false);
    expect(await lookups(node, 'l1', 'stale')).toBe(1);
    expect(await quoteCalls(node)).toBe(2);
  });
});

describe('a gateway whose Redis fails', SPAWNING_TEST, () => {
  let redis: OwnRedis;
  afterEach(async () => {
    await redis?.stop();
  });

  it('starts on L1 when Redis is down, takes up L2 when it comes, and fails no query when it dies under load', async () => {
    redis = await ownRedis();
    const prefix = `mgtest:gwfaults:${randomUUID()}`;
    // A Redis timeout a loaded machine does not trip (200 ms did, and told outages of its own): the
    // outages told are then the two this test makes. A stopped Redis fails commands at once anyway.
    const node = await gateway({ REDIS_URL: redis.url, REDIS_PREFIX: prefix, CACHE_REDIS_TIMEOUT_MS: '2000' });
    const ready = node.logs.find((entry) => String(entry['msg']).startsWith('marketgraph ready'));
    expect(String(ready?.['msg'])).toContain('cache: memory (redis unavailable, L1 only)');
    expect(ready?.['cache']).toBe('memory (redis unavailable, L1 only)');
    expect(await readyz(node)).toEqual({ status: 200, body: expect.objectContaining({ status: 'ready', cache: 'memory (redis unavailable, L1 only)' }) });
    expect((await execute(node.url, QuoteDocument, { symbol: 'AAPL' })).data?.quote?.symbol).toBe('AAPL');

    await redis.start();
    await until(async () => (await readyz(node)).body['cache'] === 'memory+redis');
    const own = adminRedis(redis.url);
    try {
      await execute(node.url, QuoteDocument, { symbol: 'MSFT' });
      // Written after the answer is sent: a cache write never delays a client.
      await until(async () => (await own.exists(`${prefix}:cache::quote:MSFT`)) === 1, 3_000);
    } finally {
      closeAdmin(own);
    }

    // Load across many symbols (misses and writes as well as hits) while Redis dies and comes back.
    let running = true;
    const failures: unknown[] = [];
    let answered = 0;
    const client = async (offset: number) => {
      for (let round = 0; running; round++) {
        const symbols = [SYMBOLS[(offset + round) % SYMBOLS.length] as string, SYMBOLS[(offset + round * 3) % SYMBOLS.length] as string];
        try {
          const answer = await execute(node.url, QuotesDocument, { symbols });
          if (answer.status !== 200 || answer.errors || answer.data?.quotes?.some((quote) => quote === null)) failures.push(answer.errors ?? answer.status);
          else answered += 1;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const clients = Array.from({ length: 6 }, (_, offset) => client(offset));
    // Under way on Redis: some answers in before it dies.
    await until(() => answered >= 20);
    await redis.stop();
    await until(async () => (await readyz(node)).body['cache'] === 'memory (redis unavailable, L1 only)');
    // The outage lasts until the clients had 20 more answers: queries go on being answered without
    // Redis (a gateway waiting for it would answer none, and this would time out). Counted in
    // answers rather than in ms, since a loaded machine slows the gateway, not the test's timer.
    const answeredAtOutage = answered;
    await until(() => answered >= answeredAtOutage + 20);
    await redis.start();
    await until(async () => (await readyz(node)).body['cache'] === 'memory+redis');
    // And go on once it is back.
    const answeredAtReturn = answered;
    await until(() => answered >= answeredAtReturn + 20);
    running = false;
    await Promise.all(clients);

    expect(failures).toEqual([]);
    const messages = node.logs.map((entry) => String(entry['msg']));
    expect(messages.filter((message) => message.startsWith('cache L2 (Redis) unavailable'))).toHaveLength(2);
    expect(messages.filter((message) => message.startsWith('cache L2 (Redis) back'))).toHaveLength(2);
  });
});
