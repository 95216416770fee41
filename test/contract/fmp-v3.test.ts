import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BarSchema, CompanyProfileSchema, FinancialStatementSchema, ProviderFailureKind, QuoteSchema, type StatementQuery } from '../../src/domain/index.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { errorFor, failureOf, fmpAdapter, fmpFixture, KEY, onlyRequest, type FmpAdapter } from './fmp-support.js';

/**
 * The legacy `/api/v3` API (FMP_API=v3) for keys made before August 2025: symbols in the path,
 * its own field names (`changesPercentage`, `mktCap`, `calendarYear`, `epsdiluted`,
 * `netCashUsedForInvestingActivites`) read into the same domain objects as `/stable`.
 */

let upstream: FakeUpstream;
let adapter: FmpAdapter;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  adapter = fmpAdapter(upstream, { api: 'v3' });
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await adapter.close?.();
  await upstream.close();
});

const statements = (query: Partial<StatementQuery> & Pick<StatementQuery, 'statement'>) =>
  adapter.statements.fetch({ symbol: 'AAPL', period: 'ANNUAL', limit: 4, ...query });

describe('/api/v3/quote', () => {
  it('batches natively in the path and reads changesPercentage', async () => {
    upstream.on({ path: '/api/v3/quote/AAPL,MSFT,BRK-B' }, { json: fmpFixture('v3/quote-aapl-msft.json') });
    const result = await adapter.quote.fetch(['AAPL', 'MSFT', 'BRK.B']);
    expect(onlyRequest(upstream)).toMatchObject({ path: '/api/v3/quote/AAPL,MSFT,BRK-B', query: { apikey: KEY } });
    expect(adapter.quote.batchSize).toBe(100);
    expect(QuoteSchema.parse(result.get('AAPL'))).toEqual({
      symbol: 'AAPL',
      price: 191.31,
      change: 0.67,
      changePercent: 0.3514,
      open: 191.49,
      high: 192.93,
      low: 190.825,
      previousClose: 190.64,
      volume: 38239545,
      timestamp: new Date(1700686801 * 1000),
      source: 'fmp',
      asOf: new Date(1700686801 * 1000),
      stale: false,
    });
    expect(QuoteSchema.parse(result.get('MSFT'))).toMatchObject({ price: 377.85, changePercent: 1.2808 });
    expect(errorFor(result, 'BRK.B').kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it("refuses a key made after August 2025 (403 Legacy Endpoint) as UNAUTHORIZED, saying to use FMP_API=stable", async () => {
    upstream.on({ path: '/api/v3/quote/AAPL' }, { status: 403, json: fmpFixture('errors/legacy-endpoint.json') });
    const error = await failureOf(adapter.quote.fetch(['AAPL']));
    expect(error.kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect(error.options.upstreamMessage).toMatch(/^Set FMP_API=stable/);
    expect(error.options.upstreamMessage).toContain('Legacy Endpoint');
  });
});

describe('/api/v3/profile', () => {
  it('reads mktCap and the short exchange code', async () => {
    upstream.on({ path: '/api/v3/profile/AAPL' }, { json: fmpFixture('v3/profile-aapl.json') });
    const profile = CompanyProfileSchema.parse((await adapter.profile.fetch(['AAPL'])).get('AAPL'));
    expect(profile).toMatchObject({
      symbol: 'AAPL',
      name: 'Apple Inc.',
      exchange: 'NASDAQ',
      sector: 'Technology',
      industry: 'Consumer Electronics',
      country: 'US',
      currency: 'USD',
      marketCap: 3269996825000,
      source: 'fmp',
    });
  });
});

describe('/api/v3 statements', () => {
  it('reads calendarYear and epsdiluted', async () => {
    upstream.on({ path: '/api/v3/income-statement/AAPL' }, { json: fmpFixture('v3/income-statement-aapl.json') });
    const [income] = (await statements({ statement: 'INCOME', limit: 1 })).map((statement) => FinancialStatementSchema.parse(statement));
    expect(onlyRequest(upstream)).toMatchObject({ path: '/api/v3/income-statement/AAPL', query: { period: 'annual', limit: '1', apikey: KEY } });
    expect(income).toMatchObject({ type: 'INCOME', fiscalPeriod: 'FY2024', revenue: 391035000000, eps: 6.11, dilutedEps: 6.08, sharesOutstanding: 15343783000 });
  });

  it('reads the balance sheet', async () => {
    upstream.on({ path: '/api/v3/balance-sheet-statement/AAPL', query: { period: 'quarter' } }, { json: fmpFixture('v3/balance-sheet-aapl.json') });
    const [sheet] = await statements({ statement: 'BALANCE', period: 'QUARTERLY' });
    expect(sheet).toMatchObject({ type: 'BALANCE', period: 'QUARTERLY', totalAssets: 364980000000, totalEquity: 56950000000, accountsPayable: 68960000000 });
  });

  it("reads the legacy cash-flow spellings, with outflows positive", async () => {
    upstream.on({ path: '/api/v3/cash-flow-statement/AAPL' }, { json: fmpFixture('v3/cash-flow-aapl.json') });
    const [flows] = await statements({ statement: 'CASH_FLOW' });
    expect(flows).toMatchObject({
      operatingCashFlow: 118254000000,
      capitalExpenditure: 9447000000,
      freeCashFlow: 108807000000,
      investingCashFlow: 2935000000,
      financingCashFlow: -121983000000,
      dividendsPaid: 15234000000,
      shareRepurchases: 94949000000,
    });
  });
});

describe('/api/v3/search and /api/v3/historical-price-full', () => {
  it('searches in one call and reads exchangeShortName', async () => {
    upstream.on({ path: '/api/v3/search', query: { query: 'APPLE', limit: '5' } }, { json: fmpFixture('v3/search-apple.json') });
    const matches = await adapter.search.fetch({ query: 'apple', limit: 5 });
    expect(matches).toEqual([
      { symbol: 'APLE', name: 'Apple Hospitality REIT, Inc.', exchange: 'NYSE', type: 'EQUITY', source: 'fmp' },
      { symbol: 'AAPL', name: 'Apple Inc.', exchange: 'NASDAQ', type: 'EQUITY', source: 'fmp' },
      { symbol: 'APC.DE', name: 'Apple Inc.', exchange: 'XETRA', type: 'EQUITY', source: 'fmp' },
    ]);
    expect(upstream.requests).toHaveLength(1);
  });

  it('reads bars out of {historical: [...]}, oldest first', async () => {
    upstream.on({ path: '/api/v3/historical-price-full/AAPL', query: { from: '2025-02-03', to: '2025-02-07' } }, { json: fmpFixture('v3/historical-price-full-aapl.json') });
    const bars = (await adapter.history.fetch({ symbol: 'AAPL', from: '2025-02-03', to: '2025-02-07', interval: 'DAY' })).map((bar) => BarSchema.parse(bar));
    expect(bars.map((bar) => bar.date)).toEqual(['2025-02-03', '2025-02-04', '2025-02-05', '2025-02-06', '2025-02-07']);
    expect(bars[1]).toEqual({ date: '2025-02-04', open: 227.2, high: 233.13, low: 226.65, close: 232.8, volume: 44489128 });
  });

  it('answers an unknown symbol ({}) with NOT_FOUND', async () => {
    upstream.on({ path: '/api/v3/historical-price-full/ZZZZ' }, { json: {} });
    const error = await failureOf(adapter.history.fetch({ symbol: 'ZZZZ', from: '2025-02-03', to: '2025-02-07', interval: 'DAY' }));
    expect(error.kind).toBe(ProviderFailureKind.NOT_FOUND);
  });
});
