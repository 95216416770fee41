import { z } from 'zod';
import { isValidSymbol } from '../../domain/index.js';
import { requiredNumber } from '../parse.js';
import { balanceRow, cashFlowRow, incomeRow } from './stable-statements.js';
import { toFmpSymbol } from './symbols.js';
import { fmpSymbol, maybeNumber, maybeText, type FmpApi, type FmpMatch, type FmpRequest, type FmpProfile, type FmpQuote } from './wire.js';

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

/** `/stable/quote`, `/stable/batch-quote`: numbers as numbers, percent in `changePercentage`, time in Unix seconds. */
const quoteRow: z.ZodType<FmpQuote> = z
  .object({
    symbol: fmpSymbol,
    price: requiredNumber,
    change: maybeNumber,
    changePercentage: maybeNumber,
    open: maybeNumber,
    dayHigh: maybeNumber,
    dayLow: maybeNumber,
    previousClose: maybeNumber,
    volume: maybeNumber,
    timestamp: maybeNumber,
  })
  .transform((row) => ({
    symbol: row.symbol,
    price: row.price,
    change: row.change,
    changePercent: row.changePercentage,
    open: row.open,
    high: row.dayHigh,
    low: row.dayLow,
    previousClose: row.previousClose,
    volume: row.volume,
    timestamp: row.timestamp,
  }));

/** `/stable/profile`: `exchange` is the short code, `exchangeFullName` the long one; `marketCap` spelled out. */
const profileRow: z.ZodType<FmpProfile> = z
  .object({
    symbol: fmpSymbol,
    companyName: z.string().trim().min(1),
    exchange: maybeText,
    sector: maybeText,
    industry: maybeText,
    country: maybeText,
    currency: maybeText,
    description: maybeText,
    marketCap: maybeNumber,
  })
  .transform((row) => ({
    symbol: row.symbol,
    name: row.companyName,
    exchange: row.exchange,
    sector: row.sector,
    industry: row.industry,
    country: row.country,
    currency: row.currency,
    description: row.description,
    marketCap: row.marketCap,
  }));

/** `/stable/search-symbol` and `/stable/search-name` answer the same rows. */
const searchRow: z.ZodType<FmpMatch> = z
  .object({ symbol: fmpSymbol, name: maybeText, exchange: maybeText })
  .transform((row) => ({ symbol: row.symbol, name: row.name, exchange: row.exchange }));

const statementPaths = {
  INCOME: '/stable/income-statement',
  BALANCE: '/stable/balance-sheet-statement',
  CASH_FLOW: '/stable/cash-flow-statement',
} as const;

export function stableApi(options: { readonly batchQuotes: boolean }): FmpApi {
  return {
    // Without batch quotes (the free plan answers /stable/batch-quote with 402), one symbol a call.
    quoteBatchSize: options.batchQuotes ? STABLE_BATCH_QUOTE_SIZE : 1,
    quote: (symbols): FmpRequest =>
      options.batchQuotes
        ? { path: '/stable/batch-quote', params: { symbols: symbols.join(',') } }
        : { path: '/stable/quote', params: { symbol: symbols[0] ?? '' } },
    quoteRow,
    profile: (symbol) => ({ path: '/stable/profile', params: { symbol } }),
    profileRow,
    statements: (statement, symbol, period, limit) => ({
      path: statementPaths[statement],
      params: { symbol, period: period === 'ANNUAL' ? 'annual' : 'quarter', limit },
    }),
    incomeRow,
    balanceRow,
    cashFlowRow,
    search: (text, limit) => {
      // A ticker typed our way (brk.b) is looked up the way FMP spells it (BRK-B).
      const upper = text.toUpperCase();
      const asSymbol = isValidSymbol(upper) ? toFmpSymbol(upper) : text;
      return [
        { path: '/stable/search-symbol', params: { query: asSymbol, limit } },
        { path: '/stable/search-name', params: { query: text, limit } },
      ];
    },
    searchRow,
    history: (symbol, from, to) => ({ path: '/stable/historical-price-eod/full', params: { symbol, from, to } }),
    historyRows: z.array(z.unknown()),
  };
}
