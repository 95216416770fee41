import { ApolloServer } from '@apollo/server';
import type { GraphQLResolveInfo } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALL_RIGHTS, type Consumer } from '../../src/domain/index.js';
import { createContext, type GraphQLContext } from '../../src/graphql/context.js';
import { createSchema } from '../../src/graphql/schema.js';
import { StaleTracker } from '../../src/graphql/stale.js';
import { MarketCache } from '../../src/market/cache/cache.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import { MarketService } from '../../src/market/service.js';
import { markServedStale } from '../../src/market/staleness.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { staleAnswers } from '../../src/server/stale-plugin.js';
import { QuoteHub } from '../../src/streaming/hub.js';
import { StaleAnswersDocument, type StaleAnswersQuery, type StaleAnswersQueryVariables } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

/**
 * Stale marking through the real schema, resolvers, loaders and Apollo plugin, in process: a
 * market service on FMP (fake upstream) with a cache whose entries go stale 50 ms after they were
 * stored, by a clock the test moves (so they never go stale mid-query on a slow machine, nor need
 * a sleep to). One query touches every kind of stale answer: objects, list items, whole lists,
 * nested fields, an alias.
 */

/** A resolver's `info` with only the path the tracker reads. */
function infoAt(...keys: Array<string | number>): GraphQLResolveInfo {
  let path: { prev: unknown; key: string | number; typename: undefined } | undefined;
  for (const key of keys) path = { prev: path, key, typename: undefined };
  return { path } as unknown as GraphQLResolveInfo;
}

describe('StaleTracker', () => {
  it('notes nothing, and allocates no list, for fresh answers', () => {
    const tracker = new StaleTracker();
    tracker.note({ symbol: 'AAPL', stale: false }, infoAt('quote'));
    tracker.note([{ stale: false }], infoAt('priceHistory'));
    tracker.note(null, infoAt('company'));
    tracker.noteItems([{ stale: false }, new Error('x')], infoAt('quotes'));
    expect(tracker.isEmpty).toBe(true);
    expect(tracker.paths).toEqual([]);
  });

  it('names stale objects and stale lists by their path, stale list items by path and index', () => {
    const tracker = new StaleTracker();
    tracker.note(markServedStale({ symbol: 'AAPL', stale: false }), infoAt('company', 'quote'));
    tracker.note(markServedStale([{ date: '2025-01-02' }]), infoAt('history'));
    tracker.noteItems([{ stale: false }, new Error('x'), markServedStale({ stale: false })], infoAt('quotes'));
    expect(tracker.isEmpty).toBe(false);
    expect(tracker.paths).toEqual([['company', 'quote'], ['history'], ['quotes', 2]]);
  });
});

const KEY = 'test-key-0001';
const FRESH_MS = 50;

let upstream: FakeUpstream;
let apollo: ApolloServer<GraphQLContext>;
let context: () => GraphQLContext;
/** The cache's clock. */
let now = Date.now();

function serveFixtures(): void {
  const fmp = (path: string) => ({ json: fixture(`fmp/stable/${path}`) });
  upstream.on({ path: '/stable/quote', query: { symbol: 'AAPL' } }, fmp('quote-aapl.json'));
  upstream.on({ path: '/stable/quote', query: { symbol: 'BRK-B' } }, fmp('quote-brk-b.json'));
  upstream.on({ path: '/stable/profile', query: { symbol: 'AAPL' } }, fmp('profile-aapl.json'));
  upstream.on({ path: '/stable/income-statement', query: { symbol: 'AAPL' } }, fmp('income-statement-aapl-annual.json'));
  upstream.on({ path: '/stable/historical-price-eod/full', query: { symbol: 'AAPL' } }, fmp('historical-eod-aapl.json'));
  upstream.on({ path: '/stable/search-symbol' }, fmp('search-symbol-aapl.json'));
  upstream.on({ path: '/stable/search-name' }, { json: [] });
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const fmp = createFmpProvider({ baseUrl: upstream.url, keys: [KEY], timeoutMs: 2_000, api: 'stable', batchQuotes: false });
  const registry = new ProviderRegistry([fmp]);
  const cache = new MarketCache({
    maxEntries: 1_000,
    ttlMs: { quote: FRESH_MS, history: FRESH_MS, profile: FRESH_MS, statements: FRESH_MS, search: FRESH_MS, economicSeries: FRESH_MS },
    staleWindowMs: 60_000,
    now: () => now,
  });
  const market = new MarketService({ registry, cache, chainBudgetMs: 1_000 });
  const hub = new QuoteHub({ source: undefined });
  // Every right, so each field of the query runs and can be served stale.
  const operator: Consumer = { id: 'test-operator', profile: 'admin', rights: new Set(ALL_RIGHTS), anonymous: false };
  context = () => createContext({ market, providers: registry, hub }, operator);
  apollo = new ApolloServer<GraphQLContext>({ schema: await createSchema(), plugins: [staleAnswers()] });
  await apollo.start();
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await apollo?.stop();
  await upstream?.close();
});

