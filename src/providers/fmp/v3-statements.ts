import { z } from 'zod';
import { calendarDate, maybeNumber, maybeText, maybeYear, type FmpBalance, type FmpCashFlow, type FmpIncome } from './wire.js';

/**
 * Statement rows of the legacy `/api/v3/income-statement/…`, `/balance-sheet-statement/…` and
 * `/cash-flow-statement/…`: `calendarYear` names the year, `epsdiluted` is lower-case, and the
 * cash-flow totals keep FMP's old spellings (`netCashUsedForInvestingActivites`,
 * `netCashUsedProvidedByFinancingActivities`, `dividendsPaid`). Amounts keep FMP's signs here.
 */

const base = {
  date: calendarDate,
  calendarYear: maybeYear,
  period: maybeText,
  reportedCurrency: maybeText,
};

function baseOf(row: { date: string; calendarYear: string | null; period: string | null; reportedCurrency: string | null }) {
  return { date: row.date, fiscalYear: row.calendarYear, period: row.period, currency: row.reportedCurrency };
}

export const incomeRow: z.ZodType<FmpIncome> = z
  .object({
    ...base,
    revenue: maybeNumber,
    costOfRevenue: maybeNumber,
    grossProfit: maybeNumber,
    operatingExpenses: maybeNumber,
    operatingIncome: maybeNumber,
    interestExpense: maybeNumber,
    incomeBeforeTax: maybeNumber,
    incomeTaxExpense: maybeNumber,
    netIncome: maybeNumber,
    ebitda: maybeNumber,
    eps: maybeNumber,
    epsdiluted: maybeNumber,
    weightedAverageShsOut: maybeNumber,
  })
  .transform((row) => ({
    ...baseOf(row),
    revenue: row.revenue,
    costOfRevenue: row.costOfRevenue,
    grossProfit: row.grossProfit,
    operatingExpenses: row.operatingExpenses,
    operatingIncome: row.operatingIncome,
    interestExpense: row.interestExpense,
    incomeBeforeTax: row.incomeBeforeTax,
    incomeTaxExpense: row.incomeTaxExpense,
    netIncome: row.netIncome,
    ebitda: row.ebitda,
    eps: row.eps,
    dilutedEps: row.epsdiluted,
    sharesOutstanding: row.weightedAverageShsOut,
  }));

export const balanceRow: z.ZodType<FmpBalance> = z
  .object({
    ...base,
    totalAssets: maybeNumber,
    totalCurrentAssets: maybeNumber,
    cashAndCashEquivalents: maybeNumber,
    shortTermInvestments: maybeNumber,
    netReceivables: maybeNumber,
    inventory: maybeNumber,
    totalNonCurrentAssets: maybeNumber,
    totalLiabilities: maybeNumber,
    totalCurrentLiabilities: maybeNumber,
    accountPayables: maybeNumber,
    totalDebt: maybeNumber,
    longTermDebt: maybeNumber,
    totalNonCurrentLiabilities: maybeNumber,
    totalEquity: maybeNumber,
    totalStockholdersEquity: maybeNumber,
    retainedEarnings: maybeNumber,
  })
  .transform((row) => ({
    ...baseOf(row),
    totalAssets: row.totalAssets,
    totalCurrentAssets: row.totalCurrentAssets,
    cash: row.cashAndCashEquivalents,
    shortTermInvestments: row.shortTermInvestments,
    receivables: row.netReceivables,
    inventory: row.inventory,
    totalNonCurrentAssets: row.totalNonCurrentAssets,
    totalLiabilities: row.totalLiabilities,
    totalCurrentLiabilities: row.totalCurrentLiabilities,
    accountsPayable: row.accountPayables,
    totalDebt: row.totalDebt,
    longTermDebt: row.longTermDebt,
    totalNonCurrentLiabilities: row.totalNonCurrentLiabilities,
    // totalEquity includes minority interest, so assets = liabilities + equity holds.
    totalEquity: row.totalEquity ?? row.totalStockholdersEquity,
    retainedEarnings: row.retainedEarnings,
  }));

export const cashFlowRow: z.ZodType<FmpCashFlow> = z
  .object({
    ...base,
    operatingCashFlow: maybeNumber,
    netCashProvidedByOperatingActivities: maybeNumber,
    capitalExpenditure: maybeNumber,
    freeCashFlow: maybeNumber,
    netCashUsedForInvestingActivites: maybeNumber,
    netCashUsedProvidedByFinancingActivities: maybeNumber,
    dividendsPaid: maybeNumber,
    commonStockRepurchased: maybeNumber,
    netChangeInCash: maybeNumber,
  })
  .transform((row) => ({
    ...baseOf(row),
    operatingCashFlow: row.operatingCashFlow ?? row.netCashProvidedByOperatingActivities,
    capitalExpenditure: row.capitalExpenditure,
    freeCashFlow: row.freeCashFlow,
    investingCashFlow: row.netCashUsedForInvestingActivites,
    financingCashFlow: row.netCashUsedProvidedByFinancingActivities,
    dividendsPaid: row.dividendsPaid,
    shareRepurchases: row.commonStockRepurchased,
    netChangeInCash: row.netChangeInCash,
  }));
