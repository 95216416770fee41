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
 * The built gateway with Polygon as its only provider, Polygon played by a fake upstream serving
 * the documented payloads: quote, quotes, company, financials, search and priceHistory end to end
 * over HTTP. A second gateway holds a free-plan key, whose snapshot is refused, and quotes from
 * daily bars.
 */

const KEY = 'test-key-0001';
const FREE_KEY = 'test-key-0002';
const SNAPSHOT = '/v2/snapshot/locale/us/markets/stocks/tickers';

let upstream: FakeUpstream;
let freeUpstream: FakeUpstream;
let gateway: SpawnedGateway;
let freeGateway: SpawnedGateway;

function servePaidPlan(): void {
  upstream.on({ path: SNAPSHOT }, { json: fixture('polygon/snapshot-tickers.json') });
  upstream.on({ path: '/v3/reference/tickers/AAPL' }, { json: fixture('polygon/ticker-details-AAPL.json') });
  upstream.on({ path: '/v3/reference/tickers/ZZZZ' }, { status: 404, json: fixture('polygon/error-ticker-not-found.json') });
  for (const timeframe of ['annual', 'quarterly']) {
    upstream.on({ path: '/vX/reference/financials', query: { ticker: 'AAPL', timeframe } }, { json: fixture(`polygon/financials-${timeframe}-AAPL.json`) });
  }
  upstream.on({ path: '/v3/reference/tickers', query: { search: 'semiconductor' } }, { json: fixture('polygon/tickers-search-semiconductor.json') });
  upstream.on({ path: '/v2/aggs/ticker/AAPL/range/1/day/2025-01-02/2025-01-31' }, { json: fixture('polygon/aggs-day-AAPL-2025-01.json') });
}

/** The free-plan quote asks for the last two weeks up to today; a test running across midnight UTC gets tomorrow's window too. */
function serveFreePlan(): void {
  freeUpstream.on({ path: SNAPSHOT }, { status: 403, json: fixture('polygon/error-not-authorized.json') });
  const day = 86_400_000;
  for (const end of [Date.now(), Date.now() + day]) {
    const to = new Date(end).toISOString().slice(0, 10);
    const from = new Date(end - 14 * day).toISOString().slice(0, 10);
    freeUpstream.on({ path: `/v2/aggs/ticker/AAPL/range/1/day/${from}/${to}` }, { json: fixture('polygon/aggs-day-AAPL-recent.json') });
  }
}

beforeAll(async () => {
  [upstream, freeUpstream] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  servePaidPlan();
  serveFreePlan();
  [gateway, freeGateway] = await Promise.all([
    // The free tier's 5 calls a minute would ration this suite; quotas have tests of their own.
    spawnGateway({ PROVIDERS: 'polygon', POLYGON_API_KEY: KEY, POLYGON_BASE_URL: upstream.url, POLYGON_QUOTA: '1000/min' }),
    spawnGateway({ PROVIDERS: 'polygon', POLYGON_API_KEY: FREE_KEY, POLYGON_BASE_URL: freeUpstream.url, POLYGON_QUOTA: '1000/min' }),
  ]);
});
afterAll(async () => {
  await Promise.all([gateway?.stop(), freeGateway?.stop()]);
  await Promise.all([upstream?.close(), freeUpstream?.close()]);
});

