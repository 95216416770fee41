import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FinancialStatementSchema, ProviderFailureKind, type FinancialStatement, type StatementQuery } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { KEY, failureOf, finnhubOn, present } from './finnhub-support.js';

/**
 * Finnhub `/stock/financials-reported`: as-reported XBRL facts of 10-K and 10-Q filings mapped to
 * the domain's statements. The fixtures carry Apple's FY2018–FY2020 figures (in USD).
 */

const M = 1_000_000;
let upstream: FakeUpstream;
let adapter: ProviderAdapter;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  adapter = finnhubOn(upstream.url);
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await adapter.close?.();
  await upstream.close();
});

async function statements(query: Partial<StatementQuery> & Pick<StatementQuery, 'statement'>): Promise<FinancialStatement[]> {
  const result = await present(adapter.statements).fetch({ symbol: 'AAPL', period: 'ANNUAL', limit: 4, ...query });
  for (const statement of result) FinancialStatementSchema.parse(statement);
  return result;
}

function serveAnnual(): void {
  upstream.on({ path: '/stock/financials-reported', query: { symbol: 'AAPL', freq: 'annual' } }, { json: fixture('finnhub/financials-reported-annual.json') });
}
function serveQuarterly(): void {
  upstream.on({ path: '/stock/financials-reported', query: { symbol: 'AAPL', freq: 'quarterly' } }, { json: fixture('finnhub/financials-reported-quarterly.json') });
}

describe('annual statements', () => {
  it('asks for the annual filings with the key in the header', async () => {
    serveAnnual();
    await statements({ statement: 'INCOME' });
    expect(upstream.requests[0]).toMatchObject({ path: '/stock/financials-reported', query: { symbol: 'AAPL', freq: 'annual' } });
    expect(upstream.requests[0]?.headers['x-finnhub-token']).toBe(KEY);
  });

  it('maps the income statement, taking a repeated concept at its total (net sales by product, then in total)', async () => {
    serveAnnual();
    const [fy2019, fy2018] = await statements({ statement: 'INCOME' });
    expect(fy2019).toEqual({
      type: 'INCOME',
      symbol: 'AAPL',
      fiscalDate: '2019-09-28',
      period: 'ANNUAL',
      fiscalPeriod: 'FY2019',
      currency: 'USD',
      revenue: 260_174 * M,
      costOfRevenue: 161_782 * M,
      grossProfit: 98_392 * M,
      operatingExpenses: 34_462 * M,
      operatingIncome: 63_930 * M,
      interestExpense: null,
      incomeBeforeTax: 65_737 * M,
      incomeTaxExpense: 10_481 * M,
      netIncome: 55_256 * M,
      ebitda: null,
      eps: 11.97,
      dilutedEps: 11.89,
      sharesOutstanding: 4_617_834_000,
      source: 'finnhub',
      asOf: new Date('2019-10-31T00:00:00Z'),
      stale: false,
    });
    expect(fy2018).toMatchObject({ fiscalDate: '2018-09-29', fiscalPeriod: 'FY2018', revenue: 265_595 * M, netIncome: 59_531 * M, eps: 12.01 });
  });

  it('maps the balance sheet, deriving the totals a filer leaves out', async () => {
    serveAnnual();
    const [fy2019, fy2018] = await statements({ statement: 'BALANCE' });
    expect(fy2019).toMatchObject({
      type: 'BALANCE',
      fiscalDate: '2019-09-28',
      totalAssets: 338_516 * M,
      totalCurrentAssets: 162_819 * M,
      cash: 48_844 * M,
      shortTermInvestments: 51_713 * M,
      receivables: 22_926 * M,
      inventory: 4_106 * M,
      totalNonCurrentAssets: 175_697 * M,
      totalLiabilities: 248_028 * M,
      totalCurrentLiabilities: 105_718 * M,
      accountsPayable: 46_236 * M,
      // Commercial paper + current term debt + non-current term debt.
      totalDebt: (5_980 + 10_260 + 91_807) * M,
      longTermDebt: 91_807 * M,
      totalNonCurrentLiabilities: 142_310 * M,
      totalEquity: 90_488 * M,
      retainedEarnings: 45_898 * M,
    });
    // FY2018's filing in the fixture reports no non-current subtotals: total less current.
    expect(fy2018).toMatchObject({ totalNonCurrentAssets: (365_725 - 131_339) * M, totalNonCurrentLiabilities: (258_578 - 116_866) * M });
  });

  it('maps the cash-flow statement, payments as positive amounts and free cash flow derived', async () => {
    serveAnnual();
    const [fy2019] = await statements({ statement: 'CASH_FLOW', limit: 1 });
    expect(fy2019).toMatchObject({
      type: 'CASH_FLOW',
      fiscalPeriod: 'FY2019',
      operatingCashFlow: 69_391 * M,
      capitalExpenditure: 10_495 * M,
      freeCashFlow: (69_391 - 10_495) * M,
      investingCashFlow: 45_896 * M,
      financingCashFlow: -90_976 * M,
      dividendsPaid: 14_119 * M,
      shareRepurchases: 66_897 * M,
      netChangeInCash: 24_311 * M,
    });
  });

  it('answers newest first and at most `limit` periods', async () => {
    serveAnnual();
    const result = await statements({ statement: 'INCOME', limit: 1 });
    expect(result.map((statement) => statement.fiscalDate)).toEqual(['2019-09-28']);
  });

  it('reads the concept-keyed sections of the sample in Finnhub’s docs as well', async () => {
    upstream.on(
      { path: '/stock/financials-reported' },
      {
        json: {
          cik: '320193',
          symbol: 'AAPL',
          data: [
            {
              year: 2019,
              quarter: 0,
              form: '10-K',
              endDate: '2019-09-28 00:00:00',
              filedDate: '2019-10-31 00:00:00',
              report: { bs: { Assets: 338516000000, Liabilities: 248028000000, StockholdersEquity: 90488000000 }, cf: {}, ic: {} },
            },
          ],
        },
      },
    );
    const [balance] = await statements({ statement: 'BALANCE' });
    expect(balance).toMatchObject({ totalAssets: 338_516 * M, totalLiabilities: 248_028 * M, totalEquity: 90_488 * M, currency: null });
  });

  it('answers NOT_FOUND when Finnhub has no filings of the symbol (`data: []`)', async () => {
    upstream.on({ path: '/stock/financials-reported' }, { json: fixture('finnhub/financials-reported-unknown.json') });
    await failureOf(present(adapter.statements).fetch({ symbol: 'NOPE', statement: 'INCOME', period: 'ANNUAL', limit: 4 }), ProviderFailureKind.NOT_FOUND);
  });

  it('refuses filings without a period end as BAD_RESPONSE', async () => {
    upstream.on({ path: '/stock/financials-reported' }, { json: { symbol: 'AAPL', data: [{ year: 2019, form: '10-K', report: {} }] } });
    await failureOf(statements({ statement: 'INCOME' }), ProviderFailureKind.BAD_RESPONSE);
  });
});

