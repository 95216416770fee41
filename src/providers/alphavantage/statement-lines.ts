import { z } from 'zod';
import type { BalanceSheet, CashFlowStatement, IncomeStatement } from '../../domain/index.js';
import { optionalNumber } from '../parse.js';
import { outflowOrNull } from './numbers.js';

/**
 * The lines of Alpha Vantage's INCOME_STATEMENT, BALANCE_SHEET and CASH_FLOW reports that our
 * statements carry, read from their documented names. Every amount is a string ("61860000000")
 * or "None"; a line a report lacks is null, never zero.
 */

type Lines<T> = Omit<T, 'type' | 'symbol' | 'fiscalDate' | 'period' | 'fiscalPeriod' | 'currency' | 'source' | 'asOf' | 'stale'>;

const amount = optionalNumber;

export const IncomeReportSchema = z.object({
  totalRevenue: amount,
  costOfRevenue: amount,
  costofGoodsAndServicesSold: amount,
  grossProfit: amount,
  operatingExpenses: amount,
  operatingIncome: amount,
  interestExpense: amount,
  incomeBeforeTax: amount,
  incomeTaxExpense: amount,
  netIncome: amount,
  ebitda: amount,
});

/**
 * Alpha Vantage has no per-share figures or share counts in this report (EPS lives in EARNINGS,
 * a call of its own), so those stay null rather than cost a second call from a 25-a-day quota.
 */
export function incomeLines(report: z.output<typeof IncomeReportSchema>): Lines<IncomeStatement> {
  return {
    revenue: report.totalRevenue,
    // costofGoodsAndServicesSold is goods only for many filers (IBM: 0.4 bn against 27.6 bn cost of revenue).
    costOfRevenue: report.costOfRevenue ?? report.costofGoodsAndServicesSold,
    grossProfit: report.grossProfit,
    operatingExpenses: report.operatingExpenses,
    operatingIncome: report.operatingIncome,
    interestExpense: report.interestExpense,
    incomeBeforeTax: report.incomeBeforeTax,
    incomeTaxExpense: report.incomeTaxExpense,
    netIncome: report.netIncome,
    ebitda: report.ebitda,
    eps: null,
    dilutedEps: null,
    sharesOutstanding: null,
  };
}

export const BalanceReportSchema = z.object({
  totalAssets: amount,
  totalCurrentAssets: amount,
  cashAndCashEquivalentsAtCarryingValue: amount,
  shortTermInvestments: amount,
  currentNetReceivables: amount,
  inventory: amount,
  totalNonCurrentAssets: amount,
  totalLiabilities: amount,
  totalCurrentLiabilities: amount,
  currentAccountsPayable: amount,
  shortLongTermDebtTotal: amount,
  longTermDebtNoncurrent: amount,
  longTermDebt: amount,
  totalNonCurrentLiabilities: amount,
  totalShareholderEquity: amount,
  retainedEarnings: amount,
});

export function balanceLines(report: z.output<typeof BalanceReportSchema>): Lines<BalanceSheet> {
  return {
    totalAssets: report.totalAssets,
    totalCurrentAssets: report.totalCurrentAssets,
    cash: report.cashAndCashEquivalentsAtCarryingValue,
    shortTermInvestments: report.shortTermInvestments,
    receivables: report.currentNetReceivables,
    inventory: report.inventory,
    totalNonCurrentAssets: report.totalNonCurrentAssets,
    totalLiabilities: report.totalLiabilities,
    totalCurrentLiabilities: report.totalCurrentLiabilities,
    accountsPayable: report.currentAccountsPayable,
    totalDebt: report.shortLongTermDebtTotal,
    // longTermDebt includes the current portion for some filers; the non-current line is what the balance sheet shows.
    longTermDebt: report.longTermDebtNoncurrent ?? report.longTermDebt,
    totalNonCurrentLiabilities: report.totalNonCurrentLiabilities,
    totalEquity: report.totalShareholderEquity,
    retainedEarnings: report.retainedEarnings,
  };
}

export const CashFlowReportSchema = z.object({
  operatingCashflow: amount,
  capitalExpenditures: amount,
  cashflowFromInvestment: amount,
  cashflowFromFinancing: amount,
  dividendPayout: amount,
  dividendPayoutCommonStock: amount,
  paymentsForRepurchaseOfCommonStock: amount,
  paymentsForRepurchaseOfEquity: amount,
  changeInCashAndCashEquivalents: amount,
});

export function cashFlowLines(report: z.output<typeof CashFlowReportSchema>): Lines<CashFlowStatement> {
  const operatingCashFlow = report.operatingCashflow;
  const capitalExpenditure = outflowOrNull(report.capitalExpenditures);
  return {
    operatingCashFlow,
    capitalExpenditure,
    freeCashFlow: operatingCashFlow !== null && capitalExpenditure !== null ? operatingCashFlow - capitalExpenditure : null,
    investingCashFlow: report.cashflowFromInvestment,
    financingCashFlow: report.cashflowFromFinancing,
    dividendsPaid: outflowOrNull(report.dividendPayout ?? report.dividendPayoutCommonStock),
    shareRepurchases: outflowOrNull(report.paymentsForRepurchaseOfCommonStock ?? report.paymentsForRepurchaseOfEquity),
    netChangeInCash: report.changeInCashAndCashEquivalents,
  };
}
