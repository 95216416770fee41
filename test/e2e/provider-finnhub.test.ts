import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompanyDocument,
  FinancialsDocument,
  PriceHistoryDocument,
  ProvidersDocument,
  QuoteDocument,
  QuotesDocument,
  SearchDocument,
} from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * The built gateway with Finnhub as its only provider, against a fake Finnhub serving the recorded
 * payloads: what a client sees through GraphQL is Finnhub's data, marked `source: "finnhub"`.
 */

const KEY = 'test-key-0001';
const M = 1_000_000;
let upstream: FakeUpstream;
let gateway: SpawnedGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on({ path: '/quote', query: { symbol: 'AAPL' } }, { json: fixture('finnhub/quote-aapl.json') });
  upstream.on({ path: '/quote', query: { symbol: 'ZZZZ9' } }, { json: fixture('finnhub/quote-unknown.json') });
  upstream.on({ path: '/stock/profile2', query: { symbol: 'AAPL' } }, { json: fixture('finnhub/profile2-aapl.json') });
  upstream.on({ path: '/stock/profile2', query: { symbol: 'ZZZZ9' } }, { json: fixture('finnhub/profile2-unknown.json') });
  upstream.on({ path: '/stock/financials-reported', query: { symbol: 'AAPL', freq: 'annual' } }, { json: fixture('finnhub/financials-reported-annual.json') });
  upstream.on({ path: '/stock/financials-reported', query: { symbol: 'AAPL', freq: 'quarterly' } }, { json: fixture('finnhub/financials-reported-quarterly.json') });
  upstream.on({ path: '/stock/financials-reported', query: { symbol: 'ZZZZ9' } }, { json: fixture('finnhub/financials-reported-unknown.json') });
  upstream.on({ path: '/search', query: { q: 'apple' } }, { json: fixture('finnhub/search-apple.json') });
  gateway = await spawnGateway({ PROVIDERS: 'finnhub', FINNHUB_API_KEY: KEY, FINNHUB_BASE_URL: upstream.url });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('a gateway on Finnhub alone', () => {
  it('lists Finnhub with what it serves', async () => {
    const { data } = await execute(gateway.url, ProvidersDocument, {});
    expect(data?.providers).toEqual([{ id: 'finnhub', name: 'Finnhub', capabilities: ['QUOTE', 'PROFILE', 'STATEMENTS', 'SEARCH'], enabled: true }]);
  });

  it('answers quote with Finnhub’s values', async () => {
    const { data, errors } = await execute(gateway.url, QuoteDocument, { symbol: 'aapl' });
    expect(errors).toBeUndefined();
    expect(data?.quote).toEqual({
      symbol: 'AAPL',
      price: 261.74,
      change: 2.29,
      changePercent: 0.8826,
      open: 261.07,
      high: 263.31,
      low: 260.68,
      previousClose: 259.45,
      volume: null,
      timestamp: new Date(1582641000 * 1000).toISOString(),
      source: 'finnhub',
      stale: false,
    });
    const request = upstream.requests.find((candidate) => candidate.path === '/quote');
    expect(request?.headers['x-finnhub-token']).toBe(KEY);
  });

  it('answers company with its profile, quote and income statements', async () => {
    const { data, errors } = await execute(gateway.url, CompanyDocument, { symbol: 'AAPL' });
    expect(errors).toBeUndefined();
    expect(data?.company).toEqual({
      symbol: 'AAPL',
      name: 'Apple Inc',
      exchange: 'NASDAQ',
      sector: null,
      industry: 'Technology',
      country: 'US',
      currency: 'USD',
      description: null,
      marketCap: 1_415_993 * M,
      source: 'finnhub',
      quote: { price: 261.74 },
      financials: [
        { fiscalDate: '2019-09-28', revenue: 260_174 * M, netIncome: 55_256 * M },
        { fiscalDate: '2018-09-29', revenue: 265_595 * M, netIncome: 59_531 * M },
      ],
    });
  });

  it('answers financials: annual balance sheets and quarterly income', async () => {
    const balance = await execute(gateway.url, FinancialsDocument, { symbol: 'AAPL', statement: 'BALANCE', period: 'ANNUAL', limit: 1 });
    expect(balance.errors).toBeUndefined();
    expect(balance.data?.financials).toEqual([
      {
        __typename: 'BalanceSheet',
        symbol: 'AAPL',
        fiscalDate: '2019-09-28',
        fiscalPeriod: 'FY2019',
        period: 'ANNUAL',
        currency: 'USD',
        source: 'finnhub',
        totalAssets: 338_516 * M,
        totalLiabilities: 248_028 * M,
        totalEquity: 90_488 * M,
        cash: 48_844 * M,
        totalDebt: 108_047 * M,
      },
    ]);
    const income = await execute(gateway.url, FinancialsDocument, { symbol: 'AAPL', statement: 'INCOME', period: 'QUARTERLY', limit: 2 });
    expect(income.errors).toBeUndefined();
    expect(income.data?.financials!.map((statement) => [statement.fiscalPeriod, 'revenue' in statement ? statement.revenue : undefined])).toEqual([
      ['2020-Q2', 58_313 * M],
      ['2020-Q1', 91_819 * M],
    ]);
  });

  it('answers search with Finnhub’s matches', async () => {
    const { data, errors } = await execute(gateway.url, SearchDocument, { query: 'apple', limit: 3 });
    expect(errors).toBeUndefined();
    expect(data?.search).toEqual([
      { symbol: 'AAPL', name: 'APPLE INC', exchange: null, type: 'EQUITY' },
      { symbol: 'AAPL.SW', name: 'APPLE INC', exchange: null, type: 'EQUITY' },
      { symbol: 'APC.BE', name: 'APPLE INC', exchange: null, type: 'EQUITY' },
    ]);
  });

  it('answers an unknown symbol with NOT_FOUND at its path, the rest of a list standing', async () => {
    const quote = await execute(gateway.url, QuoteDocument, { symbol: 'ZZZZ9' });
    expect(quote.data).toEqual({ quote: null });
    expect(quote.errors?.[0]).toMatchObject({ path: ['quote'], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ9' } });

    const quotes = await execute(gateway.url, QuotesDocument, { symbols: ['AAPL', 'ZZZZ9'] });
    expect(quotes.data?.quotes).toEqual([{ symbol: 'AAPL', price: 261.74, source: 'finnhub', stale: false }, null]);
    expect(quotes.errors).toHaveLength(1);
    expect(quotes.errors?.[0]).toMatchObject({ path: ['quotes', 1], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ9' } });

    const company = await execute(gateway.url, CompanyDocument, { symbol: 'ZZZZ9' });
    expect(company.data).toEqual({ company: null });
    expect(company.errors?.[0]).toMatchObject({ path: ['company'], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ9' } });
  });

  it('has no price history to offer (premium on Finnhub): PROVIDER_UNAVAILABLE, not an upstream call', async () => {
    const { errors } = await execute(gateway.url, PriceHistoryDocument, { symbol: 'AAPL' });
    expect(errors?.[0]).toMatchObject({ path: ['priceHistory'], extensions: { code: 'PROVIDER_UNAVAILABLE' } });
    expect(upstream.count({ path: '/stock/candle' })).toBe(0);
  });

  it('never writes the key to its logs', () => {
    expect(JSON.stringify(gateway.logs)).not.toContain(KEY);
  });
});
