import { z } from 'zod';
import { calendarDate, maybeNumber, maybeText, maybeYear, type FmpBalance, type FmpCashFlow, type FmpIncome } from './wire.js';

/**
 * Statement rows of `/stable/income-statement`, `/stable/balance-sheet-statement` and
 * `/stable/cash-flow-statement`: `fiscalYear` names the year, `epsDiluted` is camel-cased, and the
 * cash-flow totals are `netCashProvidedBy…Activities`. Amounts keep FMP's signs here.
 */

const base = {
  date: calendarDate,
  fiscalYear: maybeYear,
  period: maybeText,
  reportedCurrency: maybeText,
};

function baseOf(row: { date: string; fiscalYear: string | null; period: string | null; reportedCurrency: string | null }) {
  return { date: row.date, fiscalYear: row.fiscalYear, period: row.period, currency: row.reportedCurrency };
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
    epsDiluted: maybeNumber,
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
    dilutedEps: row.epsDiluted,
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
    netCashProvidedByInvestingActivities: maybeNumber,
    netCashProvidedByFinancingActivities: maybeNumber,
    netDividendsPaid: maybeNumber,
    commonDividendsPaid: maybeNumber,
    commonStockRepurchased: maybeNumber,
    netChangeInCash: maybeNumber,
  })
  .transform((row) => ({
    ...baseOf(row),
    operatingCashFlow: row.operatingCashFlow ?? row.netCashProvidedByOperatingActivities,
    capitalExpenditure: row.capitalExpenditure,
    freeCashFlow: row.freeCashFlow,
    investingCashFlow: row.netCashProvidedByInvestingActivities,
    financingCashFlow: row.netCashProvidedByFinancingActivities,
    dividendsPaid: row.netDividendsPaid ?? row.commonDividendsPaid,
    shareRepurchases: row.commonStockRepurchased,
    netChangeInCash: row.netChangeInCash,
  }));
