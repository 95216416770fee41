import { z } from 'zod';
import type { Period, StatementType } from '../../domain/index.js';
import { requiredNumber } from '../parse.js';

/**
 * What both of FMP's wire formats (the `/stable` API and the legacy `/api/v3` one) are read into.
 * Each format has its own request builders and field spellings (`stable.ts`, `v3.ts`); one set of
 * row schemas (`row-schemas.ts`) reads either into these shapes, so the capability files map to
 * the domain once, whatever the format.
 */

/** A row of a quote payload. */
export interface FmpQuote {
  readonly symbol: string;
  readonly price: number;
  readonly change: number | null;
  /** Percent, as FMP sends it: 2.1008 means +2.1008 %. */
  readonly changePercent: number | null;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly previousClose: number | null;
  readonly volume: number | null;
  /** Unix time of the last trade, in seconds. */
  readonly timestamp: number | null;
}

export interface FmpProfile {
  readonly symbol: string;
  readonly name: string;
  /** The short exchange code (NASDAQ), not the long name (NASDAQ Global Select). */
  readonly exchange: string | null;
  readonly sector: string | null;
  readonly industry: string | null;
  readonly country: string | null;
  readonly currency: string | null;
  readonly description: string | null;
  readonly marketCap: number | null;
}

/** What every statement row starts with. */
export interface FmpStatementRow {
  /** Period end, YYYY-MM-DD. */
  readonly date: string;
  readonly fiscalYear: string | null;
  /** FY, Q1 … Q4. */
  readonly period: string | null;
  readonly currency: string | null;
}

export interface FmpIncome extends FmpStatementRow {
  readonly revenue: number | null;
  readonly costOfRevenue: number | null;
  readonly grossProfit: number | null;
  readonly operatingExpenses: number | null;
  readonly operatingIncome: number | null;
  readonly interestExpense: number | null;
  readonly incomeBeforeTax: number | null;
  readonly incomeTaxExpense: number | null;
  readonly netIncome: number | null;
  readonly ebitda: number | null;
  readonly eps: number | null;
  readonly dilutedEps: number | null;
  readonly sharesOutstanding: number | null;
}

export interface FmpBalance extends FmpStatementRow {
  readonly totalAssets: number | null;
  readonly totalCurrentAssets: number | null;
  readonly cash: number | null;
  readonly shortTermInvestments: number | null;
  readonly receivables: number | null;
  readonly inventory: number | null;
  readonly totalNonCurrentAssets: number | null;
  readonly totalLiabilities: number | null;
  readonly totalCurrentLiabilities: number | null;
  readonly accountsPayable: number | null;
  readonly totalDebt: number | null;
  readonly longTermDebt: number | null;
  readonly totalNonCurrentLiabilities: number | null;
  readonly totalEquity: number | null;
  readonly retainedEarnings: number | null;
}

/** Cash flows with FMP's signs: outflows (capex, dividends, buybacks) are negative. */
export interface FmpCashFlow extends FmpStatementRow {
  readonly operatingCashFlow: number | null;
  readonly capitalExpenditure: number | null;
  readonly freeCashFlow: number | null;
  readonly investingCashFlow: number | null;
  readonly financingCashFlow: number | null;
  readonly dividendsPaid: number | null;
  readonly shareRepurchases: number | null;
  readonly netChangeInCash: number | null;
}

export interface FmpMatch {
  /** FMP's spelling (BRK-B). */
  readonly symbol: string;
  readonly name: string | null;
  /** The short exchange code: NASDAQ, NYSE, CRYPTO, FOREX, INDEX … */
  readonly exchange: string | null;
}

export interface FmpBar {
  readonly date: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** One upstream call: a path under the base URL and its query parameters (the key is added later). */
export interface FmpRequest {
  readonly path: string;
  readonly params: Readonly<Record<string, string | number>>;
}

/** One of FMP's wire formats: how to ask, and how to read what comes back. */
export interface FmpApi {
  /** Symbols one quote call may carry. */
  readonly quoteBatchSize: number;
  quote(fmpSymbols: readonly string[]): FmpRequest;
  readonly quoteRow: z.ZodType<FmpQuote>;
  profile(fmpSymbol: string): FmpRequest;
  readonly profileRow: z.ZodType<FmpProfile>;
  statements(statement: StatementType, fmpSymbol: string, period: Period, limit: number): FmpRequest;
  readonly incomeRow: z.ZodType<FmpIncome>;
  readonly balanceRow: z.ZodType<FmpBalance>;
  readonly cashFlowRow: z.ZodType<FmpCashFlow>;
  /** The calls one search makes; their answers are merged. */
  search(text: string, limit: number): readonly FmpRequest[];
  readonly searchRow: z.ZodType<FmpMatch>;
  history(fmpSymbol: string, from: string, to: string): FmpRequest;
  /** The daily bar rows of a history payload (empty when FMP knows no such symbol). */
  readonly historyRows: z.ZodType<unknown[]>;
}

// Readers shared by both formats. FMP omits fields as readily as it nulls them, so each is optional.

/** A year FMP sends as "2024" or as 2024. */
export const maybeYear = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined || String(value).trim() === '' ? null : String(value).trim()));

/** A ticker as FMP returns it. */
export const fmpSymbol = z.string().trim().min(1);

/** A calendar date from "2024-09-28" or "2024-09-28 00:00:00". */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}/, 'expected a YYYY-MM-DD date')
  .transform((value) => value.slice(0, 10));

/** One daily bar: the same fields in both formats (`/stable/historical-price-eod/full`, `/api/v3/historical-price-full`). */
export const barRow: z.ZodType<FmpBar> = z.object({
  date: calendarDate,
  open: requiredNumber,
  high: requiredNumber,
  low: requiredNumber,
  close: requiredNumber,
  volume: requiredNumber,
});
