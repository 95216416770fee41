import { describe, expect, it } from 'vitest';
import {
  FinancialStatementSchema,
  ProviderFailureKind,
  type BalanceSheet,
  type CashFlowStatement,
  type FinancialStatement,
  type IncomeStatement,
  type Period,
  type StatementType,
} from '../../src/domain/index.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';

/** Wednesday 2025-11-19. */
const NOW = Date.UTC(2025, 10, 19, 15, 30);
const FUNDS = new Set(['SPY', 'QQQ']);

function provider(seed = 7, now = NOW) {
  return createSimulatedProvider({ seed, tickMs: 1000, now: () => now });
}

type Market = ReturnType<typeof provider>;

async function statements(
  market: Market,
  symbol: string,
  statement: StatementType,
  period: Period,
  limit = 20,
): Promise<FinancialStatement[]> {
  return market.statements.fetch({ symbol, statement, period, limit });
}

function amount(value: number | null): number {
  if (value === null || !Number.isInteger(value)) throw new Error(`expected a whole amount, got ${String(value)}`);
  return value;
}

function checkIncome(statement: IncomeStatement): void {
  const revenue = amount(statement.revenue);
  const netIncome = amount(statement.netIncome);
  expect(revenue).toBeGreaterThan(0);
  expect(netIncome).toBeLessThan(revenue);
  expect(amount(statement.grossProfit)).toBe(revenue - amount(statement.costOfRevenue));
  expect(amount(statement.operatingIncome)).toBe(amount(statement.grossProfit) - amount(statement.operatingExpenses));
  expect(amount(statement.operatingExpenses)).toBeGreaterThanOrEqual(0);
  expect(amount(statement.incomeBeforeTax)).toBe(netIncome + amount(statement.incomeTaxExpense));
  const shares = amount(statement.sharesOutstanding);
  expect(shares).toBeGreaterThan(0);
  expect(statement.eps).toBe(Math.round((netIncome / shares) * 100) / 100);
  // Dilution spreads the same income over more shares.
  expect(Math.abs(statement.dilutedEps ?? Infinity)).toBeLessThanOrEqual(Math.abs(statement.eps ?? 0));
}

function checkBalance(statement: BalanceSheet): void {
  const assets = amount(statement.totalAssets);
  const liabilities = amount(statement.totalLiabilities);
  expect(assets).toBeGreaterThan(0);
  expect(assets).toBe(liabilities + amount(statement.totalEquity));
  expect(amount(statement.totalCurrentAssets) + amount(statement.totalNonCurrentAssets)).toBe(assets);
  expect(amount(statement.totalCurrentLiabilities) + amount(statement.totalNonCurrentLiabilities)).toBe(liabilities);
  const parts =
    amount(statement.cash) +
    amount(statement.shortTermInvestments) +
    amount(statement.receivables) +
    (statement.inventory === null ? 0 : amount(statement.inventory));
  expect(parts).toBeLessThanOrEqual(amount(statement.totalCurrentAssets));
  expect(amount(statement.accountsPayable)).toBeLessThanOrEqual(amount(statement.totalCurrentLiabilities));
  expect(amount(statement.longTermDebt)).toBeLessThanOrEqual(amount(statement.totalDebt));
  expect(amount(statement.longTermDebt)).toBeLessThanOrEqual(amount(statement.totalNonCurrentLiabilities));
  amount(statement.retainedEarnings);
}

function checkCashFlow(statement: CashFlowStatement): void {
  const operating = amount(statement.operatingCashFlow);
  const capex = amount(statement.capitalExpenditure);
  expect(capex).toBeGreaterThan(0);
  expect(amount(statement.freeCashFlow)).toBe(operating - capex);
  expect(amount(statement.investingCashFlow)).toBeLessThanOrEqual(-capex);
  expect(amount(statement.dividendsPaid)).toBeGreaterThanOrEqual(0);
  expect(amount(statement.shareRepurchases)).toBeGreaterThanOrEqual(0);
  expect(amount(statement.netChangeInCash)).toBe(
    operating + amount(statement.investingCashFlow) + amount(statement.financingCashFlow),
  );
}

