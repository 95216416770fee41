import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { keyId } from '../../src/resilience/quota.js';
import { ownRedis } from '../cache/redis-server.js';
import { apiKeyEntry, post, type Answer } from '../limits/support.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { keysUnder, SHARED_REDIS_URL, uniquePrefix, type Closable, adminRedis, closeAdmin, type AdminRedis } from '../support/shared-redis.js';

/**
 * REDIS_PREFIX keeps every key a gateway writes (the cache with persisted queries, responses and
 * single-flight, quotas per API key, consumer budgets, dead letters, the audit stream) under one
 * prefix, so test runs, or deployments, that share one Redis share no state, and removing the
 * prefix removes all of it. Gateways are spawned from dist/ (run `npm run build` first), on FMP
 * served by a fake upstream, called with an API key and a provider key of this run's own.
 */

const QUOTE = { path: '/stable/quote', query: { symbol: 'AAPL' } };
const QUERY = 'query Q { quote(symbol: "AAPL") { symbol price stale } }';
const API_KEY = `mg_test_redis_prefix_${randomBytes(8).toString('hex')}`;
const CONSUMER = `prefix-consumer-${randomBytes(4).toString('hex')}`;

/** Gateways, upstreams, Redis servers and connections of the running test, closed after it, in reverse. */
const opened: Closable[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await ('close' in item ? item.close() : item.stop());
});

async function upstreamServing(): Promise<FakeUpstream> {
  const upstream = await startFakeUpstream();
  opened.push(upstream);
  return upstream;
}

async function gateway(upstream: FakeUpstream, env: Record<string, string>): Promise<SpawnedGateway> {
  const started = await spawnGateway({
    PROVIDERS: 'fmp',
    FMP_BASE_URL: upstream.url,
    AUTH_API_KEYS: apiKeyEntry(API_KEY, CONSUMER, 'pro'),
    ...env,
  });
  opened.push(started);
  return started;
}

function connect(url: string): AdminRedis {
  const client = adminRedis(url);
  opened.push({ close: async () => closeAdmin(client) });
  return client;
}

const quote = (gateway: SpawnedGateway): Promise<Answer> => post(gateway.url, QUERY, undefined, { 'x-api-key': API_KEY });

/** Every key fitting `pattern` in the whole database, by SCAN. */
async function scanAll(client: AdminRedis, pattern = '*'): Promise<string[]> {
  const keys = new Set<string>();
  for await (const page of client.scanIterator({ MATCH: pattern, COUNT: 1_000 })) for (const key of page) keys.add(key);
  return [...keys];
}

/** The family of a key under `prefix`: `cache`, `quota`, `throttle`, `dlq`, `audit`. */
const familyOf = (prefix: string, key: string): string => key.slice(prefix.length + 1).split(':')[0] ?? '';

describe('a gateway with REDIS_PREFIX', () => {
  it('writes the keys of every family under it, none elsewhere, and removing the prefix empties its Redis', async () => {
    // A Redis of this test's own: whatever else the gateway wrote would be there to see.
    const redis = await ownRedis();
    await redis.start();
    opened.push({ close: () => redis.stop() });
    const client = connect(redis.url);
    const upstream = await upstreamServing();
    // FMP answers AAPL once, then is down.
    upstream.on(QUOTE, { status: 503, json: { 'Error Message': 'Service Unavailable' } });
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') }, { times: 1 });
    const prefix = uniquePrefix('redis-prefix');
    const node = await gateway(upstream, {
      FMP_API_KEY: `test-key-${randomBytes(6).toString('hex')}`,
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      CACHE_TTL_QUOTES: '1',
      // No stale-while-revalidate: past freshness FMP is asked, and its failure serves the last resort.
      CACHE_STALE_QUOTES: '0',
      RETRY_MAX: '0',
      BREAKER_THRESHOLD: '100',
      DLQ_RETRY_DELAYS_MS: '10',
    });

    // Fresh: the cache, a response, a single-flight outcome, the key's quota, the consumer's budgets, an audit entry.
    expect((await quote(node)).data).toEqual({ quote: { symbol: 'AAPL', price: 232.8, stale: false } });
    // A persisted query, registered by its text.
    const text = '{ quote(symbol: "AAPL") { symbol } }';
    const registered = await fetch(node.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ query: text, extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(text).digest('hex') } } }),
    });
    expect(registered.status).toBe(200);
    // Past its freshness FMP fails: the stale answer's refresh fails as well and is parked as a dead letter.
    await expect.poll(async () => ((await quote(node)).data?.['quote'] as { stale?: boolean } | null)?.stale, { timeout: 10_000, interval: 200 }).toBe(true);
    await expect.poll(() => client.exists(`${prefix}:dlq:fmp`), { timeout: 10_000 }).toBe(1);
    // Stopped, so the last writes (the audit entries drained at stop) have landed.
    await node.stop();

    const keys = await scanAll(client);
    expect(keys.filter((key) => !key.startsWith(`${prefix}:`))).toEqual([]);
    expect([...new Set(keys.map((key) => familyOf(prefix, key)))].sort()).toEqual(['audit', 'cache', 'dlq', 'quota', 'throttle']);
    expect(keys).toContain(`${prefix}:audit`);
    expect(keys.some((key) => key.startsWith(`${prefix}:cache:apq::`))).toBe(true);

    await client.del(await keysUnder(client, prefix));
    expect(await client.dbSize()).toBe(0);
  });
});

