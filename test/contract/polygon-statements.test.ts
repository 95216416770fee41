import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FinancialStatementSchema, ProviderFailureKind, type FinancialStatement, type StatementQuery } from '../../src/domain/index.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { expectKeyInHeaderOnly, failureOf, FINANCIALS_PATH, polygonAdapter, type PolygonAdapter } from './polygon-support.js';

/** Financial statements from Polygon's SEC-filing financials (nested `{label, unit, value}` lines). */

let upstream: FakeUpstream;
let polygon: PolygonAdapter;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  polygon = polygonAdapter(upstream);
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await polygon.close?.();
  await upstream.close();
});

const B = 1_000_000;

function serve(timeframe: 'annual' | 'quarterly'): void {
  upstream.on({ path: FINANCIALS_PATH, query: { ticker: 'AAPL', timeframe } }, { json: fixture(`polygon/financials-${timeframe}-AAPL.json`) });
}

async function statements(query: Partial<StatementQuery> & Pick<StatementQuery, 'statement'>): Promise<FinancialStatement[]> {
  const result = await polygon.statements.fetch({ symbol: 'AAPL', period: 'ANNUAL', limit: 4, ...query });
  for (const statement of result) FinancialStatementSchema.parse(statement);
  return result;
}

describe('financial statements', () => {
  it('maps the income statement of each annual report, newest first', async () => {
    serve('annual');
    const [fy2024, fy2023, ...rest] = await statements({ statement: 'INCOME' });
    expect(rest).toEqual([]);
    expect(fy2024).toEqual({
      type: 'INCOME',
      symbol: 'AAPL',
      fiscalDate: '2024-09-28',
      period: 'ANNUAL',
      fiscalPeriod: '2024',
      currency: 'USD',
      source: 'polygon',
      asOf: new Date('2024-11-01T00:00:00Z'),
      stale: false,
      revenue: 391_035 * B,
      costOfRevenue: 210_352 * B,
      grossProfit: 180_683 * B,
      operatingExpenses: 57_467 * B,
      operatingIncome: 123_216 * B,
      interestExpense: null,
      incomeBeforeTax: 123_485 * B,
      incomeTaxExpense: 29_749 * B,
      netIncome: 93_736 * B,
      ebitda: null,
      eps: 6.11,
      dilutedEps: 6.08,
      sharesOutstanding: 15_343_783_000,
    });
    expect(fy2023).toMatchObject({ fiscalDate: '2023-09-30', fiscalPeriod: '2023', revenue: 383_285 * B, netIncome: 96_995 * B });
  });

  it('asks for the period and count wanted, newest report first, key in the header', async () => {
    serve('annual');
    await statements({ statement: 'INCOME', limit: 2 });
    const [request] = upstream.requests;
    expect(request?.path).toBe(FINANCIALS_PATH);
    expect(request?.query).toEqual({ ticker: 'AAPL', timeframe: 'annual', limit: '2', order: 'desc', sort: 'period_of_report_date' });
    expectKeyInHeaderOnly(request);
  });

  it('maps the balance sheet, leaving lines Polygon does not standardise null', async () => {
    serve('annual');
    const [fy2024] = await statements({ statement: 'BALANCE' });
    expect(fy2024).toMatchObject({
      type: 'BALANCE',
      totalAssets: 364_980 * B,
      totalCurrentAssets: 152_987 * B,
      cash: 29_943 * B,
      shortTermInvestments: null,
      receivables: 33_410 * B,
      inventory: 7_286 * B,
      totalNonCurrentAssets: 211_993 * B,
      totalLiabilities: 308_030 * B,
      totalCurrentLiabilities: 176_392 * B,
      accountsPayable: 68_960 * B,
      totalDebt: null,
      longTermDebt: 85_750 * B,
      totalNonCurrentLiabilities: 131_638 * B,
      totalEquity: 56_950 * B,
      retainedEarnings: null,
    });
  });

  it('maps the cash flow statement: net flows only, no capex, dividends or buybacks to report', async () => {
    serve('annual');
    const [fy2024] = await statements({ statement: 'CASH_FLOW' });
    expect(fy2024).toMatchObject({
      type: 'CASH_FLOW',
      operatingCashFlow: 118_254 * B,
      investingCashFlow: 2_935 * B,
      financingCashFlow: -121_983 * B,
      netChangeInCash: -794 * B,
      capitalExpenditure: null,
      freeCashFlow: null,
      dividendsPaid: null,
      shareRepurchases: null,
    });
  });

  it('names quarters year-and-quarter and skips a report without the statement asked for', async () => {
    serve('quarterly');
    const income = await statements({ statement: 'INCOME', period: 'QUARTERLY' });
    expect(income.map((statement) => [statement.fiscalDate, statement.fiscalPeriod, statement.period])).toEqual([
      ['2024-12-28', '2025-Q1', 'QUARTERLY'],
      ['2024-06-29', '2024-Q3', 'QUARTERLY'],
    ]);
    expect(upstream.requests[0]?.query['timeframe']).toBe('quarterly');

    // The Q3 filing came without a cash flow statement.
    const cashFlows = await statements({ statement: 'CASH_FLOW', period: 'QUARTERLY' });
    expect(cashFlows.map((statement) => statement.fiscalPeriod)).toEqual(['2025-Q1']);
  });

  it('never returns more statements than asked for', async () => {
    serve('annual');
    expect(await statements({ statement: 'INCOME', limit: 1 })).toHaveLength(1);
  });

  it('is NOT_FOUND when Polygon has no reports for the ticker', async () => {
    upstream.on({ path: FINANCIALS_PATH }, { json: fixture('polygon/financials-empty.json') });
    expect((await failureOf(statements({ statement: 'INCOME' }))).kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('fails a report without its period end date as a bad response', async () => {
    const body = structuredClone(fixture('polygon/financials-annual-AAPL.json')) as { results: Array<Record<string, unknown>> };
    delete body.results[0]?.['end_date'];
    upstream.on({ path: FINANCIALS_PATH }, { json: body });
    expect((await failureOf(statements({ statement: 'INCOME' }))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });
});
