import { ApolloServer } from '@apollo/server';
import { subscribe, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALL_RIGHTS, type Consumer } from '../../src/domain/index.js';
import { createContext, type GraphQLContext } from '../../src/graphql/context.js';
import { createSchema } from '../../src/graphql/schema.js';
import { MarketCache } from '../../src/market/cache/cache.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import { MarketService, type ProviderCallEvent } from '../../src/market/service.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';
import { staleAnswers } from '../../src/server/stale-plugin.js';
import { QuoteHub } from '../../src/streaming/hub.js';
import {
  CompanyAgeDocument,
  LiveQuoteAgeDocument,
  QuoteAgeDocument,
  type CompanyAgeQuery,
  type CompanyAgeQueryVariables,
  type LiveQuoteAgeSubscription,
  type QuoteAgeQuery,
  type QuoteAgeQueryVariables,
} from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

/**
 * `stale` means "the providers were asked and none could answer", not "older than the cache's
 * freshness": through the real schema, resolvers, loaders, hub and Apollo's stale plugin, in
 * process, on a test clock that the cache, the simulated market and the GraphQL context share.
 * The clock starts on a Wednesday mid-session, so simulated prices move whatever day this runs,
 * and moves only when a test moves it: `age` is exact.
 */

const WEDNESDAY = Date.parse('2026-12-02T15:00:00Z');
const FRESH_MS = 5_000;
const WINDOW_MS = 60_000;
const operator: Consumer = { id: 'test-operator', profile: 'admin', rights: new Set(ALL_RIGHTS), anonymous: false };

let clockMs = WEDNESDAY;
let calls: ProviderCallEvent[] = [];
let staleServed = 0;
let schema: GraphQLSchema;
let apollo: ApolloServer<GraphQLContext>;

beforeAll(async () => {
  schema = await createSchema();
  apollo = new ApolloServer<GraphQLContext>({ schema, plugins: [staleAnswers()] });
  await apollo.start();
});
afterAll(async () => {
  await apollo?.stop();
});
beforeEach(() => {
  clockMs = WEDNESDAY;
  calls = [];
  staleServed = 0;
});

/** A gateway's parts in process: fresh for 5 s, answered while revalidating for a minute more. */
function gatewayOn(adapter: ProviderAdapter, hub = new QuoteHub({ source: undefined })): () => GraphQLContext {
  const ttl = FRESH_MS;
  const cache = new MarketCache({
    maxEntries: 1_000,
    ttlMs: { quote: ttl, history: ttl, profile: ttl, statements: ttl, search: ttl, economicSeries: ttl },
    staleWindowMs: 86_400_000,
    revalidateWindowMs: { quote: WINDOW_MS, profile: WINDOW_MS, statements: WINDOW_MS },
    now: () => clockMs,
  });
  const registry = new ProviderRegistry([adapter]);
  const market = new MarketService({
    registry,
    cache,
    chainBudgetMs: 2_000,
    onProviderCall: (event) => calls.push(event),
    onStaleServed: () => (staleServed += 1),
  });
  return () => createContext({ market, providers: registry, hub, clock: () => clockMs }, operator);
}

async function quoteAge(context: GraphQLContext, symbol = 'AAPL') {
  const response = await apollo.executeOperation<QuoteAgeQuery, QuoteAgeQueryVariables>({ query: QuoteAgeDocument, variables: { symbol } }, { contextValue: context });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  const { data, errors, extensions } = response.body.singleResult;
  return { quote: onTheWire(data)?.quote, errors, staleExtension: extensions?.['stale'], header: response.http.headers.get('x-data-stale') };
}

/** Waits (real time, polling) until `condition` holds: for background work the test cannot await. */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  await expect.poll(condition, { timeout: timeoutMs, interval: 5 }).toBe(true);
}

/** Data as a client receives it: JSON, so DateTimes are ISO strings as the generated types say. */
function onTheWire<T>(data: T): T {
  return data === undefined || data === null ? data : (JSON.parse(JSON.stringify(data)) as T);
}

