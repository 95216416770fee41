import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CompanyProfileSchema,
  FinancialStatementSchema,
  ProviderFailureKind,
  type CompanyProfile,
  type FinancialStatement,
  type StatementQuery,
} from '../../src/domain/index.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { errorFor, failureOf, fmpAdapter, fmpFixture, KEY, onlyRequest, plainTextRefusal, type FmpAdapter } from './fmp-support.js';

/**
 * Company profiles and the three financial statements on FMP's `/stable` API, from the
 * documented examples to exact domain values: outflows FMP reports as negative numbers come out
 * positive, and FCF = OCF − capex holds to the unit.
 */

let upstream: FakeUpstream;
let adapter: FmpAdapter;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  adapter = fmpAdapter(upstream);
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await adapter.close?.();
  await upstream.close();
});

function profileOf(result: ReadonlyMap<string, CompanyProfile | Error>, symbol: string): CompanyProfile {
  const entry = result.get(symbol);
  if (!entry || entry instanceof Error) throw new Error(`no profile for ${symbol}: ${String(entry)}`);
  return CompanyProfileSchema.parse(entry);
}

async function statements(query: Partial<StatementQuery> & Pick<StatementQuery, 'statement'>): Promise<FinancialStatement[]> {
  const result = await adapter.statements.fetch({ symbol: 'AAPL', period: 'ANNUAL', limit: 4, ...query });
  return result.map((statement) => FinancialStatementSchema.parse(statement));
}

