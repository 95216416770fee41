import { z } from 'zod';
import type { BalanceSheet, CashFlowStatement, IncomeStatement, StatementLines } from '../../domain/index.js';
import { optionalNumbers } from '../parse.js';
import { outflowOrNull } from './numbers.js';

/**
 * The lines of Alpha Vantage's INCOME_STATEMENT, BALANCE_SHEET and CASH_FLOW reports that our
 * statements carry, read from their documented names. Every amount is a string ("61860000000")
 * or "None"; a line a report lacks is null, never zero.
 */

export const IncomeReportSchema = z.object(
  optionalNumbers(
    'totalRevenue', 'costOfRevenue', 'costofGoodsAndServicesSold', 'grossProfit', 'operatingExpenses',
    'operatingIncome', 'interestExpense', 'incomeBeforeTax', 'incomeTaxExpense', 'netIncome', 'ebitda',
  ),
);

/**
 * Alpha Vantage has no per-share figures or share counts in this report (EPS lives in EARNINGS,
 * a call of its own), so those stay null rather than cost a second call from a 25-a-day quota.
 */
export function incomeLines(report: z.output<typeof IncomeReportSchema>): StatementLines<IncomeStatement> {
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

export const BalanceReportSchema = z.object(
  optionalNumbers(
    'totalAssets', 'totalCurrentAssets', 'cashAndCashEquivalentsAtCarryingValue', 'shortTermInvestments',
    'currentNetReceivables', 'inventory', 'totalNonCurrentAssets', 'totalLiabilities', 'totalCurrentLiabilities',
    'currentAccountsPayable', 'shortLongTermDebtTotal', 'longTermDebtNoncurrent', 'longTermDebt',
    'totalNonCurrentLiabilities', 'totalShareholderEquity', 'retainedEarnings',
  ),
);

export function balanceLines(report: z.output<typeof BalanceReportSchema>): StatementLines<BalanceSheet> {
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

export const CashFlowReportSchema = z.object(
  optionalNumbers(
    'operatingCashflow', 'capitalExpenditures', 'cashflowFromInvestment', 'cashflowFromFinancing', 'dividendPayout',
    'dividendPayoutCommonStock', 'paymentsForRepurchaseOfCommonStock', 'paymentsForRepurchaseOfEquity',
    'changeInCashAndCashEquivalents',
  ),
);

export function cashFlowLines(report: z.output<typeof CashFlowReportSchema>): StatementLines<CashFlowStatement> {
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
