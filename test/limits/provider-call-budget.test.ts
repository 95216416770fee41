import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { SHARED_REDIS_URL, uniquePrefix, useSharedRedis, type Closable } from '../support/shared-redis.js';
import { apiKeyEntry, post, providerCalls, type Answer } from './support.js';

/**
 * The provider-call budget is spent by provider calls and refuses provider calls: a read the cache
 * answers costs none and is never refused, whatever the budget. Issue 12 item 7: with Redis, one
 * client loading a cached delayed `quote` spent the public budget (each of the herds of response-
 * cache misses that Redis's round trips let through priced the quote of 15 minutes ago afresh,
 * one provider call each), and from then on every request, cache hits included, was 429. Each
 * case runs with the budgets in memory and shared through Redis.
 */

const SECRET = 'provider-call-budget-test-secret-0123456789';
const gateways: SpawnedGateway[] = [];
const opened: Closable[] = [];
// Every Redis key a test's gateway writes is under a prefix of the test's own, removed after it.
let prefix = uniquePrefix('pcbudget');
beforeEach(() => {
  prefix = uniquePrefix('pcbudget');
});
useSharedRedis(() => prefix, opened);
afterAll(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
});

async function start(redis: boolean, env: Record<string, string>): Promise<SpawnedGateway> {
  const gateway = await spawnGateway({
    PROVIDERS: 'simulated',
    AUTH_JWT_SECRET: SECRET,
    ...(redis ? { REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefix } : {}),
    ...env,
  });
  gateways.push(gateway);
  opened.push(gateway);
  return gateway;
}

/** `clients` loops posting `query` until `until` resolves; every answer, in arrival order. */
async function load(url: string, query: string, clients: number, until: Promise<unknown>): Promise<Answer[]> {
  let done = false;
  void until.then(() => (done = true));
  const answers: Answer[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (!done) answers.push(await post(url, query));
    }),
  );
  return answers;
}

const stores = [
  ['in memory', false],
  ['shared through Redis', true],
] as const;

