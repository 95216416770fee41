import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALL_RIGHTS, ANONYMOUS_PUBLIC, type Consumer } from '../../src/domain/index.js';
import { createContext, type GraphQLContext } from '../../src/graphql/context.js';
import { createSchema } from '../../src/graphql/schema.js';
import { MarketCache, type CacheKind } from '../../src/market/cache/cache.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import { MarketService } from '../../src/market/service.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { CACHE_HEADER, responseCache } from '../../src/server/response-cache/plugin.js';
import { responseStore, type ResponseStore } from '../../src/server/response-cache/store.js';
import { staleAnswers } from '../../src/server/stale-plugin.js';
import { QuoteHub } from '../../src/streaming/hub.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { adminRedis, closeAdmin, type AdminRedis } from '../support/shared-redis.js';

/**
 * The whole-response cache through the real schema, resolvers, loaders and Apollo, in process,
 * with its entries in a real Redis on 127.0.0.1:6379 under a prefix of this run. Each "instance"
 * is a market service with a cache of its own on FMP (a fake upstream that counts calls) and an
 * Apollo server with the plugin; instances share only Redis, as gateway processes do. Consumers
 * with different rights are built here, as src/auth would build them from credentials.
 *
 * Freshness is judged on a clock the test moves (`clockMs`, shared by the market caches and the
 * plugin, which checks an entry's own expiry on every lookup), and the writes the plugin starts
 * without awaiting them are counted and awaited through the store: no sleep stands in for either.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const prefix = `mgtest:response-cache:${randomUUID()}`;
const KEY = 'test-key-0001';
const LONG = 60_000;
/** The clock of every instance's market cache and response cache, moved by the tests. */
let clockMs = Date.now();
const clock = () => clockMs;

let upstream: FakeUpstream;
let admin: AdminRedis;
const stores: Keyv[] = [];
const servers: ApolloServer<GraphQLContext>[] = [];

interface Instance {
  run(query: string, options?: { readonly consumer?: Consumer; readonly variables?: Record<string, unknown> }): Promise<Answer>;
  readonly lookups: { hit: number; miss: number };
  /** Writes the plugin has started (it starts them before the response is sent, and never awaits them). */
  writes(): number;
  /** Resolves once every write started so far has landed in Redis. */
  written(): Promise<void>;
}

interface Answer {
  readonly cache: string | undefined;
  readonly age: string | undefined;
  readonly stale: string | undefined;
  readonly data: Record<string, unknown> | null | undefined;
  readonly errors: readonly unknown[] | undefined;
}

async function instance(ttl: number, staleWindowMs = 0, revalidateWindowMs = 0): Promise<Instance> {
  const fmp = createFmpProvider({ baseUrl: upstream.url, keys: [KEY], timeoutMs: 2_000, api: 'stable', batchQuotes: false });
  const registry = new ProviderRegistry([fmp]);
  const ttlMs: Record<CacheKind, number> = { quote: ttl, history: ttl, profile: ttl, statements: ttl, search: ttl, economicSeries: ttl };
  const cache = new MarketCache({ maxEntries: 1_000, ttlMs, staleWindowMs, revalidateWindowMs: { quote: revalidateWindowMs }, now: clock });
  const market = new MarketService({ registry, cache, chainBudgetMs: 1_000 });
  const hub = new QuoteHub({ source: undefined });
  // keyv hands its namespace to the store, which writes `<namespace>::<key>`.
  const keyv = new Keyv({ store: new KeyvRedis(REDIS_URL), namespace: prefix, useKeyPrefix: false });
  stores.push(keyv);
  const lookups = { hit: 0, miss: 0 };
  const redisStore = responseStore(keyv, { onError: (error) => expect.fail(`store failed: ${String(error)}`) });
  const writes: Array<Promise<void>> = [];
  const store: ResponseStore = {
    get: (key) => redisStore.get(key),
    set: (key, value, ttlMs) => {
      // Redis expires keys on its own, real clock; the plugin judges an entry by its `expiresAt`
      // on the test's clock. A margin keeps a short-lived entry from vanishing in Redis while a
      // slow machine is still between two steps of a test.
      const writing = redisStore.set(key, value, ttlMs + LONG);
      writes.push(writing);
      return writing;
    },
  };
  const apollo = new ApolloServer<GraphQLContext>({
    schema: await createSchema(),
    plugins: [staleAnswers(), responseCache({ store, ttlMs, onLookup: (result) => (lookups[result] += 1), now: clock })],
  });
  await apollo.start();
  servers.push(apollo);
  return {
    lookups,
    writes: () => writes.length,
    written: async () => {
      await Promise.all(writes);
    },
    async run(query, options = {}) {
      const contextValue = createContext({ market, providers: registry, hub }, options.consumer ?? ANONYMOUS_PUBLIC);
      const response = await apollo.executeOperation({ query, variables: options.variables }, { contextValue });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const { data, errors } = response.body.singleResult;
      const headers = response.http.headers;
      return { cache: headers.get(CACHE_HEADER), age: headers.get('age'), stale: headers.get('x-data-stale'), data, errors };
    },
  };
}