describe('a gateway with only Polygon', () => {
  it('lists Polygon as its one provider with the capabilities it serves', async () => {
    const { data, errors } = await execute(gateway.url, ProvidersDocument);
    expect(errors).toBeUndefined();
    expect(data?.providers).toEqual([
      { id: 'polygon', name: 'Polygon.io (Massive)', capabilities: ['QUOTE', 'HISTORY', 'PROFILE', 'STATEMENTS', 'SEARCH'], enabled: true },
    ]);
  });

  it('answers a quote with the snapshot’s values', async () => {
    const { data, errors } = await execute(gateway.url, QuoteDocument, { symbol: 'aapl' });
    expect(errors).toBeUndefined();
    expect(data?.quote).toEqual({
      symbol: 'AAPL',
      price: 232.12,
      change: -4.73,
      changePercent: -1.99704,
      open: 233.53,
      high: 234.67,
      low: 229.72,
      previousClose: 236.85,
      volume: 37321511,
      timestamp: '2025-01-13T18:00:00.123Z',
      source: 'polygon',
      stale: false,
    });
  });

  it('answers quotes in one snapshot call, an unknown symbol being NOT_FOUND at its index', async () => {
    const { data, errors } = await execute(gateway.url, QuotesDocument, { symbols: ['MSFT', 'ZZZZ', 'BRK-B'] });
    expect(data?.quotes).toEqual([
      { symbol: 'MSFT', price: 416.3, source: 'polygon', stale: false },
      null,
      { symbol: 'BRK-B', price: 455, source: 'polygon', stale: false },
    ]);
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['quotes', 1], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ' } });
    const batch = upstream.requests.filter((request) => request.path === SNAPSHOT && request.query['tickers']?.includes('ZZZZ'));
    expect(batch).toHaveLength(1);
    expect(batch[0]?.query['tickers']?.split(',').sort()).toEqual(['BRK.B', 'MSFT', 'ZZZZ']);
  });

  it('answers a company with its profile, its quote and its income statements', async () => {
    const { data, errors } = await execute(gateway.url, CompanyDocument, { symbol: 'AAPL' });
    expect(errors).toBeUndefined();
    expect(data?.company).toMatchObject({
      symbol: 'AAPL',
      name: 'Apple Inc.',
      exchange: 'NASDAQ',
      sector: null,
      industry: 'Electronic Computers',
      country: 'US',
      currency: 'USD',
      marketCap: 3522074567040,
      source: 'polygon',
      quote: { price: 232.12 },
      financials: [
        { fiscalDate: '2024-09-28', revenue: 391035000000, netIncome: 93736000000 },
        { fiscalDate: '2023-09-30', revenue: 383285000000, netIncome: 96995000000 },
      ],
    });
  });

  it('answers financials of each statement type', async () => {
    const cash = await execute(gateway.url, FinancialsDocument, { symbol: 'AAPL', statement: 'CASH_FLOW', period: 'ANNUAL', limit: 1 });
    expect(cash.errors).toBeUndefined();
    expect(cash.data?.financials).toEqual([
      {
        __typename: 'CashFlowStatement',
        symbol: 'AAPL',
        fiscalDate: '2024-09-28',
        fiscalPeriod: '2024',
        period: 'ANNUAL',
        currency: 'USD',
        source: 'polygon',
        operatingCashFlow: 118254000000,
        capitalExpenditure: null,
        freeCashFlow: null,
      },
    ]);
    const balance = await execute(gateway.url, FinancialsDocument, { symbol: 'AAPL', statement: 'BALANCE', period: 'QUARTERLY', limit: 4 });
    expect(balance.errors).toBeUndefined();
    expect(balance.data?.financials!.map((statement) => [statement.__typename, statement.fiscalPeriod])).toEqual([
      ['BalanceSheet', '2025-Q1'],
      ['BalanceSheet', '2024-Q3'],
    ]);
    expect(balance.data?.financials![0]).toMatchObject({ totalAssets: 344085000000, totalEquity: 66758000000, totalDebt: null });
  });

  it('answers a search', async () => {
    const { data, errors } = await execute(gateway.url, SearchDocument, { query: 'semiconductor', limit: 3 });
    expect(errors).toBeUndefined();
    expect(data?.search).toEqual([
      { symbol: 'NXPI', name: 'NXP Semiconductors N.V.', exchange: 'NASDAQ', type: 'EQUITY' },
      { symbol: 'ON', name: 'ON Semiconductor Corp', exchange: 'NASDAQ', type: 'EQUITY' },
      { symbol: 'SMH', name: 'VanEck Semiconductor ETF', exchange: 'NASDAQ', type: 'ETF' },
    ]);
  });

  it('answers a weekly price history', async () => {
    const { data, errors } = await execute(gateway.url, PriceHistoryDocument, { symbol: 'AAPL', from: '2025-01-02', to: '2025-01-31', interval: 'WEEK' });
    expect(errors).toBeUndefined();
    expect(data?.priceHistory!.map((bar) => bar.date)).toEqual(['2025-01-02', '2025-01-06', '2025-01-13', '2025-01-21', '2025-01-27']);
    expect(data?.priceHistory![0]).toMatchObject({ open: 248.93, close: 243.36 });
  });

  it('answers a company Polygon does not know with NOT_FOUND at its path', async () => {
    const { data, errors } = await execute(gateway.url, CompanyDocument, { symbol: 'ZZZZ' });
    expect(data?.company).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['company'], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ' } });
  });

  it('sent the key in the Authorization header only, and never logged it', () => {
    expect(upstream.requests.length).toBeGreaterThan(0);
    for (const request of upstream.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(JSON.stringify(request.query)).not.toContain(KEY);
    }
    expect(JSON.stringify(gateway.logs)).not.toContain(KEY);
  });
});

describe('a gateway on a free Polygon key', () => {
  it('quotes from the latest daily bars when the snapshot is refused', async () => {
    const { data, errors } = await execute(freeGateway.url, QuoteDocument, { symbol: 'AAPL' });
    expect(errors).toBeUndefined();
    expect(data?.quote).toMatchObject({
      symbol: 'AAPL',
      price: 236.85,
      previousClose: 242.7,
      change: -5.85,
      changePercent: -2.4104,
      timestamp: '2025-01-10T05:00:00.000Z',
      source: 'polygon',
      stale: false,
    });
    expect(JSON.stringify(freeGateway.logs)).not.toContain(FREE_KEY);
  });
});