describe('simulated market: financial statements', () => {
  it('keeps the accounting identities exactly, for every company, statement and period', async () => {
    const market = provider();
    for (const symbol of market.symbols.filter((symbol) => !FUNDS.has(symbol))) {
      for (const period of ['ANNUAL', 'QUARTERLY'] as const) {
        for (const type of ['INCOME', 'BALANCE', 'CASH_FLOW'] as const) {
          const filed = await statements(market, symbol, type, period);
          expect(filed).toHaveLength(period === 'ANNUAL' ? 5 : 8);
          for (const statement of filed) {
            expect(FinancialStatementSchema.parse(statement)).toEqual(statement);
            expect(statement).toMatchObject({ symbol, type, period, currency: 'USD', source: 'simulated', stale: false });
            if (statement.type === 'INCOME') checkIncome(statement);
            if (statement.type === 'BALANCE') checkBalance(statement);
            if (statement.type === 'CASH_FLOW') checkCashFlow(statement);
          }
        }
      }
    }
  });

  it('files the last five completed fiscal years and eight quarters, newest first', async () => {
    const market = provider();
    const annual = await statements(market, 'MSFT', 'INCOME', 'ANNUAL');
    expect(annual.map((s) => [s.fiscalPeriod, s.fiscalDate])).toEqual([
      ['FY2025', '2025-06-30'],
      ['FY2024', '2024-06-30'],
      ['FY2023', '2023-06-30'],
      ['FY2022', '2022-06-30'],
      ['FY2021', '2021-06-30'],
    ]);
    const quarters = await statements(market, 'KO', 'BALANCE', 'QUARTERLY');
    expect(quarters.map((s) => s.fiscalPeriod)).toEqual([
      '2025-Q3', '2025-Q2', '2025-Q1', '2024-Q4', '2024-Q3', '2024-Q2', '2024-Q1', '2023-Q4',
    ]);
    expect(quarters[0]?.fiscalDate).toBe('2025-09-30');
    const calendarYear = await statements(market, 'KO', 'CASH_FLOW', 'ANNUAL');
    expect(calendarYear[0]).toMatchObject({ fiscalPeriod: 'FY2024', fiscalDate: '2024-12-31' });
    const nvidia = await statements(market, 'NVDA', 'INCOME', 'QUARTERLY', 1);
    expect(nvidia).toEqual([expect.objectContaining({ fiscalPeriod: '2026-Q3', fiscalDate: '2025-10-31' })]);
  });

  it('returns at most `limit` statements', async () => {
    const market = provider();
    expect(await statements(market, 'AAPL', 'INCOME', 'ANNUAL', 2)).toHaveLength(2);
    expect(await statements(market, 'AAPL', 'INCOME', 'QUARTERLY', 3)).toHaveLength(3);
    expect(await statements(market, 'AAPL', 'INCOME', 'QUARTERLY', 100)).toHaveLength(8);
  });

  it('makes a fiscal year the sum of its quarters, each near a quarter of it', async () => {
    const market = provider();
    const [year] = await statements(market, 'KO', 'INCOME', 'ANNUAL', 1);
    const quarters = (await statements(market, 'KO', 'INCOME', 'QUARTERLY')).filter((q) =>
      q.fiscalPeriod?.startsWith('2024-'),
    ) as IncomeStatement[];
    if (year?.type !== 'INCOME') throw new Error('expected an income statement');
    expect(quarters).toHaveLength(4);
    const revenue = amount(year.revenue);
    expect(quarters.reduce((sum, q) => sum + amount(q.revenue), 0)).toBe(revenue);
    expect(quarters.reduce((sum, q) => sum + amount(q.netIncome), 0)).toBe(year.netIncome);
    for (const quarter of quarters) {
      expect(amount(quarter.revenue) / (revenue / 4)).toBeGreaterThan(0.85);
      expect(amount(quarter.revenue) / (revenue / 4)).toBeLessThan(1.15);
    }
  });

  it('sizes the books to the company, with margins like its business', async () => {
    const market = provider();
    const revenueOf = async (symbol: string): Promise<IncomeStatement> => {
      const [latest] = await statements(market, symbol, 'INCOME', 'ANNUAL', 1);
      if (latest?.type !== 'INCOME') throw new Error('expected an income statement');
      return latest;
    };
    const apple = await revenueOf('AAPL');
    expect(amount(apple.revenue)).toBeGreaterThan(2e11);
    expect(amount(apple.revenue)).toBeLessThan(8e11);
    expect(amount(apple.netIncome)).toBeGreaterThan(0);
    const walmart = await revenueOf('WMT');
    expect(amount(walmart.netIncome) / amount(walmart.revenue)).toBeLessThan(0.06);
    const rivian = await revenueOf('RIVN');
    expect(amount(rivian.netIncome)).toBeLessThan(0);
    expect(amount(await revenueOf('F').then((f) => f.revenue))).toBeGreaterThan(amount(rivian.revenue));
  });

  it('files the same books for two share classes of one company', async () => {
    const market = provider();
    const googl = await statements(market, 'GOOGL', 'BALANCE', 'ANNUAL');
    const goog = await statements(market, 'GOOG', 'BALANCE', 'ANNUAL');
    expect(goog).toEqual(googl.map((statement) => ({ ...statement, symbol: 'GOOG' })));
  });

  it('is deterministic per seed', async () => {
    const first = await statements(provider(42), 'JPM', 'CASH_FLOW', 'QUARTERLY');
    expect(await statements(provider(42), 'JPM', 'CASH_FLOW', 'QUARTERLY')).toEqual(first);
    expect(await statements(provider(43), 'JPM', 'CASH_FLOW', 'QUARTERLY')).not.toEqual(first);
  });

  it('answers funds and unknown symbols with NOT_FOUND', async () => {
    const market = provider();
    await expect(statements(market, 'SPY', 'INCOME', 'ANNUAL')).rejects.toMatchObject({
      kind: ProviderFailureKind.NOT_FOUND,
      provider: 'simulated',
    });
    await expect(statements(market, 'NOPE', 'INCOME', 'ANNUAL')).rejects.toMatchObject({
      kind: ProviderFailureKind.NOT_FOUND,
    });
  });
});