async function run(contextValue: GraphQLContext) {
  const response = await apollo.executeOperation<StaleAnswersQuery, StaleAnswersQueryVariables>(
    {
      query: StaleAnswersDocument,
      variables: { symbol: 'AAPL', symbols: ['ZZZZ', 'AAPL'], search: 'AAPL', from: '2025-01-27', to: '2025-02-11' },
    },
    { contextValue },
  );
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { header: response.http.headers.get('x-data-stale'), result: response.body.singleResult };
}

const byPath = (a: readonly unknown[], b: readonly unknown[]) => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe('stale answers in a GraphQL response', () => {
  it('are listed in extensions.stale with X-Data-Stale when providers fail, and fresh answers carry neither', async () => {
    serveFixtures();
    upstream.on({ path: '/stable/quote', query: { symbol: 'ZZZZ' } }, { json: [] });
    const fresh = await run(context());
    expect(fresh.result.data?.company).toMatchObject({ symbol: 'AAPL', stale: false, quote: { stale: false } });
    expect(fresh.result.data?.search).toEqual([{ symbol: 'AAPL', company: { symbol: 'AAPL', stale: false } }]);
    expect(fresh.result.data?.history).toHaveLength(12);
    expect(fresh.result.extensions?.['stale']).toBeUndefined();
    expect(fresh.header).toBeUndefined();

    now += FRESH_MS + 30;
    upstream.reset();
    upstream.on({ path: '/stable/quote' }, { status: 503, json: {} });
    upstream.on({ path: '/stable/profile' }, { status: 503, json: {} });
    upstream.on({ path: '/stable/income-statement' }, { fault: 'html', status: 502 });
    upstream.on({ path: '/stable/historical-price-eod/full' }, { fault: 'reset' });
    upstream.on({ path: '/stable/search-symbol' }, { fault: 'malformed' });
    upstream.on({ path: '/stable/search-name' }, { fault: 'malformed' });

    const tracked = context();
    const stale = await run(tracked);
    expect(stale.result.data).toMatchObject({
      quote: { symbol: 'AAPL', stale: true },
      quotes: [null, { symbol: 'AAPL', stale: true }],
      company: { symbol: 'AAPL', stale: true, quote: { stale: true }, financials: [{ stale: true }, { stale: true }] },
      search: [{ symbol: 'AAPL', company: { stale: true } }],
    });
    expect(stale.result.data?.history).toEqual(fresh.result.data?.history);
    // ZZZZ was never answered, so it has nothing stale to offer: an error at its index.
    expect(stale.result.errors).toEqual([expect.objectContaining({ path: ['quotes', 0], extensions: expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE' }) })]);
    const expected = [
      ['quote'],
      ['quotes', 1],
      ['company'],
      ['company', 'quote'],
      ['company', 'financials'],
      ['history'],
      ['search'],
      ['search', 0, 'company'],
    ];
    expect([...(stale.result.extensions?.['stale'] as unknown[][])].sort(byPath)).toEqual([...expected].sort(byPath));
    expect(stale.header).toBe('true');
    expect(tracked.stale.paths).toHaveLength(expected.length);
  });

  it('are tracked per request: a fresh context starts with nothing noted', () => {
    expect(context().stale.isEmpty).toBe(true);
  });
});