describe('/stable/profile', () => {
  it('reads the documented example into exact domain values', async () => {
    upstream.on({ path: '/stable/profile', query: { symbol: 'AAPL' } }, { json: fmpFixture('stable/profile-aapl.json') });
    const before = Date.now();
    const profile = profileOf(await adapter.profile.fetch(['AAPL']), 'AAPL');
    const { description, asOf, ...rest } = profile;
    expect(rest).toEqual({
      symbol: 'AAPL',
      name: 'Apple Inc.',
      exchange: 'NASDAQ',
      sector: 'Technology',
      industry: 'Consumer Electronics',
      country: 'US',
      currency: 'USD',
      marketCap: 3900351299800,
      source: 'fmp',
      stale: false,
    });
    expect(description).toMatch(/^Apple Inc\. designs, manufactures, and markets smartphones/);
    // The profile has no timestamp of its own: asOf is the time of the call.
    expect(asOf.getTime()).toBeGreaterThanOrEqual(before);
    expect(onlyRequest(upstream)).toMatchObject({ path: '/stable/profile', query: { symbol: 'AAPL', apikey: KEY } });
    expect(adapter.profile.batchSize).toBe(1);
  });

  it('reads empty strings FMP writes for missing text (funds have no sector) as null', async () => {
    const [row] = fmpFixture('stable/profile-aapl.json') as [Record<string, unknown>];
    upstream.on({ path: '/stable/profile' }, { json: [{ ...row, sector: '', industry: '', marketCap: 0, description: null }] });
    expect(profileOf(await adapter.profile.fetch(['AAPL']), 'AAPL')).toMatchObject({ sector: null, industry: null, marketCap: null, description: null });
  });

  it('asks for BRK-B and answers BRK.B', async () => {
    const [row] = fmpFixture('stable/profile-aapl.json') as [Record<string, unknown>];
    upstream.on({ path: '/stable/profile', query: { symbol: 'BRK-B' } }, { json: [{ ...row, symbol: 'BRK-B', companyName: 'Berkshire Hathaway Inc.' }] });
    expect(profileOf(await adapter.profile.fetch(['BRK.B']), 'BRK.B')).toMatchObject({ symbol: 'BRK.B', name: 'Berkshire Hathaway Inc.' });
  });

  it('answers an unknown symbol ([]) with NOT_FOUND, and a nameless profile with BAD_RESPONSE', async () => {
    const [row] = fmpFixture('stable/profile-aapl.json') as [Record<string, unknown>];
    upstream.on({ path: '/stable/profile', query: { symbol: 'ZZZZ' } }, { json: [] });
    upstream.on({ path: '/stable/profile', query: { symbol: 'AAPL' } }, { json: [{ ...row, companyName: '' }] });
    const result = await adapter.profile.fetch(['ZZZZ', 'AAPL']);
    expect(errorFor(result, 'ZZZZ').kind).toBe(ProviderFailureKind.NOT_FOUND);
    expect(errorFor(result, 'AAPL').kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });
});

describe('/stable/income-statement', () => {
  it('reads the documented example into exact domain values, newest first', async () => {
    upstream.on({ path: '/stable/income-statement' }, { json: fmpFixture('stable/income-statement-aapl-annual.json') });
    const [fy2024, fy2023, ...rest] = await statements({ statement: 'INCOME', limit: 2 });
    expect(rest).toEqual([]);
    expect(onlyRequest(upstream)).toMatchObject({
      path: '/stable/income-statement',
      query: { symbol: 'AAPL', period: 'annual', limit: '2', apikey: KEY },
    });
    const { asOf, ...values } = fy2024 as FinancialStatement;
    expect(asOf).toBeInstanceOf(Date);
    expect(values).toEqual({
      type: 'INCOME',
      symbol: 'AAPL',
      fiscalDate: '2024-09-28',
      period: 'ANNUAL',
      fiscalPeriod: 'FY2024',
      currency: 'USD',
      source: 'fmp',
      stale: false,
      revenue: 391035000000,
      costOfRevenue: 210352000000,
      grossProfit: 180683000000,
      operatingExpenses: 57467000000,
      operatingIncome: 123216000000,
      interestExpense: 0,
      incomeBeforeTax: 123485000000,
      incomeTaxExpense: 29749000000,
      netIncome: 93736000000,
      ebitda: 134661000000,
      eps: 6.11,
      dilutedEps: 6.08,
      sharesOutstanding: 15343783000,
    });
    expect(fy2023).toMatchObject({ fiscalDate: '2023-09-30', fiscalPeriod: 'FY2023', revenue: 383285000000, dilutedEps: 6.13 });
  });

  it('asks for quarters with period=quarter and names them 2025-Q1', async () => {
    upstream.on({ path: '/stable/income-statement', query: { period: 'quarter' } }, { json: fmpFixture('stable/income-statement-aapl-quarter.json') });
    const quarters = await statements({ statement: 'INCOME', period: 'QUARTERLY' });
    expect(quarters.map((statement) => [statement.fiscalDate, statement.fiscalPeriod, statement.period])).toEqual([
      ['2024-12-28', '2025-Q1', 'QUARTERLY'],
      ['2024-09-28', '2024-Q4', 'QUARTERLY'],
    ]);
  });

  it('sorts newest first and keeps at most the limit, whatever order FMP sends', async () => {
    const rows = fmpFixture('stable/income-statement-aapl-annual.json') as object[];
    upstream.on({ path: '/stable/income-statement' }, { json: [...rows].reverse() });
    expect((await statements({ statement: 'INCOME', limit: 1 })).map((statement) => statement.fiscalDate)).toEqual(['2024-09-28']);
  });

  it('answers an unknown symbol ([]) with NOT_FOUND', async () => {
    upstream.on({ path: '/stable/income-statement' }, { json: [] });
    expect((await failureOf(statements({ statement: 'INCOME', symbol: 'ZZZZ' }))).kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('fails a row that is not a statement as BAD_RESPONSE', async () => {
    upstream.on({ path: '/stable/income-statement' }, { json: [{ date: 'last year', revenue: 'lots' }] });
    const error = await failureOf(statements({ statement: 'INCOME' }));
    expect(error.kind).toBe(ProviderFailureKind.BAD_RESPONSE);
    expect(error.message).toContain('AAPL');
  });

  it("classifies the free plan's limit refusal (402, plain text) as UNAUTHORIZED", async () => {
    upstream.on({ path: '/stable/income-statement' }, { status: 402, text: plainTextRefusal('premiumLimit') });
    const error = await failureOf(statements({ statement: 'INCOME', limit: 8 }));
    expect(error.kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect(error.options.upstreamMessage).toContain("'limit' must be between 0 and 5");
  });
});

describe('/stable/balance-sheet-statement', () => {
  it('reads the documented example into exact domain values', async () => {
    upstream.on({ path: '/stable/balance-sheet-statement', query: { symbol: 'AAPL', period: 'annual' } }, { json: fmpFixture('stable/balance-sheet-aapl-annual.json') });
    const [sheet] = await statements({ statement: 'BALANCE' });
    expect(sheet).toMatchObject({
      type: 'BALANCE',
      fiscalDate: '2024-09-28',
      fiscalPeriod: 'FY2024',
      totalAssets: 364980000000,
      totalCurrentAssets: 152987000000,
      cash: 29943000000,
      shortTermInvestments: 35228000000,
      receivables: 66243000000,
      inventory: 7286000000,
      totalNonCurrentAssets: 211993000000,
      totalLiabilities: 308030000000,
      totalCurrentLiabilities: 176392000000,
      accountsPayable: 68960000000,
      totalDebt: 106629000000,
      longTermDebt: 85750000000,
      totalNonCurrentLiabilities: 131638000000,
      totalEquity: 56950000000,
      retainedEarnings: -19154000000,
    });
    if (sheet?.type !== 'BALANCE') throw new Error('a balance sheet was asked for');
    expect((sheet.totalLiabilities ?? 0) + (sheet.totalEquity ?? 0)).toBe(sheet.totalAssets);
  });
});

describe('/stable/cash-flow-statement', () => {
  it('reads the documented example with outflows as positive amounts and FCF = OCF − capex', async () => {
    upstream.on({ path: '/stable/cash-flow-statement', query: { symbol: 'AAPL' } }, { json: fmpFixture('stable/cash-flow-aapl-annual.json') });
    const [flows] = await statements({ statement: 'CASH_FLOW' });
    expect(flows).toMatchObject({
      type: 'CASH_FLOW',
      operatingCashFlow: 118254000000,
      capitalExpenditure: 9447000000,
      freeCashFlow: 108807000000,
      investingCashFlow: 2935000000,
      financingCashFlow: -121983000000,
      dividendsPaid: 15234000000,
      shareRepurchases: 94949000000,
      netChangeInCash: -794000000,
    });
    if (flows?.type !== 'CASH_FLOW') throw new Error('a cash-flow statement was asked for');
    expect((flows.operatingCashFlow ?? 0) - (flows.capitalExpenditure ?? 0)).toBe(flows.freeCashFlow);
  });

  it('computes free cash flow when FMP leaves it out, and keeps a zero capex a plain zero', async () => {
    const [row] = fmpFixture('stable/cash-flow-aapl-annual.json') as [Record<string, unknown>];
    const { freeCashFlow: _free, ...withoutFree } = row;
    upstream.on({ path: '/stable/cash-flow-statement' }, { json: [withoutFree, { ...row, date: '2023-09-30', capitalExpenditure: 0, netDividendsPaid: null, commonDividendsPaid: -1 }] });
    const [latest, earlier] = await statements({ statement: 'CASH_FLOW' });
    expect(latest).toMatchObject({ freeCashFlow: 108807000000, capitalExpenditure: 9447000000 });
    expect(earlier).toMatchObject({ capitalExpenditure: 0, dividendsPaid: 1 });
    expect(Object.is((earlier as { capitalExpenditure: number }).capitalExpenditure, -0)).toBe(false);
  });
});