function serveFixtures(): void {
  const fmp = (path: string) => ({ json: fixture(`fmp/stable/${path}`) });
  upstream.on({ path: '/stable/quote', query: { symbol: 'AAPL' } }, fmp('quote-aapl.json'));
  upstream.on({ path: '/stable/quote', query: { symbol: 'ZZZZ' } }, { json: [] });
  upstream.on({ path: '/stable/profile', query: { symbol: 'AAPL' } }, fmp('profile-aapl.json'));
}

const QUOTE = 'query Quote($symbol: String!) { quote(symbol: $symbol) { symbol price source stale } }';
const quoteCalls = () => upstream.count({ path: '/stable/quote' });

beforeAll(async () => {
  upstream = await startFakeUpstream();
  admin = adminRedis(REDIS_URL);
});
beforeEach(() => {
  clockMs = Date.now();
});
afterEach(async () => {
  upstream.reset();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  await Promise.all(stores.splice(0).map((store) => store.disconnect()));
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(keys);
});
afterAll(async () => {
  await upstream?.close();
  closeAdmin(admin);
});

describe('the response cache', () => {
  it('answers a repeated query from Redis, on any instance, without executing it', async () => {
    serveFixtures();
    const [one, two] = [await instance(LONG), await instance(LONG)];
    const first = await one.run(QUOTE, { variables: { symbol: 'AAPL' } });
    expect(first).toMatchObject({ cache: 'MISS', data: { quote: { symbol: 'AAPL', stale: false } } });
    expect(quoteCalls()).toBe(1);
    // The write is not awaited by the response: await it here.
    expect(one.writes()).toBe(1);
    await one.written();
    expect(await admin.keys(`${prefix}*`)).toHaveLength(1);

    const again = await one.run(QUOTE, { variables: { symbol: 'AAPL' } });
    expect(again.cache).toBe('HIT');
    expect(again.age).toBe('0');
    expect(again.data).toEqual(first.data);

    // A second instance has an empty market cache: only the shared response spares the provider.
    const elsewhere = await two.run(QUOTE, { variables: { symbol: 'AAPL' } });
    expect(elsewhere).toMatchObject({ cache: 'HIT', data: first.data });
    expect(quoteCalls()).toBe(1);
    expect(two.lookups).toEqual({ hit: 1, miss: 0 });

    // Other variables are another answer.
    const other = await two.run(QUOTE, { variables: { symbol: 'ZZZZ' } });
    expect(other.cache).toBe('MISS');
  });

  it('never shares an answer between consumers with different rights, and shares it between equal ones', async () => {
    serveFixtures();
    const gateway = await instance(LONG);
    const everything: Consumer = { id: 'analyst-1', profile: 'pro', rights: new Set(ALL_RIGHTS), anonymous: false };
    const alsoPublic: Consumer = { id: 'reader-7', profile: 'public', rights: new Set(ANONYMOUS_PUBLIC.rights), anonymous: false };

    expect((await gateway.run(QUOTE, { variables: { symbol: 'AAPL' } })).cache).toBe('MISS');
    expect((await gateway.run(QUOTE, { variables: { symbol: 'AAPL' }, consumer: everything })).cache).toBe('MISS');
    expect((await gateway.run(QUOTE, { variables: { symbol: 'AAPL' }, consumer: everything })).cache).toBe('HIT');
    expect((await gateway.run(QUOTE, { variables: { symbol: 'AAPL' }, consumer: alsoPublic })).cache).toBe('HIT');
    expect(gateway.writes()).toBe(2);
    await gateway.written();
    expect(await admin.keys(`${prefix}*`)).toHaveLength(2);
  });

  it('does not keep answers with errors', async () => {
    serveFixtures();
    const gateway = await instance(LONG);
    for (let round = 0; round < 2; round++) {
      const answer = await gateway.run(QUOTE, { variables: { symbol: 'ZZZZ' } });
      expect(answer.cache).toBe('MISS');
      expect(answer.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
    }
    // A write would have been started before the response was sent: none was.
    expect(gateway.writes()).toBe(0);
    expect(await admin.keys(`${prefix}*`)).toHaveLength(0);
  });

  it('does not keep stale answers', async () => {
    serveFixtures();
    const gateway = await instance(50, LONG);
    expect((await gateway.run(QUOTE, { variables: { symbol: 'AAPL' } })).cache).toBe('MISS');
    clockMs += 80;
    upstream.reset();
    upstream.on({ path: '/stable/quote' }, { status: 503, json: {} });
    for (let round = 0; round < 2; round++) {
      const answer = await gateway.run(QUOTE, { variables: { symbol: 'AAPL' } });
      expect(answer).toMatchObject({ cache: 'MISS', stale: 'true', data: { quote: { stale: true } } });
    }
    // Only the fresh answer was written.
    expect(gateway.writes()).toBe(1);
  });

  it('does not keep an answer read inside the revalidation window: not stale, but past its freshness', async () => {
    serveFixtures();
    const gateway = await instance(200, 0, LONG);
    const consumer: Consumer = { id: 'trader-1', profile: 'pro', rights: new Set(ALL_RIGHTS), anonymous: false };
    expect((await gateway.run(QUOTE, { variables: { symbol: 'AAPL' }, consumer })).cache).toBe('MISS');
    expect(gateway.writes()).toBe(1);
    // Past the quote's freshness (and the stored answer's): inside the revalidation window.
    clockMs += 250;

    const held = await gateway.run(QUOTE, { variables: { symbol: 'AAPL' }, consumer });
    // Its background refresh, awaited so that it lands in this test.
    await expect.poll(quoteCalls, { timeout: 5_000, interval: 5 }).toBe(2);
    expect(held).toMatchObject({ cache: 'MISS', stale: undefined, data: { quote: { symbol: 'AAPL', stale: false } } });
    // No write for the held answer (it would have been started before the response was sent).
    expect(gateway.writes()).toBe(1);
  });

  it('keeps no answer past the freshness of the market-cache entries it was made of', async () => {
    serveFixtures();
    const gateway = await instance(400);
    // Realtime quotes: the market cache's own entries (delayed ones are picked from snapshots).
    const consumer: Consumer = { id: 'trader-1', profile: 'pro', rights: new Set(ALL_RIGHTS), anonymous: false };
    await gateway.run('{ quote(symbol: "AAPL") { price } }', { consumer });
    expect(quoteCalls()).toBe(1);
    clockMs += 200;
    // Answered from the market cache with a quote fetched 200 ms ago: 200 ms of freshness left.
    const shape = '{ quote(symbol: "AAPL") { symbol price } }';
    expect((await gateway.run(shape, { consumer })).cache).toBe('MISS');
    expect((await gateway.run(shape, { consumer })).cache).toBe('HIT');
    clockMs += 250;
    // Past the quote's freshness (a response kept a full TTL from when it was stored would still hit).
    expect((await gateway.run(shape, { consumer })).cache).toBe('MISS');
    expect(quoteCalls()).toBe(2);
  });

  it('leaves provider status, and a query of no market data, to execution', async () => {
    serveFixtures();
    const gateway = await instance(LONG);
    for (const query of ['{ providers { id calls } }', '{ __typename }', '{ quote(symbol: "AAPL") { price } providers { id } }']) {
      for (let round = 0; round < 2; round++) expect((await gateway.run(query)).cache).toBeUndefined();
    }
    expect(gateway.lookups).toEqual({ hit: 0, miss: 0 });
  });
});
