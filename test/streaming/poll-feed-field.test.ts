import { execute, parse, print, subscribe, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALL_RIGHTS, type Consumer, type Quote } from '../../src/domain/index.js';
import { createContext } from '../../src/graphql/context.js';
import { createSchema } from '../../src/graphql/schema.js';
import { decodeEntry, encodeEntry } from '../../src/market/cache/cache-codec.js';
import type { MarketService } from '../../src/market/service.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import type { BatchFetcher, TickSource } from '../../src/providers/adapter.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { dayFiguresOf, quoteOfTick } from '../../src/providers/kit/stream-quote.js';
import { QuoteHub } from '../../src/streaming/hub.js';
import { createPollSource } from '../../src/streaming/sources/poll-source.js';
import { LiveQuoteFeedDocument, QuoteFeedDocument, type LiveQuoteFeedSubscription } from '../generated/graphql.js';
import { ManualClock } from '../support/fake-streams/manual-clock.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

/**
 * `Quote.feed` through the real schema, in process: POLL on an item of the poll source, STREAM on
 * one the stream kit built, null on the snapshot a subscription starts with and on every query
 * answer, even one built from a remembered live tick.
 */

let upstream: FakeUpstream;
let schema: GraphQLSchema;
let fetcher: BatchFetcher<Quote>;
const operator: Consumer = { id: 'test-operator', profile: 'admin', rights: new Set(ALL_RIGHTS), anonymous: false };
const closers: Array<() => void> = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on({ path: '/stable/quote' }, { json: fixture('fmp/stable/quote-aapl.json') });
  fetcher = createFmpProvider({ baseUrl: upstream.url, keys: ['test-key-0001'], timeoutMs: 2_000, api: 'stable', batchQuotes: false }).quote as BatchFetcher<Quote>;
  schema = await createSchema();
});
afterEach(() => closers.splice(0).forEach((close) => close()));
afterAll(async () => upstream.close());

/** The REST quote of AAPL, as the market service would answer it. */
async function restQuote(): Promise<Quote> {
  const answer = (await fetcher.fetch(['AAPL'])).get('AAPL');
  if (!answer || answer instanceof Error) throw new Error('no AAPL quote');
  return answer;
}

/** A context whose market answers every symbol with `quote` (the snapshot of a subscription, a query's answer). */
function contextFor(source: TickSource, quote: Quote) {
  const market = { getQuotes: async (symbols: readonly string[]) => symbols.map(() => quote) } as unknown as MarketService;
  const hub = new QuoteHub({ source });
  closers.push(() => hub.close());
  return createContext({ market, providers: new ProviderRegistry([]), hub }, operator);
}

type Feed = LiveQuoteFeedSubscription['quotes']['feed'];

/** The first `count` items of a LiveQuoteFeed subscription to AAPL; `tick` runs after the first arrived. */
async function firstItems(source: TickSource, snapshot: Quote, count: number, tick: () => void): Promise<Feed[]> {
  const stream = await subscribe({ schema, document: parse(print(LiveQuoteFeedDocument)), variableValues: { symbols: ['AAPL'] }, contextValue: contextFor(source, snapshot) });
  if (!(Symbol.asyncIterator in stream)) throw new Error(`no stream: ${JSON.stringify(stream.errors)}`);
  const feeds: Feed[] = [];
  for await (const item of stream as AsyncIterable<ExecutionResult<LiveQuoteFeedSubscription>>) {
    expect(item.errors).toBeUndefined();
    feeds.push(item.data?.quotes.feed ?? null);
    if (feeds.length === 1) tick();
    if (feeds.length === count) break;
  }
  return feeds;
}

describe('Quote.feed', () => {
  it('is POLL on an item of the poll source, null on the snapshot before it', async () => {
    const clock = new ManualClock();
    const source = createPollSource({ provider: 'fmp', fetcher, quota: { limits: [{ points: 60, per: 'minute' }] }, clock });
    closers.push(() => source.close());
    const snapshot = await restQuote();
    expect(await firstItems(source, snapshot, 2, () => clock.advance(0))).toEqual([null, 'POLL']);
  });

  it('is STREAM on an item the stream kit built from a tick', async () => {
    const snapshot = await restQuote();
    const day = dayFiguresOf(snapshot);
    if (!day) throw new Error('no day figures');
    let push: ((quote: Quote) => void) | undefined;
    const source: TickSource = {
      start: (_symbol, onTick) => {
        push = onTick;
        return () => (push = undefined);
      },
    };
    const tick = () => push?.(quoteOfTick('fmp', { symbol: 'AAPL', price: 233, timestamp: snapshot.timestamp.getTime() + 1_000 }, day));
    expect(await firstItems(source, snapshot, 2, tick)).toEqual([null, 'STREAM']);
  });

  it('is dropped from a quote read back from the shared cache', async () => {
    const tick: Quote = { ...(await restQuote()), feed: 'stream' };
    const back = decodeEntry<Quote>('quote', encodeEntry('quote', { storedAt: 1, value: tick }));
    expect(back?.value).toEqual({ ...tick, feed: undefined });
    expect(back?.value && 'feed' in back.value).toBe(false);
  });

  it('is null on a query answer, even one made of a live tick', async () => {
    const tick: Quote = { ...(await restQuote()), feed: 'stream' };
    const never: TickSource = { start: () => () => undefined };
    const result = await execute({ schema, document: parse(print(QuoteFeedDocument)), variableValues: { symbol: 'AAPL' }, contextValue: contextFor(never, tick) });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ quote: { symbol: 'AAPL', source: 'fmp', feed: null } });
  });
});
