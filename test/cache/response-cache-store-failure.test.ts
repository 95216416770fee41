import { createHash } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_RIGHTS, type Consumer } from '../../src/domain/index.js';
import { createContext, type GraphQLContext } from '../../src/graphql/context.js';
import { createSchema } from '../../src/graphql/schema.js';
import { MarketCache, type CacheKind } from '../../src/market/cache/cache.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import { MarketService } from '../../src/market/service.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';
import { CACHE_HEADER, responseCache } from '../../src/server/response-cache/plugin.js';
import { persistedQueryCache, responseStore } from '../../src/server/response-cache/store.js';
import { QuoteHub } from '../../src/streaming/hub.js';
import { sparePort } from './redis-server.js';

/**
 * A shared store that fails on every call: a real keyv on @keyv/redis pointed at a port where no
 * Redis listens, set to reject (the gateway's own tiers never reject; this is the adapters' last
 * line). Persisted queries and the response cache must then act as misses, and every request must
 * still be answered.
 */

const QUERY = '{ quote(symbol: "AAPL") { symbol price } }';
const HASH = createHash('sha256').update(QUERY).digest('hex');

let apollo: ApolloServer<GraphQLContext>;
let keyv: Keyv;
let context: () => GraphQLContext;
const failures: string[] = [];

beforeAll(async () => {
  const store = new KeyvRedis(`redis://127.0.0.1:${await sparePort()}`, { throwOnErrors: true, throwOnConnectError: true, connectionTimeout: 200 });
  keyv = new Keyv({ store, namespace: 'mgtest:failing', useKeyPrefix: false, throwOnErrors: true });
  keyv.on('error', () => undefined);
  const guard = { onError: (_error: unknown, operation: string) => failures.push(operation) };
  const simulated = createSimulatedProvider({ seed: 42, tickMs: 1_000 });
  const registry = new ProviderRegistry([simulated]);
  const ttlMs: Record<CacheKind, number> = { quote: 60_000, history: 60_000, profile: 60_000, statements: 60_000, search: 60_000, economicSeries: 60_000 };
  const market = new MarketService({ registry, cache: new MarketCache({ maxEntries: 100, ttlMs }), chainBudgetMs: 1_000 });
  const hub = new QuoteHub({ source: undefined });
  // Realtime quotes, straight from the simulated market (delayed ones need 15 minutes of history).
  const consumer: Consumer = { id: 'trader-1', profile: 'pro', rights: new Set(ALL_RIGHTS), anonymous: false };
  context = () => createContext({ market, providers: registry, hub }, consumer);
  apollo = new ApolloServer<GraphQLContext>({
    schema: await createSchema(),
    persistedQueries: { cache: persistedQueryCache(keyv, guard), ttl: 60 },
    plugins: [responseCache({ store: responseStore(keyv, guard), ttlMs })],
  });
  await apollo.start();
});
afterAll(async () => {
  await apollo?.stop();
  await keyv?.disconnect().catch(() => undefined);
});

async function run(request: { query?: string; extensions?: Record<string, unknown> }) {
  const response = await apollo.executeOperation(request, { contextValue: context() });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { cache: response.http.headers.get(CACHE_HEADER), ...response.body.singleResult };
}

describe('with a shared store that fails', () => {
  it('persisted queries ask for the text again instead of failing, and answer with it', async () => {
    const persisted = { persistedQuery: { version: 1, sha256Hash: HASH } };
    const unknown = await run({ extensions: persisted });
    expect(unknown.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_FOUND' }) })]);
    const answered = await run({ query: QUERY, extensions: persisted });
    expect(answered.errors).toBeUndefined();
    expect(answered.data).toMatchObject({ quote: { symbol: 'AAPL' } });
  });

  it('every query is executed and answered, as a miss', async () => {
    failures.length = 0;
    for (let round = 0; round < 2; round++) {
      const answer = await run({ query: QUERY });
      expect(answer.errors).toBeUndefined();
      expect(answer).toMatchObject({ cache: 'MISS', data: { quote: { symbol: 'AAPL' } } });
    }
    expect(failures).toContain('get');
    // The writes are not awaited by the response: wait for their failure to be told.
    await expect.poll(() => failures.includes('set'), { timeout: 5_000, interval: 10 }).toBe(true);
  });
});
