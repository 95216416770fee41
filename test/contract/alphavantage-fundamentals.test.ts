import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CompanyProfileSchema,
  FinancialStatementSchema,
  ProviderFailureKind,
  type FinancialStatement,
  type StatementQuery,
} from '../../src/domain/index.js';
import { av, entryFailure, entryValue, failureOf, Harness, KEY, query, variant } from './alphavantage-support.js';

let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start();
});
afterEach(() => harness.upstream.reset());
afterAll(async () => {
  await harness.close();
});

const NOW = Date.parse('2024-07-01T09:30:00Z');

function adapter() {
  const built = harness.adapter({ now: NOW });
  if (!built.profile || !built.statements) throw new Error('the adapter serves profiles and statements');
  return { profile: built.profile, statements: built.statements };
}

describe('profiles through OVERVIEW', () => {
  it('maps the documented payload to exact domain values', async () => {
    harness.upstream.on(query('OVERVIEW', { symbol: 'IBM' }), { json: av('overview-ibm') });
    const result = await adapter().profile.fetch(['IBM']);
    const profile = entryValue(result, 'IBM');
    expect(profile).toEqual({
      symbol: 'IBM',
      name: 'International Business Machines',
      exchange: 'NYSE',
      sector: 'TECHNOLOGY',
      industry: 'COMPUTER & OFFICE EQUIPMENT',
      country: 'USA',
      currency: 'USD',
      description:
        'International Business Machines Corporation (IBM) is an American multinational technology company headquartered in Armonk, New York, with operations in over 171 countries.',
      marketCap: 197991563000,
      source: 'alphavantage',
      // The overview carries no time of its own.
      asOf: new Date(NOW),
      stale: false,
    });
    expect(CompanyProfileSchema.parse(profile)).toEqual(profile);
  });

  it('sends GET /query?function=OVERVIEW with the symbol and the key, one symbol a call', async () => {
    harness.upstream.on(query('OVERVIEW'), { json: av('overview-ibm') });
    const fetcher = adapter().profile;
    expect(fetcher.batchSize).toBe(1);
    await fetcher.fetch(['IBM']);
    expect(harness.upstream.requests[0]).toMatchObject({ path: '/query', query: { function: 'OVERVIEW', symbol: 'IBM', apikey: KEY } });
  });

  it('answers an unknown symbol ({}) as NOT_FOUND for that symbol alone', async () => {
    harness.upstream.on(query('OVERVIEW'), { json: av('overview-unknown') });
    expect(entryFailure(await adapter().profile.fetch(['NOPE']), 'NOPE').kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('reads "None" and missing fields as null', async () => {
    const payload = variant<Record<string, string>>('overview-ibm', (body) => {
      body['MarketCapitalization'] = 'None';
      body['Sector'] = 'None';
      delete body['Industry'];
      body['Description'] = '';
    });
    harness.upstream.on(query('OVERVIEW'), { json: payload });
    const profile = entryValue(await adapter().profile.fetch(['IBM']), 'IBM');
    expect(profile).toMatchObject({ marketCap: null, sector: null, industry: null, description: null, name: 'International Business Machines' });
  });

  it('fails an overview without a company name as BAD_RESPONSE', async () => {
    const payload = variant<Record<string, string>>('overview-ibm', (body) => {
      body['Name'] = 'None';
    });
    harness.upstream.on(query('OVERVIEW'), { json: payload });
    expect((await failureOf(adapter().profile.fetch(['IBM']))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('fails a market cap that is not a number as BAD_RESPONSE', async () => {
    const payload = variant<Record<string, string>>('overview-ibm', (body) => {
      body['MarketCapitalization'] = '198 billion';
    });
    harness.upstream.on(query('OVERVIEW'), { json: payload });
    expect((await failureOf(adapter().profile.fetch(['IBM']))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });
});

const statementsOf = (statement: StatementQuery['statement'], period: StatementQuery['period'] = 'ANNUAL', limit = 4) =>
  adapter().statements.fetch({ symbol: 'IBM', statement, period, limit });

function expectValid(statements: readonly FinancialStatement[]): void {
  for (const statement of statements) expect(FinancialStatementSchema.parse(statement)).toEqual(statement);
}

describe('statements through INCOME_STATEMENT, BALANCE_SHEET and CASH_FLOW', () => {
  it('maps an annual income statement line by line', async () => {
    harness.upstream.on(query('INCOME_STATEMENT', { symbol: 'IBM' }), { json: av('income-statement-ibm') });
    const statements = await statementsOf('INCOME', 'ANNUAL', 2);
    expect(statements).toEqual([
      {
        type: 'INCOME',
        symbol: 'IBM',
        fiscalDate: '2023-12-31',
        period: 'ANNUAL',
        fiscalPeriod: null,
        currency: 'USD',
        source: 'alphavantage',
        asOf: new Date(NOW),
        stale: false,
        revenue: 61860000000,
        // costOfRevenue, not costofGoodsAndServicesSold (370000000): goods alone for IBM.
        costOfRevenue: 27560000000,
        grossProfit: 34300000000,
        operatingExpenses: 26786000000,
        operatingIncome: 7514000000,
        interestExpense: 1607000000,
        incomeBeforeTax: 8690000000,
        incomeTaxExpense: -126000000,
        netIncome: 7502000000,
        ebitda: 12368000000,
        eps: null,
        dilutedEps: null,
        sharesOutstanding: null,
      },
      expect.objectContaining({ fiscalDate: '2022-12-31', revenue: 60530000000, netIncome: 1639000000 }),
    ]);
    expectValid(statements);
    expect(harness.upstream.requests[0]).toMatchObject({ path: '/query', query: { function: 'INCOME_STATEMENT', symbol: 'IBM', apikey: KEY } });
  });

  it('answers quarterly reports newest first, at most `limit`', async () => {
    harness.upstream.on(query('INCOME_STATEMENT'), { json: av('income-statement-ibm') });
    const statements = await statementsOf('INCOME', 'QUARTERLY', 2);
    expect(statements.map((statement) => [statement.fiscalDate, statement.period])).toEqual([
      ['2024-03-31', 'QUARTERLY'],
      ['2023-12-31', 'QUARTERLY'],
    ]);
    expect(statements[0]).toMatchObject({ revenue: 14462000000, netIncome: 1605000000 });
  });

  it('orders reports newest first whatever order they arrive in', async () => {
    const payload = variant<{ annualReports: unknown[] }>('income-statement-ibm', (body) => body.annualReports.reverse());
    harness.upstream.on(query('INCOME_STATEMENT'), { json: payload });
    const statements = await statementsOf('INCOME', 'ANNUAL', 4);
    expect(statements.map((statement) => statement.fiscalDate)).toEqual(['2023-12-31', '2022-12-31', '2021-12-31']);
  });

  it('maps a balance sheet line by line', async () => {
    harness.upstream.on(query('BALANCE_SHEET', { symbol: 'IBM' }), { json: av('balance-sheet-ibm') });
    const statements = await statementsOf('BALANCE');
    expect(statements[0]).toEqual({
      type: 'BALANCE',
      symbol: 'IBM',
      fiscalDate: '2023-12-31',
      period: 'ANNUAL',
      fiscalPeriod: null,
      currency: 'USD',
      source: 'alphavantage',
      asOf: new Date(NOW),
      stale: false,
      totalAssets: 135241000000,
      totalCurrentAssets: 32908000000,
      cash: 13068000000,
      shortTermInvestments: 373000000,
      receivables: 14424000000,
      inventory: 1161000000,
      totalNonCurrentAssets: 102333000000,
      totalLiabilities: 112628000000,
      totalCurrentLiabilities: 34122000000,
      accountsPayable: 4132000000,
      totalDebt: 56547000000,
      // The non-current line, not longTermDebt (56548000000, current portion included).
      longTermDebt: 50121000000,
      totalNonCurrentLiabilities: 78506000000,
      totalEquity: 22533000000,
      retainedEarnings: 151276000000,
    });
    // 2022 has no non-current line: longTermDebt stands in.
    expect(statements[1]).toMatchObject({ fiscalDate: '2022-12-31', longTermDebt: 46189000000 });
    expectValid(statements);
  });

  it('maps a cash-flow statement: capex as a positive amount spent, FCF = OCF − capex', async () => {
    harness.upstream.on(query('CASH_FLOW', { symbol: 'IBM' }), { json: av('cash-flow-ibm') });
    const statements = await statementsOf('CASH_FLOW');
    expect(statements[0]).toEqual({
      type: 'CASH_FLOW',
      symbol: 'IBM',
      fiscalDate: '2023-12-31',
      period: 'ANNUAL',
      fiscalPeriod: null,
      currency: 'USD',
      source: 'alphavantage',
      asOf: new Date(NOW),
      stale: false,
      operatingCashFlow: 13931000000,
      capitalExpenditure: 1685000000,
      freeCashFlow: 12246000000,
      investingCashFlow: -7070000000,
      financingCashFlow: -1948000000,
      dividendsPaid: 6040000000,
      shareRepurchases: null,
      netChangeInCash: 5181000000,
    });
    expect(statements[1]).toMatchObject({ fiscalDate: '2022-12-31', shareRepurchases: 407000000, freeCashFlow: 10435000000 - 1346000000 });
    expectValid(statements);
  });

  it('reads a capex reported negative as the same positive amount spent', async () => {
    harness.upstream.on(query('CASH_FLOW'), { json: av('cash-flow-ibm') });
    const [latest] = await statementsOf('CASH_FLOW', 'QUARTERLY', 1);
    expect(latest).toMatchObject({ fiscalDate: '2024-03-31', capitalExpenditure: 412000000, freeCashFlow: 4185000000 - 412000000 });
  });

  it('leaves FCF null when capex is not reported', async () => {
    const payload = variant<{ annualReports: Array<Record<string, string>> }>('cash-flow-ibm', (body) => {
      (body.annualReports[0] as Record<string, string>)['capitalExpenditures'] = 'None';
    });
    harness.upstream.on(query('CASH_FLOW'), { json: payload });
    const [latest] = await statementsOf('CASH_FLOW', 'ANNUAL', 1);
    expect(latest).toMatchObject({ capitalExpenditure: null, freeCashFlow: null, operatingCashFlow: 13931000000 });
  });

  it('answers an unknown symbol ({}) as NOT_FOUND', async () => {
    harness.upstream.on(query('BALANCE_SHEET'), { json: {} });
    expect((await failureOf(statementsOf('BALANCE'))).kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('answers a symbol without reports of the asked period as NOT_FOUND', async () => {
    harness.upstream.on(query('INCOME_STATEMENT'), { json: { symbol: 'SPY', annualReports: [], quarterlyReports: [] } });
    expect((await failureOf(statementsOf('INCOME'))).kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it.each([
    ['a report without its end date', (report: Record<string, string>) => (report['fiscalDateEnding'] = 'None')],
    ['an amount that is not a number', (report: Record<string, string>) => (report['totalRevenue'] = 'lots')],
  ])('fails %s as BAD_RESPONSE', async (_what, change) => {
    const payload = variant<{ annualReports: Array<Record<string, string>> }>('income-statement-ibm', (body) => change(body.annualReports[1] as Record<string, string>));
    harness.upstream.on(query('INCOME_STATEMENT'), { json: payload });
    expect((await failureOf(statementsOf('INCOME'))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });
});
