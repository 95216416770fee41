import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import {
  CompanyDocument,
  FinancialsDocument,
  HttpCompanyGraphDocument,
  HttpQuoteAllFieldsDocument,
  PriceHistoryDocument,
  ProvidersDocument,
  QuotesDocument,
  QuoteWithCompanyDocument,
  SearchDocument,
  type FinancialsQuery,
  type Interval,
  type Period,
  type PriceHistoryQuery,
  type StatementType,
} from '../generated/graphql.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * Every query of the schema over real HTTP against a spawned gateway on the simulated market,
 * through the typed documents a client would use. Invariants checked here are the ones the
 * simulator guarantees exactly (see src/providers/simulated): the intraday price is folded into
 * the session's running [low, high] and rounded to cents, bars bracket open and close, and the
 * statements are built so that assets = liabilities + equity and FCF = OCF − capex to the unit.
 */

let gateway: SpawnedGateway;
beforeAll(async () => {
  gateway = await spawnGateway({ SIM_SEED: '42' });
});
afterAll(async () => {
  await gateway?.stop();
});

type Bar = NonNullable<PriceHistoryQuery['priceHistory']>[number];

async function history(symbol: string, from: string | undefined, to: string | undefined, interval: Interval): Promise<Bar[]> {
  const result = await execute(gateway.url, PriceHistoryDocument, { symbol, from, to, interval });
  expect(result.errors).toBeUndefined();
  return result.data?.priceHistory ?? [];
}

function expectWellFormedBars(bars: readonly Bar[]): void {
  expect(bars.length).toBeGreaterThan(0);
  bars.forEach((bar, index) => {
    expect(bar.low).toBeGreaterThan(0);
    expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
    expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
    expect(Number.isInteger(bar.volume) && bar.volume > 0).toBe(true);
    if (index > 0) expect(bar.date > (bars[index - 1]?.date ?? '')).toBe(true);
  });
}

describe('quote and quotes', () => {
  it('answers every field of a quote, consistent the way the simulator guarantees', async () => {
    const { status, data, errors } = await execute(gateway.url, HttpQuoteAllFieldsDocument, { symbol: 'AAPL' });
    expect(status).toBe(200);
    expect(errors).toBeUndefined();
    const quote = data?.quote;
    if (!quote) throw new Error('no quote');
    expect(quote).toMatchObject({ symbol: 'AAPL', source: 'simulated', stale: false });
    const { price, open, high, low, previousClose, volume, change, changePercent } = quote;
    if (open === null || high === null || low === null || previousClose === null || volume === null) {
      throw new Error(`the simulator fills every field: ${JSON.stringify(quote)}`);
    }
    expect(price).toBeGreaterThan(0);
    // The running low/high of the session bracket both the open and the current price.
    expect(low).toBeLessThanOrEqual(price);
    expect(price).toBeLessThanOrEqual(high);
    expect(low).toBeLessThanOrEqual(open);
    expect(open).toBeLessThanOrEqual(high);
    // Whole cents: change is exactly price − previous close, changePercent is in percent.
    expect(Math.round(change * 100)).toBe(Math.round(price * 100) - Math.round(previousClose * 100));
    expect(changePercent).toBeCloseTo((change / previousClose) * 100, 3);
    expect(Number.isInteger(volume) && volume >= 0).toBe(true);
    // The gateway's market clock is mid-session on a weekday (SIMULATED_NOW): the quote is live.
    const age = gateway.now() - Date.parse(quote.timestamp);
    expect(age).toBeGreaterThanOrEqual(-1_000);
    expect(age).toBeLessThan(60_000);
    expect(Date.parse(quote.asOf)).not.toBeNaN();
  });

  it('canonicalises a share-class symbol (brk.b → BRK.B)', async () => {
    const { data } = await execute(gateway.url, HttpQuoteAllFieldsDocument, { symbol: ' brk.b ' });
    expect(data?.quote?.symbol).toBe('BRK.B');
  });

  it('answers quotes in the order asked, one entry per symbol asked (duplicates too)', async () => {
    const symbols = ['NVDA', 'aapl', 'SPY', 'BRK.B', 'msft', 'NVDA'];
    const { data, errors } = await execute(gateway.url, QuotesDocument, { symbols });
    expect(errors).toBeUndefined();
    expect(data?.quotes!.map((quote) => quote?.symbol)).toEqual(['NVDA', 'AAPL', 'SPY', 'BRK.B', 'MSFT', 'NVDA']);
    for (const quote of data?.quotes ?? []) expect(quote).toMatchObject({ source: 'simulated', stale: false });
    expect(data?.quotes![5]?.price).toBe(data?.quotes![0]?.price);
  });

  it('links a quote to its company', async () => {
    const { data, errors } = await execute(gateway.url, QuoteWithCompanyDocument, { symbol: 'AAPL' });
    expect(errors).toBeUndefined();
    expect(data?.quote).toMatchObject({ symbol: 'AAPL', company: { name: 'Apple Inc.', sector: 'Information Technology' } });
  });
});