describe('two runs on the shared Redis, each with a prefix of its own', () => {
  const prefixes: string[] = [];
  afterEach(async () => {
    // A run that failed half-way leaves nothing either.
    const admin = adminRedis(SHARED_REDIS_URL);
    try {
      for (const prefix of prefixes.splice(0)) {
        const keys = await keysUnder(admin, prefix);
        if (keys.length > 0) await admin.del(keys);
      }
    } finally {
      closeAdmin(admin);
    }
  });

  it('leave each other their quotas: the second run gets the daily quota the first one spent, and neither leaves a key', async () => {
    const upstream = await upstreamServing();
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });
    const admin = connect(SHARED_REDIS_URL);
    // A provider key of this test's own, so its quota counters can be looked for anywhere in the shared Redis.
    const providerKey = `test-key-${randomBytes(6).toString('hex')}`;

    /** One run: a gateway that spends the key's daily quota of 2 and is asked a third time, then its cleanup. */
    async function run(): Promise<{ outcomes: string[]; spent: string | null; outside: string[]; left: string[] }> {
      const prefix = uniquePrefix('quota-run');
      prefixes.push(prefix);
      const node = await gateway(upstream, {
        FMP_API_KEY: providerKey,
        FMP_QUOTA: '2/day',
        REDIS_URL: SHARED_REDIS_URL,
        REDIS_PREFIX: prefix,
        // Every query asks FMP, and a refused one has no stale answer to fall back on.
        CACHE_TTL_QUOTES: '0',
        STALE_WINDOW: '0',
        RESPONSE_CACHE: 'false',
      });
      const outcomes: string[] = [];
      for (let call = 0; call < 3; call++) {
        const answer = await quote(node);
        outcomes.push(answer.data?.['quote'] ? 'answered' : String(answer.errors?.[0]?.extensions?.['code']));
      }
      await node.stop();
      const spent = await admin.get(`${prefix}:quota:fmp:${keyId(providerKey)}:day`);
      // Keys naming this test's provider key or consumer, wherever in the shared Redis: other
      // tests may write under prefixes of their own meanwhile, but none uses these names.
      const named = [...(await scanAll(admin, `*${keyId(providerKey)}*`)), ...(await scanAll(admin, `*${CONSUMER}*`))];
      const outside = named.filter((key) => !key.startsWith(`${prefix}:`));
      const under = await keysUnder(admin, prefix);
      if (under.length > 0) await admin.del(under);
      return { outcomes, spent, outside, left: await keysUnder(admin, prefix) };
    }

    const first = await run();
    const second = await run();
    expect(first.outcomes).toEqual(['answered', 'answered', 'RATE_LIMITED']);
    expect(second.outcomes).toEqual(first.outcomes);
    // Each run counted its key in Redis, under its own prefix, and nowhere else.
    expect([first.spent, second.spent]).toEqual(['2', '2']);
    expect([first.outside, second.outside]).toEqual([[], []]);
    expect([first.left, second.left]).toEqual([[], []]);
  });
});