const quoteCalls = () => calls.filter((call) => call.capability === 'quote');

describe('a healthy provider, read inside the revalidation window', () => {
  it('answers not stale, with its age, no X-Data-Stale and no extensions.stale, and still refreshes in the background', async () => {
    const context = gatewayOn(createSimulatedProvider({ seed: 7, tickMs: 60_000, now: () => clockMs }));
    const first = await quoteAge(context());
    expect(first.quote).toMatchObject({ symbol: 'AAPL', stale: false, age: 0 });
    expect(quoteCalls()).toHaveLength(1);

    clockMs += FRESH_MS + 1_000;
    const held = await quoteAge(context());
    expect(held.errors).toBeUndefined();
    expect(held.quote).toMatchObject({ symbol: 'AAPL', price: first.quote?.price, timestamp: first.quote?.timestamp, stale: false, age: 6 });
    expect(held.header).toBeUndefined();
    expect(held.staleExtension).toBeUndefined();
    expect(staleServed).toBe(0);

    // The read started one refresh; the next read is the refreshed quote, as of the clock's time.
    await until(() => quoteCalls().length === 2);
    const next = await quoteAge(context());
    expect(next.quote).toMatchObject({ stale: false, age: 0, timestamp: new Date(clockMs).toISOString() });
    expect(quoteCalls()).toHaveLength(2);
  });

  it('gives a company and its statements their age too', async () => {
    const context = gatewayOn(createSimulatedProvider({ seed: 7, tickMs: 60_000, now: () => clockMs }));
    const run = async () => {
      const response = await apollo.executeOperation<CompanyAgeQuery, CompanyAgeQueryVariables>({ query: CompanyAgeDocument, variables: { symbol: 'MSFT' } }, { contextValue: context() });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return { company: onTheWire(response.body.singleResult.data)?.company, header: response.http.headers.get('x-data-stale') };
    };
    const first = await run();
    expect(first.company).toMatchObject({ stale: false, age: 0, financials: [{ stale: false, age: 0 }] });

    clockMs += 2_500;
    expect((await run()).company).toMatchObject({ stale: false, age: 2.5, financials: [{ stale: false, age: 2.5 }] });
    clockMs += 5_000;
    const held = await run();
    expect(held.company).toMatchObject({ stale: false, age: 7.5, financials: [{ stale: false, age: 7.5 }] });
    expect(held.header).toBeUndefined();
  });
});

describe('a provider that cannot answer, read inside the revalidation window', () => {
  let upstream: FakeUpstream;
  beforeEach(async () => {
    upstream = await startFakeUpstream();
  });
  afterEach(async () => {
    await upstream.close();
  });

  it('answers unmarked while the first refresh runs, then stale with X-Data-Stale once it failed, until one succeeds', async () => {
    const QUOTE = { path: '/stable/quote', query: { symbol: 'AAPL' } };
    const [row] = fixture('fmp/stable/quote-aapl.json') as Array<Record<string, unknown>>;
    const fmp = createFmpProvider({ baseUrl: upstream.url, keys: ['test-key-0001'], timeoutMs: 1_000, api: 'stable', batchQuotes: false });
    const context = gatewayOn(fmp);
    upstream.on(QUOTE, { json: [{ ...row, price: 232.8 }] }, { times: 1 });
    expect((await quoteAge(context())).quote).toMatchObject({ price: 232.8, stale: false });

    clockMs += FRESH_MS + 1_000;
    upstream.on(QUOTE, { status: 503, json: {} });
    // No provider has been asked yet: this read's refresh is the first.
    const asking = await quoteAge(context());
    expect(asking.quote).toMatchObject({ price: 232.8, stale: false });
    expect(asking.header).toBeUndefined();

    await until(() => quoteCalls().some((call) => call.outcome !== 'ok'));
    // The provider is back, but this entry's refresh failed: once that refresh has settled, the
    // read answers stale, and refreshes again. Reads while it is still settling answer unmarked
    // and start nothing (one refresh per key at a time), so polling the read is the wait.
    upstream.on(QUOTE, { json: [{ ...row, price: 240 }] });
    let failed: Awaited<ReturnType<typeof quoteAge>> | undefined;
    await expect.poll(async () => (failed = await quoteAge(context())).quote?.stale, { timeout: 5_000, interval: 5 }).toBe(true);
    expect(failed?.quote).toMatchObject({ price: 232.8, stale: true });
    expect(failed?.quote?.age).toBeGreaterThan(0);
    expect(failed?.header).toBe('true');
    expect(failed?.staleExtension).toEqual([['quote']]);
    expect(staleServed).toBe(1);

    // That refresh stores the new price: not stale.
    await until(() => quoteCalls().length === 3);
    expect(quoteCalls()[2]?.outcome).toBe('ok');
    // Once it is stored (reads meanwhile answer the old entry, stale, and start nothing).
    let back: Awaited<ReturnType<typeof quoteAge>> | undefined;
    await expect.poll(async () => (back = await quoteAge(context())).quote?.price, { timeout: 5_000, interval: 5 }).toBe(240);
    expect(back?.quote).toMatchObject({ price: 240, stale: false });
    expect(back?.header).toBeUndefined();
  });
});

