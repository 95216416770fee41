import { z } from 'zod';
import { isValidSymbol } from '../../domain/index.js';
import { rowSchemas } from './row-schemas.js';
import { toFmpSymbol } from './symbols.js';
import type { FmpApi } from './wire.js';

/**
 * FMP's legacy API under `/api/v3/`, for keys made before August 2025 (newer keys get 403
 * "Legacy Endpoint"). Symbols travel in the path, and field names differ from `/stable`:
 * `changesPercentage`, `mktCap`, `exchangeShortName`, `calendarYear`, `epsdiluted`.
 */

/** Symbols per `/api/v3/quote/A,B,…` call: it batches natively; 100 keeps the path near 1 KB. */
export const V3_BATCH_QUOTE_SIZE = 100;

const inPath = (symbol: string): string => encodeURIComponent(symbol);

/** What `/api/v3` calls the fields the formats spell differently (see row-schemas.ts). */
const rows = rowSchemas({
  changePercent: 'changesPercentage',
  // Here `exchange` is the long name and `exchangeShortName` the code.
  profileExchange: ['exchangeShortName', 'exchange'],
  marketCap: 'mktCap',
  // `/api/v3/search`: `stockExchange` is the long name, `exchangeShortName` the code.
  matchExchange: ['exchangeShortName', 'stockExchange'],
  fiscalYear: 'calendarYear',
  dilutedEps: 'epsdiluted',
  // FMP's old spellings, typos included.
  investingCashFlow: 'netCashUsedForInvestingActivites',
  financingCashFlow: 'netCashUsedProvidedByFinancingActivities',
  dividendsPaid: ['dividendsPaid'],
});

const statementPaths = {
  INCOME: '/api/v3/income-statement/',
  BALANCE: '/api/v3/balance-sheet-statement/',
  CASH_FLOW: '/api/v3/cash-flow-statement/',
} as const;

export function v3Api(): FmpApi {
  return {
    ...rows,
    quoteBatchSize: V3_BATCH_QUOTE_SIZE,
    quote: (symbols) => ({ path: `/api/v3/quote/${symbols.map(inPath).join(',')}`, params: {} }),
    profile: (symbol) => ({ path: `/api/v3/profile/${inPath(symbol)}`, params: {} }),
    statements: (statement, symbol, period, limit) => ({
      path: statementPaths[statement] + inPath(symbol),
      params: { period: period === 'ANNUAL' ? 'annual' : 'quarter', limit },
    }),
    search: (text, limit) => {
      const upper = text.toUpperCase();
      return [{ path: '/api/v3/search', params: { query: isValidSymbol(upper) ? toFmpSymbol(upper) : text, limit } }];
    },
    history: (symbol, from, to) => ({ path: `/api/v3/historical-price-full/${inPath(symbol)}`, params: { from, to } }),
    // `{symbol, historical: [...]}`, or `{}` for a symbol FMP does not know.
    historyRows: z.looseObject({ historical: z.array(z.unknown()).optional() }).transform((payload) => payload.historical ?? []),
  };
}