describe('quarterly statements', () => {
  it('turns the year-to-date flows of 10-Qs (and the 10-K as Q4) into each quarter’s own', async () => {
    serveQuarterly();
    const income = await statements({ statement: 'INCOME', period: 'QUARTERLY' });
    expect(upstream.requests[0]?.query).toEqual({ symbol: 'AAPL', freq: 'quarterly' });
    expect(income.map((statement) => [statement.fiscalDate, statement.fiscalPeriod])).toEqual([
      ['2020-03-28', '2020-Q2'],
      ['2019-12-28', '2020-Q1'],
      ['2019-09-28', '2019-Q4'],
      // 2019-Q3 is left out: without Q2's year-to-date, its own quarter cannot be told.
    ]);
    expect(income[0]).toMatchObject({ period: 'QUARTERLY', revenue: 58_313 * M, netIncome: 11_249 * M, eps: null });
    expect(income[1]).toMatchObject({ revenue: 91_819 * M, netIncome: 22_236 * M, eps: 5.04 });
    expect(income[2]).toMatchObject({ revenue: 64_040 * M, netIncome: 13_686 * M, eps: null });
  });

  it('de-accumulates cash flows the same way', async () => {
    serveQuarterly();
    const [q2, q1, q4] = await statements({ statement: 'CASH_FLOW', period: 'QUARTERLY' });
    expect(q2).toMatchObject({ operatingCashFlow: 13_311 * M, capitalExpenditure: 1_853 * M, freeCashFlow: 11_458 * M });
    expect(q1).toMatchObject({ operatingCashFlow: 30_516 * M, capitalExpenditure: 2_107 * M });
    expect(q4).toMatchObject({ fiscalPeriod: '2019-Q4', operatingCashFlow: 19_909 * M, capitalExpenditure: 2_777 * M });
  });

  it('keeps every quarter’s balance sheet as filed: it is a point in time', async () => {
    serveQuarterly();
    const balances = await statements({ statement: 'BALANCE', period: 'QUARTERLY', limit: 10 });
    expect(balances.map((statement) => [statement.fiscalPeriod, 'totalAssets' in statement ? statement.totalAssets : undefined])).toEqual([
      ['2020-Q2', 320_400 * M],
      ['2020-Q1', 340_618 * M],
      ['2019-Q4', 338_516 * M],
      ['2019-Q3', 322_239 * M],
    ]);
  });
});