describe('a subscription on a healthy simulated market', () => {
  it('starts each symbol with its current quote, not stale, and never goes back in time', async () => {
    const simulated = createSimulatedProvider({ seed: 7, tickMs: 60_000, now: () => clockMs });
    const hub = new QuoteHub({ source: simulated.stream });
    const context = gatewayOn(simulated, hub);
    const cached = await context().market.getQuotes(['AAPL', 'MSFT']);
    clockMs += FRESH_MS + 1_000;

    const subscribed = await subscribe({ schema, document: LiveQuoteAgeDocument, variableValues: { symbols: ['AAPL', 'MSFT'] }, contextValue: context() });
    if (!(Symbol.asyncIterator in subscribed)) throw new Error(`subscribe failed: ${JSON.stringify(subscribed.errors)}`);
    const stream = subscribed as AsyncGenerator<ExecutionResult<LiveQuoteAgeSubscription>>;
    const items: Array<LiveQuoteAgeSubscription['quotes']> = [];
    // Per symbol: the current quote, then the feed's first tick (the next is a minute away).
    for (let read = 0; read < 4; read++) {
      const { value } = await stream.next();
      expect(value?.errors).toBeUndefined();
      items.push(onTheWire(value!.data!).quotes);
    }
    await stream.return(undefined);
    expect(hub.activeFeeds).toBe(0);

    for (const [index, symbol] of ['AAPL', 'MSFT'].entries()) {
      const mine = items.filter((item) => item.symbol === symbol);
      expect(mine).toHaveLength(2);
      expect(mine.every((item) => item.stale === false)).toBe(true);
      const held = cached[index] as { price: number; timestamp: Date };
      expect(mine[0]).toMatchObject({ price: held.price, timestamp: held.timestamp.toISOString(), age: 6 });
      expect(mine[1]).toMatchObject({ timestamp: new Date(clockMs).toISOString(), age: 0 });
      expect(Date.parse(mine[1]!.timestamp)).toBeGreaterThanOrEqual(Date.parse(mine[0]!.timestamp));
    }
  });

  it('is refused at subscribe when nothing can stream, before any provider call', async () => {
    const context = gatewayOn(createSimulatedProvider({ seed: 7, tickMs: 60_000, now: () => clockMs }));
    const refused = await subscribe({ schema, document: LiveQuoteAgeDocument, variableValues: { symbols: ['AAPL'] }, contextValue: context() });
    expect(Symbol.asyncIterator in refused).toBe(false);
    expect((refused as ExecutionResult).errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE' }) })]);
    expect(calls).toEqual([]);
  });
});
