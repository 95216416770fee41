import { z } from 'zod';
import { requiredNumber } from '../parse.js';
import { numberFrom, textFrom, wireRow, type WireFields } from './wire-row.js';
import {
  calendarDate,
  fmpSymbol,
  maybeYear,
  type FmpApi,
  type FmpBalance,
  type FmpCashFlow,
  type FmpIncome,
  type FmpMatch,
  type FmpProfile,
  type FmpQuote,
  type FmpStatementRow,
} from './wire.js';

/**
 * The names FMP's two formats (`/stable/…` and the legacy `/api/v3/…`) spell differently; every
 * other field is spelled alike in both. Where a value moved between fields, the names are listed
 * in the order they are looked for.
 */
export interface FmpSpellings {
  /** Quote: the day's change in percent. */
  readonly changePercent: string;
  /** Profile: the short exchange code (the other name may hold the long one). */
  readonly profileExchange: readonly [string, ...string[]];
  readonly marketCap: string;
  /** Search: the short exchange code, then the long name. */
  readonly matchExchange: readonly [string, ...string[]];
  /** Statements: the field naming the fiscal year. */
  readonly fiscalYear: string;
  readonly dilutedEps: string;
  readonly investingCashFlow: string;
  readonly financingCashFlow: string;
  /** Dividends paid, in the order they are looked for. */
  readonly dividendsPaid: readonly [string, ...string[]];
}

/** The row schemas of one format, read into the shapes of wire.ts. Amounts keep FMP's signs here. */
export type FmpRowSchemas = Pick<FmpApi, 'quoteRow' | 'profileRow' | 'searchRow' | 'incomeRow' | 'balanceRow' | 'cashFlowRow'>;

export function rowSchemas(spelled: FmpSpellings): FmpRowSchemas {
  const symbol = { from: ['symbol'], read: fmpSymbol } as const;
  const base: WireFields<FmpStatementRow> = {
    date: { from: ['date'], read: calendarDate },
    fiscalYear: { from: [spelled.fiscalYear], read: maybeYear },
    period: textFrom('period'),
    currency: textFrom('reportedCurrency'),
  };
  return {
    quoteRow: wireRow<FmpQuote>({
      symbol,
      price: { from: ['price'], read: requiredNumber },
      change: numberFrom('change'),
      changePercent: numberFrom(spelled.changePercent),
      open: numberFrom('open'),
      high: numberFrom('dayHigh'),
      low: numberFrom('dayLow'),
      previousClose: numberFrom('previousClose'),
      volume: numberFrom('volume'),
      timestamp: numberFrom('timestamp'),
    }),
    profileRow: wireRow<FmpProfile>({
      symbol,
      name: { from: ['companyName'], read: z.string().trim().min(1) },
      exchange: textFrom(...spelled.profileExchange),
      sector: textFrom('sector'),
      industry: textFrom('industry'),
      country: textFrom('country'),
      currency: textFrom('currency'),
      description: textFrom('description'),
      marketCap: numberFrom(spelled.marketCap),
    }),
    searchRow: wireRow<FmpMatch>({ symbol, name: textFrom('name'), exchange: textFrom(...spelled.matchExchange) }),
    incomeRow: wireRow<FmpIncome>({
      ...base,
      revenue: numberFrom('revenue'),
      costOfRevenue: numberFrom('costOfRevenue'),
      grossProfit: numberFrom('grossProfit'),
      operatingExpenses: numberFrom('operatingExpenses'),
      operatingIncome: numberFrom('operatingIncome'),
      interestExpense: numberFrom('interestExpense'),
      incomeBeforeTax: numberFrom('incomeBeforeTax'),
      incomeTaxExpense: numberFrom('incomeTaxExpense'),
      netIncome: numberFrom('netIncome'),
      ebitda: numberFrom('ebitda'),
      eps: numberFrom('eps'),
      dilutedEps: numberFrom(spelled.dilutedEps),
      sharesOutstanding: numberFrom('weightedAverageShsOut'),
    }),
    balanceRow: wireRow<FmpBalance>({
      ...base,
      totalAssets: numberFrom('totalAssets'),
      totalCurrentAssets: numberFrom('totalCurrentAssets'),
      cash: numberFrom('cashAndCashEquivalents'),
      shortTermInvestments: numberFrom('shortTermInvestments'),
      receivables: numberFrom('netReceivables'),
      inventory: numberFrom('inventory'),
      totalNonCurrentAssets: numberFrom('totalNonCurrentAssets'),
      totalLiabilities: numberFrom('totalLiabilities'),
      totalCurrentLiabilities: numberFrom('totalCurrentLiabilities'),
      accountsPayable: numberFrom('accountPayables'),
      totalDebt: numberFrom('totalDebt'),
      longTermDebt: numberFrom('longTermDebt'),
      totalNonCurrentLiabilities: numberFrom('totalNonCurrentLiabilities'),
      // totalEquity includes minority interest, so assets = liabilities + equity holds.
      totalEquity: numberFrom('totalEquity', 'totalStockholdersEquity'),
      retainedEarnings: numberFrom('retainedEarnings'),
    }),
    cashFlowRow: wireRow<FmpCashFlow>({
      ...base,
      operatingCashFlow: numberFrom('operatingCashFlow', 'netCashProvidedByOperatingActivities'),
      capitalExpenditure: numberFrom('capitalExpenditure'),
      freeCashFlow: numberFrom('freeCashFlow'),
      investingCashFlow: numberFrom(spelled.investingCashFlow),
      financingCashFlow: numberFrom(spelled.financingCashFlow),
      dividendsPaid: numberFrom(...spelled.dividendsPaid),
      shareRepurchases: numberFrom('commonStockRepurchased'),
      netChangeInCash: numberFrom('netChangeInCash'),
    }),
  };
}
