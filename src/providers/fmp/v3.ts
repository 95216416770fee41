import { z } from 'zod';
import { isValidSymbol } from '../../domain/index.js';
import { requiredNumber } from '../parse.js';
import { toFmpSymbol } from './symbols.js';
import { balanceRow, cashFlowRow, incomeRow } from './v3-statements.js';
import { fmpSymbol, maybeNumber, maybeText, type FmpApi, type FmpMatch, type FmpProfile, type FmpQuote } from './wire.js';

/**
 * FMP's legacy API under `/api/v3/`, for keys made before August 2025 (newer keys get 403
 * "Legacy Endpoint"). Symbols travel in the path, and field names differ from `/stable`:
 * `changesPercentage`, `mktCap`, `exchangeShortName`, `calendarYear`, `epsdiluted`.
 */

/** Symbols per `/api/v3/quote/A,B,…` call: it batches natively; 100 keeps the path near 1 KB. */
export const V3_BATCH_QUOTE_SIZE = 100;

const inPath = (symbol: string): string => encodeURIComponent(symbol);

const quoteRow: z.ZodType<FmpQuote> = z
  .object({
    symbol: fmpSymbol,
    price: requiredNumber,
    change: maybeNumber,
    changesPercentage: maybeNumber,
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
    changePercent: row.changesPercentage,
    open: row.open,
    high: row.dayHigh,
    low: row.dayLow,
    previousClose: row.previousClose,
    volume: row.volume,
    timestamp: row.timestamp,
  }));

/** `/api/v3/profile`: here `exchange` is the long name and `exchangeShortName` the code. */
const profileRow: z.ZodType<FmpProfile> = z
  .object({
    symbol: fmpSymbol,
    companyName: z.string().trim().min(1),
    exchange: maybeText,
    exchangeShortName: maybeText,
    sector: maybeText,
    industry: maybeText,
    country: maybeText,
    currency: maybeText,
    description: maybeText,
    mktCap: maybeNumber,
  })
  .transform((row) => ({
    symbol: row.symbol,
    name: row.companyName,
    exchange: row.exchangeShortName ?? row.exchange,
    sector: row.sector,
    industry: row.industry,
    country: row.country,
    currency: row.currency,
    description: row.description,
    marketCap: row.mktCap,
  }));

/** `/api/v3/search`: `stockExchange` is the long name, `exchangeShortName` the code. */
const searchRow: z.ZodType<FmpMatch> = z
  .object({ symbol: fmpSymbol, name: maybeText, exchangeShortName: maybeText, stockExchange: maybeText })
  .transform((row) => ({ symbol: row.symbol, name: row.name, exchange: row.exchangeShortName ?? row.stockExchange }));

const statementPaths = {
  INCOME: '/api/v3/income-statement/',
  BALANCE: '/api/v3/balance-sheet-statement/',
  CASH_FLOW: '/api/v3/cash-flow-statement/',
} as const;

export function v3Api(): FmpApi {
  return {
    quoteBatchSize: V3_BATCH_QUOTE_SIZE,
    quote: (symbols) => ({ path: `/api/v3/quote/${symbols.map(inPath).join(',')}`, params: {} }),
    quoteRow,
    profile: (symbol) => ({ path: `/api/v3/profile/${inPath(symbol)}`, params: {} }),
    profileRow,
    statements: (statement, symbol, period, limit) => ({
      path: statementPaths[statement] + inPath(symbol),
      params: { period: period === 'ANNUAL' ? 'annual' : 'quarter', limit },
    }),
    incomeRow,
    balanceRow,
    cashFlowRow,
    search: (text, limit) => {
      const upper = text.toUpperCase();
      return [{ path: '/api/v3/search', params: { query: isValidSymbol(upper) ? toFmpSymbol(upper) : text, limit } }];
    },
    searchRow,
    history: (symbol, from, to) => ({ path: `/api/v3/historical-price-full/${inPath(symbol)}`, params: { from, to } }),
    // `{symbol, historical: [...]}`, or `{}` for a symbol FMP does not know.
    historyRows: z.looseObject({ historical: z.array(z.unknown()).optional() }).transform((payload) => payload.historical ?? []),
  };
}
