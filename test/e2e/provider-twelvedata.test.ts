import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompanyDocument, PriceHistoryDocument, ProvidersDocument, QuoteDocument, QuotesDocument, SearchDocument } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream, type RecordedRequest, type Reply } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * The built gateway with Twelve Data as its only provider, against a fake Twelve Data serving the
 * recorded payloads: quotes arrive in one batched call, and what a client sees is marked
 * `source: "twelvedata"`.
 */

const KEY = 'test-key-0001';
let upstream: FakeUpstream;
let gateway: SpawnedGateway;

const batch = fixture('twelvedata/quote-batch.json') as Record<string, unknown>;
const unknown = fixture('twelvedata/error-404-symbol.json') as Record<string, unknown>;

/** `/quote` as Twelve Data answers it: flat for one symbol, keyed by symbol for several. */
function quoteReply(request: RecordedRequest): Reply {
  const symbols = (request.query['symbol'] ?? '').split(',');
  const entry = (symbol: string): unknown => batch[symbol] ?? { ...unknown, message: `**symbol** not found: ${symbol}.` };
  if (symbols.length === 1) return { json: entry(symbols[0] as string) };
  return { json: Object.fromEntries(symbols.map((symbol) => [symbol, entry(symbol)])) };
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on({ path: '/quote' }, quoteReply);
  upstream.on({ path: '/time_series', query: { symbol: 'AAPL', interval: '1day' } }, { json: fixture('twelvedata/time-series-aapl-1day.json') });
  upstream.on({ path: '/time_series', query: { symbol: 'ZZZZ9' } }, { json: fixture('twelvedata/error-404-symbol.json') });
  upstream.on({ path: '/symbol_search', query: { symbol: 'apple' } }, { json: fixture('twelvedata/symbol-search-apple.json') });
  gateway = await spawnGateway({ PROVIDERS: 'twelvedata', TWELVEDATA_API_KEY: KEY, TWELVEDATA_BASE_URL: upstream.url });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('a gateway on Twelve Data alone', () => {
  it('lists Twelve Data with what it serves', async () => {
    const { data } = await execute(gateway.url, ProvidersDocument, {});
    expect(data?.providers).toEqual([{ id: 'twelvedata', name: 'Twelve Data', capabilities: ['QUOTE', 'HISTORY', 'SEARCH'], enabled: true }]);
  });

  it('answers quote with Twelve Data’s values', async () => {
    const { data, errors } = await execute(gateway.url, QuoteDocument, { symbol: 'AAPL' });
    expect(errors).toBeUndefined();
    expect(data?.quote).toEqual({
      symbol: 'AAPL',
      price: 148.85001,
      change: -0.23999,
      changePercent: -0.16097,
      open: 148.44,
      high: 148.9684,
      low: 147.22099,
      previousClose: 149.09,
      volume: 67_903_927,
      timestamp: new Date(1631772000 * 1000).toISOString(),
      source: 'twelvedata',
      stale: false,
    });
    expect(upstream.requests.find((request) => request.path === '/quote')?.headers['authorization']).toBe(`apikey ${KEY}`);
  });

  it('answers a list of quotes with one upstream call, an unknown symbol failing alone at its path', async () => {
    const before = upstream.count({ path: '/quote' });
    const { data, errors } = await execute(gateway.url, QuotesDocument, { symbols: ['MSFT', 'ZZZZ9', 'NOPE'] });
    expect(data?.quotes).toEqual([{ symbol: 'MSFT', price: 305.22, source: 'twelvedata', stale: false }, null, null]);
    expect(errors?.map((error) => [error.path, error.extensions?.['code'], error.extensions?.['symbol']])).toEqual([
      [['quotes', 1], 'NOT_FOUND', 'ZZZZ9'],
      [['quotes', 2], 'NOT_FOUND', 'NOPE'],
    ]);
    expect(upstream.count({ path: '/quote' }) - before).toBe(1);
    expect(upstream.requests.filter((request) => request.path === '/quote').at(-1)?.query['symbol']).toBe('MSFT,ZZZZ9,NOPE');
  });

  it('answers priceHistory with Twelve Data’s bars', async () => {
    const { data, errors } = await execute(gateway.url, PriceHistoryDocument, { symbol: 'AAPL', from: '2021-09-14', to: '2021-09-16', interval: 'DAY' });
    expect(errors).toBeUndefined();
    expect(data?.priceHistory).toEqual([
      { date: '2021-09-14', open: 150.35001, high: 151.07001, low: 146.91, close: 148.12, volume: 109_296_300 },
      { date: '2021-09-15', open: 148.56, high: 149.44, low: 146.37, close: 149.09, volume: 83_281_300 },
      { date: '2021-09-16', open: 148.44, high: 148.9684, low: 147.22099, close: 148.85001, volume: 67_903_927 },
    ]);
  });

  it('answers search with Twelve Data’s matches', async () => {
    const { data, errors } = await execute(gateway.url, SearchDocument, { query: 'apple', limit: 3 });
    expect(errors).toBeUndefined();
    expect(data?.search).toEqual([
      { symbol: 'AAPL', name: 'Apple Inc', exchange: 'NASDAQ', type: 'EQUITY' },
      { symbol: 'APC', name: 'Apple Inc', exchange: 'FSX', type: 'EQUITY' },
      { symbol: 'APLE', name: 'Apple Hospitality REIT Inc', exchange: 'NYSE', type: 'EQUITY' },
    ]);
  });

  it('answers an unknown symbol with NOT_FOUND at its path', async () => {
    const quote = await execute(gateway.url, QuoteDocument, { symbol: 'ZZZZ9' });
    expect(quote.data).toEqual({ quote: null });
    expect(quote.errors?.[0]).toMatchObject({ path: ['quote'], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ9' } });
    const bars = await execute(gateway.url, PriceHistoryDocument, { symbol: 'ZZZZ9' });
    expect(bars.errors?.[0]).toMatchObject({ path: ['priceHistory'], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ9' } });
  });

  it('has no company profiles to offer (a paid endpoint): PROVIDER_UNAVAILABLE, not an upstream call', async () => {
    const { data, errors } = await execute(gateway.url, CompanyDocument, { symbol: 'AAPL' });
    expect(data).toEqual({ company: null });
    expect(errors?.[0]).toMatchObject({ path: ['company'], extensions: { code: 'PROVIDER_UNAVAILABLE' } });
    expect(upstream.count({ path: '/profile' })).toBe(0);
  });

  it('never writes the key to its logs', () => {
    expect(JSON.stringify(gateway.logs)).not.toContain(KEY);
  });
});