describe('company', () => {
  it('answers the profile with its quote and its income statements, newest first', async () => {
    const { data, errors } = await execute(gateway.url, CompanyDocument, { symbol: 'MSFT' });
    expect(errors).toBeUndefined();
    const company = data?.company;
    expect(company).toMatchObject({ symbol: 'MSFT', name: 'Microsoft Corporation', exchange: 'NASDAQ', currency: 'USD', source: 'simulated' });
    expect(company?.marketCap).toBeGreaterThan(0);
    expect(company?.quote?.price).toBeGreaterThan(0);
    const statements = company?.financials ?? [];
    expect(statements).toHaveLength(2);
    expect((statements[0]?.fiscalDate ?? '') > (statements[1]?.fiscalDate ?? '')).toBe(true);
    for (const statement of statements) {
      if (!('revenue' in statement)) throw new Error('an income statement was asked for');
      expect(statement.revenue).toBeGreaterThan(0);
    }
  });

  it('passes statement, period and limit through Company.financials', async () => {
    const { data, errors } = await execute(gateway.url, HttpCompanyGraphDocument, { symbol: 'NVDA', statement: 'BALANCE', period: 'QUARTERLY', limit: 3 });
    expect(errors).toBeUndefined();
    expect(data?.company?.quote).toMatchObject({ symbol: 'NVDA', source: 'simulated' });
    expect(data?.company?.financials).toHaveLength(3);
    for (const statement of data?.company?.financials ?? []) {
      expect(statement).toMatchObject({ __typename: 'BalanceSheet', symbol: 'NVDA', period: 'QUARTERLY' });
    }
  });
});

describe('priceHistory', () => {
  it('includes both `from` and `to`, NYSE trading days only, in DAY bars', async () => {
    const bars = await history('AAPL', '2025-01-06', '2025-01-10', 'DAY');
    // 2025-01-09: the NYSE closed for the national day of mourning for President Carter.
    expect(bars.map((bar) => bar.date)).toEqual(['2025-01-06', '2025-01-07', '2025-01-08', '2025-01-10']);
    expectWellFormedBars(bars);
    const weekendBounds = await history('AAPL', '2025-01-04', '2025-01-12', 'DAY');
    expect(weekendBounds).toEqual(bars);
  });

  it('makes WEEK bars out of the daily bars, dated by their first session in range', async () => {
    const [weeks, days] = await Promise.all([
      history('NVDA', '2025-01-01', '2025-01-31', 'WEEK'),
      history('NVDA', '2025-01-01', '2025-01-03', 'DAY'),
    ]);
    // New Year's Day and Martin Luther King, Jr. Day (01-20) have no session.
    expect(weeks.map((bar) => bar.date)).toEqual(['2025-01-02', '2025-01-06', '2025-01-13', '2025-01-21', '2025-01-27']);
    expectWellFormedBars(weeks);
    expect(days).toHaveLength(2);
    expect(weeks[0]).toEqual({
      date: '2025-01-02',
      open: days[0]?.open,
      high: Math.max(...days.map((bar) => bar.high)),
      low: Math.min(...days.map((bar) => bar.low)),
      close: days[1]?.close,
      volume: days.reduce((sum, bar) => sum + bar.volume, 0),
    });
  });

  it('makes MONTH bars dated by their first session in range', async () => {
    const months = await history('NVDA', '2025-01-15', '2025-03-31', 'MONTH');
    // 1 February and 1 March 2025 are Saturdays.
    expect(months.map((bar) => bar.date)).toEqual(['2025-01-15', '2025-02-03', '2025-03-03']);
    expectWellFormedBars(months);
  });

  it('defaults to a year of DAY bars up to today', async () => {
    const bars = await history('SPY', undefined, undefined, 'DAY');
    expectWellFormedBars(bars);
    // A year of weekdays (259–262) less the NYSE's nine or ten holidays.
    expect(bars.length).toBeGreaterThanOrEqual(248);
    expect(bars.length).toBeLessThanOrEqual(253);
    const today = new Date(gateway.now()).toISOString().slice(0, 10);
    expect(bars.at(-1)?.date.localeCompare(today)).toBeLessThanOrEqual(0);
    expect(Date.parse(today) - Date.parse(bars[0]?.date ?? '')).toBeLessThanOrEqual(366 * 86_400_000);
  });
});

