import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompanyDocument, FinancialsDocument, ProvidersDocument, QuoteDocument, SearchDocument } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * The built gateway with Alpha Vantage as its only provider (free key), against a fake Alpha
 * Vantage serving the documented payloads in test/fixtures/alphavantage.
 */

const KEY = 'test-key-0001';
const av = (name: string): unknown => fixture(`alphavantage/${name}.json`);
const on = (fn: string, symbol: string, name: string): void => upstream.on({ path: '/query', query: { function: fn, symbol } }, { json: av(name) });

let upstream: FakeUpstream;
let gateway: SpawnedGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  on('GLOBAL_QUOTE', 'IBM', 'global-quote-ibm');
  on('GLOBAL_QUOTE', 'NOPE', 'global-quote-unknown');
  on('GLOBAL_QUOTE', 'MSFT', 'errors/rate-limit-daily');
  on('OVERVIEW', 'IBM', 'overview-ibm');
  on('INCOME_STATEMENT', 'IBM', 'income-statement-ibm');
  on('BALANCE_SHEET', 'IBM', 'balance-sheet-ibm');
  on('CASH_FLOW', 'IBM', 'cash-flow-ibm');
  upstream.on({ path: '/query', query: { function: 'SYMBOL_SEARCH', keywords: 'tesco' } }, { json: av('symbol-search-tesco') });
  gateway = await spawnGateway({ PROVIDERS: 'alphavantage', ALPHAVANTAGE_API_KEY: KEY, ALPHAVANTAGE_BASE_URL: upstream.url });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('a gateway on Alpha Vantage alone', () => {
  it('lists Alpha Vantage with the capabilities it serves', async () => {
    const { data } = await execute(gateway.url, ProvidersDocument);
    expect(data?.providers).toEqual([
      { id: 'alphavantage', name: 'Alpha Vantage', capabilities: ['QUOTE', 'HISTORY', 'PROFILE', 'STATEMENTS', 'SEARCH'], enabled: true },
    ]);
  });

  it('answers a quote with the fixture values', async () => {
    const { data, errors } = await execute(gateway.url, QuoteDocument, { symbol: 'ibm' });
    expect(errors).toBeUndefined();
    expect(data?.quote).toEqual({
      symbol: 'IBM',
      price: 233.26,
      change: 0.24,
      changePercent: 0.103,
      open: 233.25,
      high: 233.44,
      low: 230.46,
      previousClose: 233.02,
      volume: 3469322,
      timestamp: '2024-10-11T20:00:00.000Z',
      source: 'alphavantage',
      stale: false,
    });
    expect(upstream.requests.find((request) => request.query['function'] === 'GLOBAL_QUOTE')?.query['apikey']).toBe(KEY);
  });

  it('answers an unknown symbol with NOT_FOUND at its path', async () => {
    const { data, errors } = await execute(gateway.url, QuoteDocument, { symbol: 'NOPE' });
    expect(data?.quote).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['quote'], extensions: { code: 'NOT_FOUND', symbol: 'NOPE' } });
  });

  it('answers a company with its quote and income statements', async () => {
    const { data, errors } = await execute(gateway.url, CompanyDocument, { symbol: 'IBM' });
    expect(errors).toBeUndefined();
    expect(data?.company).toMatchObject({
      symbol: 'IBM',
      name: 'International Business Machines',
      exchange: 'NYSE',
      sector: 'TECHNOLOGY',
      industry: 'COMPUTER & OFFICE EQUIPMENT',
      country: 'USA',
      currency: 'USD',
      marketCap: 197991563000,
      source: 'alphavantage',
      quote: { price: 233.26 },
      financials: [
        { fiscalDate: '2023-12-31', revenue: 61860000000, netIncome: 7502000000 },
        { fiscalDate: '2022-12-31', revenue: 60530000000, netIncome: 1639000000 },
      ],
    });
  });

  it('answers financials of each statement type', async () => {
    const cashFlow = await execute(gateway.url, FinancialsDocument, { symbol: 'IBM', statement: 'CASH_FLOW', period: 'ANNUAL', limit: 1 });
    expect(cashFlow.errors).toBeUndefined();
    expect(cashFlow.data?.financials).toEqual([
      {
        __typename: 'CashFlowStatement',
        symbol: 'IBM',
        fiscalDate: '2023-12-31',
        fiscalPeriod: null,
        period: 'ANNUAL',
        currency: 'USD',
        source: 'alphavantage',
        operatingCashFlow: 13931000000,
        capitalExpenditure: 1685000000,
        freeCashFlow: 12246000000,
      },
    ]);

    const balance = await execute(gateway.url, FinancialsDocument, { symbol: 'IBM', statement: 'BALANCE', period: 'QUARTERLY', limit: 2 });
    expect(balance.errors).toBeUndefined();
    expect(balance.data?.financials!.map((statement) => statement.fiscalDate)).toEqual(['2024-03-31', '2023-12-31']);
    expect(balance.data?.financials![0]).toMatchObject({ __typename: 'BalanceSheet', totalAssets: 137169000000, totalDebt: 55810000000, source: 'alphavantage' });
  });

  it('answers a search', async () => {
    const { data, errors } = await execute(gateway.url, SearchDocument, { query: 'tesco', limit: 3 });
    expect(errors).toBeUndefined();
    expect(data?.search).toEqual([
      { symbol: 'TSCO.LON', name: 'Tesco PLC', exchange: 'LSE', type: 'EQUITY' },
      { symbol: 'TSCDF', name: 'Tesco plc', exchange: null, type: 'EQUITY' },
      { symbol: 'TSCDY', name: 'Tesco plc', exchange: null, type: 'EQUITY' },
    ]);
  });

  it('answers the daily quota as RATE_LIMITED, and the key is in no answer and no log line', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query { quote(symbol: "MSFT") { symbol price } }' }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string; retryAfter?: number } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(body.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
    expect(text).not.toContain(KEY);
    expect(JSON.stringify(gateway.logs)).not.toContain(KEY);
  });
});