describe.each(stores)('with budgets %s', (_store, redis) => {
  it.each([
    ['the response cache on', 'true'],
    ['the response cache off', 'false'],
  ])('a herd loading one cached delayed quote, %s, spends provider calls only when the quote is priced, and is never refused', async (_label, responseCache) => {
    const budget = 10;
    const gateway = await start(redis, {
      NODE_ENV: 'production',
      RESPONSE_CACHE: responseCache,
      // Priced afresh every second: several expiries in one run.
      CACHE_TTL_QUOTES: '1',
      THROTTLE_REQUESTS_PER_MIN: 'public=1000000',
      THROTTLE_PROVIDER_CALLS_PER_MIN: `public=${budget}`,
    });
    const before = await providerCalls(gateway.origin);
    // Over 3 s of quote freshness; every anonymous client of one address shares one budget.
    const answers = await load(gateway.url, '{ quote(symbol: "AAPL") { symbol price delayed } }', 40, new Promise((resolve) => setTimeout(resolve, 3_500)));
    const refused = answers.filter((answer) => answer.status !== 200 || answer.errors !== undefined);
    expect(refused.slice(0, 3)).toEqual([]);
    expect(answers.length).toBeGreaterThan(40);
    expect(answers.every((answer) => (answer.data?.['quote'] as { delayed?: boolean } | undefined)?.delayed === true)).toBe(true);
    // One pricing per second of freshness, a herd of concurrent misses included: far from the budget.
    expect(await providerCalls(gateway.origin)).toBeLessThan(before + budget);
  });

  it('refuses, once spent, only the reads that need a provider: null with RATE_LIMITED at their path, cached reads answered', async () => {
    const key = `mg_test_pcbudget_${redis ? 'redis' : 'memory'}_not_a_secret`;
    const gateway = await start(redis, {
      AUTH_API_KEYS: apiKeyEntry(key, `budget-${prefix.slice(-12)}`, 'basic'),
      THROTTLE_PROVIDER_CALLS_PER_MIN: 'basic=2',
      RESPONSE_CACHE: 'false',
    });
    const basic = { 'x-api-key': key };
    const COMPANY = 'query C($s: String!) { company(symbol: $s) { symbol } }';
    const start0 = await providerCalls(gateway.origin);
    expect((await post(gateway.url, COMPANY, { s: 'NVDA' }, basic)).data).toEqual({ company: { symbol: 'NVDA' } });
    expect((await post(gateway.url, COMPANY, { s: 'AMZN' }, basic)).data).toEqual({ company: { symbol: 'AMZN' } });
    expect(await providerCalls(gateway.origin)).toBe(start0 + 2);

    const MIXED = `{
      cached: company(symbol: "NVDA") { symbol }
      alsoCached: company(symbol: "AMZN") { symbol }
      uncached: company(symbol: "GOOGL") { symbol }
      delayed: quote(symbol: "MSFT") { symbol }
    }`;
    // Asked twice: a spent budget is no reason to refuse the request, nor the next one.
    for (const attempt of [1, 2]) {
      const mixed = await post(gateway.url, MIXED, undefined, basic);
      expect(mixed.status, `attempt ${attempt}`).toBe(200);
      expect(mixed.data).toEqual({ cached: { symbol: 'NVDA' }, alsoCached: { symbol: 'AMZN' }, uncached: null, delayed: null });
      const errors = [...(mixed.errors ?? [])].sort((a, b) => String(a.path).localeCompare(String(b.path)));
      expect(errors.map((error) => [error.path?.join('.'), error.extensions?.['code'], error.extensions?.['budget'], error.extensions?.['limit']])).toEqual([
        ['delayed', 'RATE_LIMITED', 'providerCalls', 2],
        ['uncached', 'RATE_LIMITED', 'providerCalls', 2],
      ]);
      for (const error of errors) expect(Number(error.extensions?.['retryAfter'])).toBeGreaterThanOrEqual(1);
    }
    expect(await providerCalls(gateway.origin)).toBe(start0 + 2);
    // Counted as refusals, one per refused field.
    const metrics = await (await fetch(`${gateway.origin}/metrics`)).text();
    expect(metrics).toContain('graphql_refusals_total{code="RATE_LIMITED",cause="providerCalls"} 4');
  });

  it('charges no one for the background refresh a read inside the revalidation window starts', async () => {
    const key = `mg_test_pcbudget_swr_${redis ? 'redis' : 'memory'}_not_a_secret`;
    const gateway = await start(redis, {
      AUTH_API_KEYS: apiKeyEntry(key, `swr-${prefix.slice(-12)}`, 'pro'),
      THROTTLE_PROVIDER_CALLS_PER_MIN: 'pro=2',
      CACHE_TTL_QUOTES: '1',
      CACHE_STALE_QUOTES: '600',
      RESPONSE_CACHE: 'false',
    });
    const pro = { 'x-api-key': key };
    const QUOTE = 'query Q($s: String!) { realtimeQuote(symbol: $s) { symbol } }';
    const first = await providerCalls(gateway.origin);
    expect((await post(gateway.url, QUOTE, { s: 'AAPL' }, pro)).data).toEqual({ realtimeQuote: { symbol: 'AAPL' } });
    // Past its freshness, each read is answered from the cache and starts one refresh in the background.
    await expect
      .poll(async () => {
        expect((await post(gateway.url, QUOTE, { s: 'AAPL' }, pro)).errors).toBeUndefined();
        return providerCalls(gateway.origin);
      }, { timeout: 10_000, interval: 100 })
      .toBeGreaterThanOrEqual(first + 2);
    // That refresh was nobody's call: the consumer still has the second of its two.
    expect((await post(gateway.url, QUOTE, { s: 'MSFT' }, pro)).data).toEqual({ realtimeQuote: { symbol: 'MSFT' } });
    const spent = await post(gateway.url, QUOTE, { s: 'NVDA' }, pro);
    expect(spent.data).toEqual({ realtimeQuote: null });
    expect(spent.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', budget: 'providerCalls', limit: 2 });
  });
});