describe('financials', () => {
  const typenames: Record<StatementType, string> = { INCOME: 'IncomeStatement', BALANCE: 'BalanceSheet', CASH_FLOW: 'CashFlowStatement' };
  const cases: Array<[StatementType, Period]> = [
    ['INCOME', 'ANNUAL'],
    ['INCOME', 'QUARTERLY'],
    ['BALANCE', 'ANNUAL'],
    ['BALANCE', 'QUARTERLY'],
    ['CASH_FLOW', 'ANNUAL'],
    ['CASH_FLOW', 'QUARTERLY'],
  ];

  it.each(cases)('answers %s %s statements that add up', async (statement, period) => {
    const { data, errors } = await execute(gateway.url, FinancialsDocument, { symbol: 'AAPL', statement, period, limit: 3 });
    expect(errors).toBeUndefined();
    const statements: FinancialsQuery['financials'] = data?.financials ?? [];
    expect(statements).toHaveLength(3);
    const monthsApart = period === 'ANNUAL' ? 12 : 3;
    statements.forEach((item, index) => {
      expect(item).toMatchObject({ __typename: typenames[statement], symbol: 'AAPL', period, currency: 'USD', source: 'simulated' });
      const previous = statements[index - 1];
      if (previous) {
        const [y1, m1] = previous.fiscalDate.split('-').map(Number);
        const [y2, m2] = item.fiscalDate.split('-').map(Number);
        expect(((y1 ?? 0) - (y2 ?? 0)) * 12 + ((m1 ?? 0) - (m2 ?? 0))).toBe(monthsApart);
      }
      switch (item.__typename) {
        case 'BalanceSheet':
          expect(item.totalAssets).toBeGreaterThan(0);
          expect(item.totalAssets).toBe((item.totalLiabilities ?? NaN) + (item.totalEquity ?? NaN));
          break;
        case 'CashFlowStatement':
          expect(item.operatingCashFlow).not.toBeNull();
          expect(item.freeCashFlow).toBe((item.operatingCashFlow ?? NaN) - (item.capitalExpenditure ?? NaN));
          break;
        case 'IncomeStatement':
          expect(item.revenue).toBeGreaterThan(0);
          expect(item.grossProfit).toBe((item.revenue ?? NaN) - (item.costOfRevenue ?? NaN));
          break;
      }
    });
  });

  it('defaults to 4 annual periods and honours limit 1', async () => {
    const [byDefault, one] = await Promise.all([
      execute(gateway.url, FinancialsDocument, { symbol: 'MSFT', statement: 'INCOME' }),
      execute(gateway.url, FinancialsDocument, { symbol: 'MSFT', statement: 'INCOME', limit: 1 }),
    ]);
    expect(byDefault.data?.financials).toHaveLength(4);
    expect(byDefault.data?.financials!.every((item) => item.period === 'ANNUAL')).toBe(true);
    expect(one.data?.financials).toHaveLength(1);
    expect(one.data?.financials![0]).toEqual(byDefault.data?.financials![0]);
  });
});

describe('search', () => {
  it('finds Apple by name, AAPL first', async () => {
    const { data, errors } = await execute(gateway.url, SearchDocument, { query: 'apple' });
    expect(errors).toBeUndefined();
    expect(data?.search![0]).toEqual({ symbol: 'AAPL', name: 'Apple Inc.', exchange: 'NASDAQ', type: 'EQUITY' });
  });

  it('ranks the exact ticker before tickers it prefixes', async () => {
    const { data } = await execute(gateway.url, SearchDocument, { query: 'ms' });
    const symbols = data?.search!.map((match) => match.symbol) ?? [];
    expect(symbols[0]).toBe('MS');
    expect(symbols).toContain('MSFT');
  });

  it('honours limit', async () => {
    const { data } = await execute(gateway.url, SearchDocument, { query: 'a', limit: 5 });
    expect(data?.search).toHaveLength(5);
  });
});

describe('providers', () => {
  it('lists the simulated market with its capabilities', async () => {
    const { data, errors } = await execute(gateway.url, ProvidersDocument, {});
    expect(errors).toBeUndefined();
    expect(data?.providers).toEqual([
      { id: 'simulated', name: 'Simulated market', capabilities: ['QUOTE', 'HISTORY', 'PROFILE', 'STATEMENTS', 'SEARCH', 'STREAM'], enabled: true },
    ]);
  });
});
