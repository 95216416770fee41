import { z } from 'zod';
import { ProvenanceSchema } from './quote.js';

export const StatementTypeSchema = z.enum(['INCOME', 'BALANCE', 'CASH_FLOW']);
export type StatementType = z.infer<typeof StatementTypeSchema>;

export const PeriodSchema = z.enum(['ANNUAL', 'QUARTERLY']);
export type Period = z.infer<typeof PeriodSchema>;

/** Amounts are in `currency`, whole units; a provider that does not report a line gives null. */
const amount = z.number().finite().nullable();

const StatementBaseSchema = ProvenanceSchema.extend({
  symbol: z.string().min(1),
  /** Period end date, YYYY-MM-DD. */
  fiscalDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  period: PeriodSchema,
  /** e.g. 2024 or 2024-Q3: how the company names the period. */
  fiscalPeriod: z.string().nullable(),
  currency: z.string().nullable(),
});

export const IncomeStatementSchema = StatementBaseSchema.extend({
  type: z.literal('INCOME'),
  revenue: amount,
  costOfRevenue: amount,
  grossProfit: amount,
  operatingExpenses: amount,
  operatingIncome: amount,
  interestExpense: amount,
  incomeBeforeTax: amount,
  incomeTaxExpense: amount,
  netIncome: amount,
  ebitda: amount,
  eps: amount,
  dilutedEps: amount,
  sharesOutstanding: amount,
});
export type IncomeStatement = z.infer<typeof IncomeStatementSchema>;

export const BalanceSheetSchema = StatementBaseSchema.extend({
  type: z.literal('BALANCE'),
  totalAssets: amount,
  totalCurrentAssets: amount,
  cash: amount,
  shortTermInvestments: amount,
  receivables: amount,
  inventory: amount,
  totalNonCurrentAssets: amount,
  totalLiabilities: amount,
  totalCurrentLiabilities: amount,
  accountsPayable: amount,
  totalDebt: amount,
  longTermDebt: amount,
  totalNonCurrentLiabilities: amount,
  totalEquity: amount,
  retainedEarnings: amount,
});
export type BalanceSheet = z.infer<typeof BalanceSheetSchema>;

export const CashFlowStatementSchema = StatementBaseSchema.extend({
  type: z.literal('CASH_FLOW'),
  operatingCashFlow: amount,
  capitalExpenditure: amount,
  freeCashFlow: amount,
  investingCashFlow: amount,
  financingCashFlow: amount,
  dividendsPaid: amount,
  shareRepurchases: amount,
  netChangeInCash: amount,
});
export type CashFlowStatement = z.infer<typeof CashFlowStatementSchema>;

export const FinancialStatementSchema = z.discriminatedUnion('type', [
  IncomeStatementSchema,
  BalanceSheetSchema,
  CashFlowStatementSchema,
]);
export type FinancialStatement = z.infer<typeof FinancialStatementSchema>;

export const StatementQuerySchema = z.object({
  symbol: z.string(),
  statement: StatementTypeSchema,
  period: PeriodSchema,
  limit: z.number().int().positive(),
});
export type StatementQuery = z.infer<typeof StatementQuerySchema>;
