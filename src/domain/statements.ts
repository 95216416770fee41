import { z } from 'zod';
import { ProvenanceSchema } from './quote.js';
import { shapeOf } from './shape.js';

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

/** The amount lines of each statement, in the order the API lists them. */
export const INCOME_LINES = [
  'revenue', 'costOfRevenue', 'grossProfit', 'operatingExpenses', 'operatingIncome', 'interestExpense',
  'incomeBeforeTax', 'incomeTaxExpense', 'netIncome', 'ebitda', 'eps', 'dilutedEps', 'sharesOutstanding',
] as const;
export const BALANCE_LINES = [
  'totalAssets', 'totalCurrentAssets', 'cash', 'shortTermInvestments', 'receivables', 'inventory', 'totalNonCurrentAssets',
  'totalLiabilities', 'totalCurrentLiabilities', 'accountsPayable', 'totalDebt', 'longTermDebt', 'totalNonCurrentLiabilities',
  'totalEquity', 'retainedEarnings',
] as const;
export const CASH_FLOW_LINES = [
  'operatingCashFlow', 'capitalExpenditure', 'freeCashFlow', 'investingCashFlow', 'financingCashFlow', 'dividendsPaid',
  'shareRepurchases', 'netChangeInCash',
] as const;

export const IncomeStatementSchema = StatementBaseSchema.extend({ type: z.literal('INCOME'), ...shapeOf(INCOME_LINES, amount) });
export type IncomeStatement = z.infer<typeof IncomeStatementSchema>;

export const BalanceSheetSchema = StatementBaseSchema.extend({ type: z.literal('BALANCE'), ...shapeOf(BALANCE_LINES, amount) });
export type BalanceSheet = z.infer<typeof BalanceSheetSchema>;

export const CashFlowStatementSchema = StatementBaseSchema.extend({ type: z.literal('CASH_FLOW'), ...shapeOf(CASH_FLOW_LINES, amount) });
export type CashFlowStatement = z.infer<typeof CashFlowStatementSchema>;

/** A statement's amount lines alone, without the period and provenance around them: what a provider maps a report to. */
export type StatementLines<T extends FinancialStatement> = Omit<T, keyof z.infer<typeof StatementBaseSchema> | 'type'>;

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
