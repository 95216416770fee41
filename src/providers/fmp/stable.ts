import { z } from 'zod';
import { isValidSymbol } from '../../domain/index.js';
import { rowSchemas } from './row-schemas.js';
import { toFmpSymbol } from './symbols.js';
import type { FmpApi, FmpRequest } from './wire.js';

/**
 * FMP's current API under `/stable/`, which every key can use (keys made after August 2025 can
 * use nothing else). Symbols travel as query parameters. Formats follow the examples of
 * https://site.financialmodelingprep.com/developer/docs/stable (see test/fixtures/fmp/SOURCES.md).
 */

/**
 * Symbols per `/stable/batch-quote` call. FMP documents no maximum; 100 keeps the URL near 1 KB,
 * well under what proxies accept, and still turns a page of quotes into one call of the quota.
 */
export const STABLE_BATCH_QUOTE_SIZE = 100;

/** What `/stable` calls the fields the formats spell differently (see row-schemas.ts). */
const rows = rowSchemas({
  // Percent in `changePercentage`; numbers as numbers, time in Unix seconds.
  changePercent: 'changePercentage',
  // `exchange` is the short code here, `exchangeFullName` the long one.
  profileExchange: ['exchange'],
  marketCap: 'marketCap',
  // `/stable/search-symbol` and `/stable/search-name` answer the same rows.
  matchExchange: ['exchange'],
  fiscalYear: 'fiscalYear',
  dilutedEps: 'epsDiluted',
  investingCashFlow: 'netCashProvidedByInvestingActivities',
  financingCashFlow: 'netCashProvidedByFinancingActivities',
  dividendsPaid: ['netDividendsPaid', 'commonDividendsPaid'],
});

const statementPaths = {
  INCOME: '/stable/income-statement',
  BALANCE: '/stable/balance-sheet-statement',
  CASH_FLOW: '/stable/cash-flow-statement',
} as const;

export function stableApi(options: { readonly batchQuotes: boolean }): FmpApi {
  return {
    ...rows,
    // Without batch quotes (the free plan answers /stable/batch-quote with 402), one symbol a call.
    quoteBatchSize: options.batchQuotes ? STABLE_BATCH_QUOTE_SIZE : 1,
    quote: (symbols): FmpRequest =>
      options.batchQuotes
        ? { path: '/stable/batch-quote', params: { symbols: symbols.join(',') } }
        : { path: '/stable/quote', params: { symbol: symbols[0] ?? '' } },
    profile: (symbol) => ({ path: '/stable/profile', params: { symbol } }),
    statements: (statement, symbol, period, limit) => ({
      path: statementPaths[statement],
      params: { symbol, period: period === 'ANNUAL' ? 'annual' : 'quarter', limit },
    }),
    search: (text, limit) => {
      // A ticker typed our way (brk.b) is looked up the way FMP spells it (BRK-B).
      const upper = text.toUpperCase();
      const asSymbol = isValidSymbol(upper) ? toFmpSymbol(upper) : text;
      return [
        { path: '/stable/search-symbol', params: { query: asSymbol, limit } },
        { path: '/stable/search-name', params: { query: text, limit } },
      ];
    },
    history: (symbol, from, to) => ({ path: '/stable/historical-price-eod/full', params: { symbol, from, to } }),
    historyRows: z.array(z.unknown()),
  };
}
