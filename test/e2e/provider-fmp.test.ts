import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompanyDocument,
  FinancialsDocument,
  PriceHistoryDocument,
  QuoteDocument,
  QuotesDocument,
  SearchDocument,
} from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * A real gateway with FMP as its only provider, on FMP's `/stable` API served by a fake upstream
 * from the documented examples: every query FMP serves answers the fixture's values with
 * `source: "fmp"`, unknown symbols are NOT_FOUND at their path, and the key is nowhere in what
 * clients or logs see.
 */

const KEY = 'test-key-0001';

let upstream: FakeUpstream;
let gateway: SpawnedGateway;

const fmp = (path: string): unknown => fixture(`fmp/${path}`);

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on({ path: '/stable/quote', query: { symbol: 'AAPL' } }, { json: fmp('stable/quote-aapl.json') });
  upstream.on({ path: '/stable/quote', query: { symbol: 'BRK-B' } }, { json: fmp('stable/quote-brk-b.json') });
  upstream.on({ path: '/stable/quote', query: { symbol: 'ZZZZ' } }, { json: [] });
  upstream.on({ path: '/stable/quote', query: { symbol: 'AVGO' } }, {
    status: 402,
    text: (fmp('errors/plain-text-refusals.json') as Record<string, string>)['premiumSymbol'] ?? '',
  });
  upstream.on({ path: '/stable/profile', query: { symbol: 'AAPL' } }, { json: fmp('stable/profile-aapl.json') });
  upstream.on({ path: '/stable/profile', query: { symbol: 'ZZZZ' } }, { json: [] });
  upstream.on({ path: '/stable/income-statement', query: { symbol: 'AAPL', period: 'annual' } }, { json: fmp('stable/income-statement-aapl-annual.json') });
  upstream.on({ path: '/stable/cash-flow-statement', query: { symbol: 'AAPL', period: 'annual' } }, { json: fmp('stable/cash-flow-aapl-annual.json') });
  upstream.on({ path: '/stable/income-statement', query: { symbol: 'ZZZZ' } }, { json: [] });
  upstream.on({ path: '/stable/search-symbol' }, { json: [] });
  upstream.on({ path: '/stable/search-name', query: { query: 'apple' } }, { json: fmp('stable/search-name-apple.json') });
  upstream.on({ path: '/stable/historical-price-eod/full', query: { symbol: 'AAPL' } }, { json: fmp('stable/historical-eod-aapl.json') });
  gateway = await spawnGateway({ PROVIDERS: 'fmp', FMP_API_KEY: KEY, FMP_BASE_URL: upstream.url });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('a gateway on FMP alone', () => {
  it('answers quote with the documented example', async () => {
    const { data, errors } = await execute(gateway.url, QuoteDocument, { symbol: 'AAPL' });
    expect(errors).toBeUndefined();
    expect(data?.quote).toEqual({
      symbol: 'AAPL',
      price: 232.8,
      change: 4.79,
      changePercent: 2.1008,
      open: 227.2,
      high: 233.13,
      low: 226.65,
      previousClose: 228.01,
      volume: 44489128,
      timestamp: '2025-02-04T21:00:01.000Z',
      source: 'fmp',
      stale: false,
    });
  });

  it('answers quotes in order, BRK.B through FMP spelling, an unknown symbol NOT_FOUND at its path', async () => {
    const { data, errors } = await execute(gateway.url, QuotesDocument, { symbols: ['AAPL', 'brk.b', 'ZZZZ'] });
    expect(data?.quotes).toEqual([
      { symbol: 'AAPL', price: 232.8, source: 'fmp', stale: false },
      { symbol: 'BRK.B', price: 477.42, source: 'fmp', stale: false },
      null,
    ]);
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['quotes', 2], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ' } });
    expect(upstream.count({ path: '/stable/quote', query: { symbol: 'BRK-B' } })).toBe(1);
  });

  it('answers company with its profile, quote and income statements', async () => {
    const { data, errors } = await execute(gateway.url, CompanyDocument, { symbol: 'AAPL' });
    expect(errors).toBeUndefined();
    expect(data?.company).toMatchObject({
      symbol: 'AAPL',
      name: 'Apple Inc.',
      exchange: 'NASDAQ',
      sector: 'Technology',
      industry: 'Consumer Electronics',
      country: 'US',
      currency: 'USD',
      marketCap: 3900351299800,
      source: 'fmp',
      quote: { price: 232.8 },
      financials: [
        { fiscalDate: '2024-09-28', revenue: 391035000000, netIncome: 93736000000 },
        { fiscalDate: '2023-09-30', revenue: 383285000000, netIncome: 96995000000 },
      ],
    });
    expect(upstream.requests.find((request) => request.path === '/stable/income-statement')?.query).toMatchObject({ limit: '2', apikey: KEY });
  });

  it('answers financials with capex as a positive amount', async () => {
    const { data, errors } = await execute(gateway.url, FinancialsDocument, { symbol: 'AAPL', statement: 'CASH_FLOW', limit: 1 });
    expect(errors).toBeUndefined();
    expect(data?.financials).toEqual([
      {
        __typename: 'CashFlowStatement',
        symbol: 'AAPL',
        fiscalDate: '2024-09-28',
        fiscalPeriod: 'FY2024',
        period: 'ANNUAL',
        currency: 'USD',
        source: 'fmp',
        operatingCashFlow: 118254000000,
        capitalExpenditure: 9447000000,
        freeCashFlow: 108807000000,
      },
    ]);
  });

  it('answers search from the name search', async () => {
    const { data, errors } = await execute(gateway.url, SearchDocument, { query: 'apple', limit: 3 });
    expect(errors).toBeUndefined();
    expect(data?.search).toEqual([
      { symbol: 'APLE', name: 'Apple Hospitality REIT, Inc.', exchange: 'NYSE', type: 'EQUITY' },
      { symbol: 'AAPL', name: 'Apple Inc.', exchange: 'NASDAQ', type: 'EQUITY' },
      { symbol: 'APC.DE', name: 'Apple Inc.', exchange: 'XETRA', type: 'EQUITY' },
    ]);
  });

  it('answers priceHistory with daily bars, oldest first', async () => {
    const { data, errors } = await execute(gateway.url, PriceHistoryDocument, { symbol: 'AAPL', from: '2025-02-03', to: '2025-02-05', interval: 'DAY' });
    expect(errors).toBeUndefined();
    expect(data?.priceHistory).toEqual([
      { date: '2025-02-03', open: 229.99, high: 231.83, low: 225.7, close: 228.01, volume: 73063300 },
      { date: '2025-02-04', open: 227.2, high: 233.13, low: 226.65, close: 232.8, volume: 44489128 },
      { date: '2025-02-05', open: 228.53, high: 232.67, low: 228.27, close: 232.47, volume: 39664989 },
    ]);
  });

  it('answers an unknown symbol with NOT_FOUND at its path', async () => {
    const [quote, company, financials] = await Promise.all([
      execute(gateway.url, QuoteDocument, { symbol: 'ZZZZ' }),
      execute(gateway.url, CompanyDocument, { symbol: 'ZZZZ' }),
      execute(gateway.url, FinancialsDocument, { symbol: 'ZZZZ', statement: 'INCOME' }),
    ]);
    expect(quote.data).toEqual({ quote: null });
    expect(quote.errors?.[0]).toMatchObject({ path: ['quote'], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ' } });
    expect(company.data).toEqual({ company: null });
    expect(company.errors?.[0]).toMatchObject({ path: ['company'], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ' } });
    expect(financials.errors?.[0]).toMatchObject({ path: ['financials'], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ' } });
  });

  it("shows a symbol FMP's plan refuses as PROVIDER_UNAVAILABLE, without FMP's words or the key", async () => {
    const response = await execute(gateway.url, QuoteDocument, { symbol: 'AVGO' });
    expect(response.data).toEqual({ quote: null });
    expect(response.errors?.[0]).toMatchObject({ path: ['quote'], extensions: { code: 'PROVIDER_UNAVAILABLE' } });
    const shown = JSON.stringify(response);
    expect(shown).not.toContain('Premium');
    expect(shown).not.toContain(KEY);
    expect(JSON.stringify(gateway.logs)).not.toContain(KEY);
  });
});
