import type { SearchQuery, SymbolMatch } from '../../domain/index.js';
import type { FetchOptions, QueryFetcher } from '../adapter.js';
import { parsePayload } from '../kit/payload.js';
import type { RemoteContext } from '../kit/remote-context.js';
import { distinctMatches, securityTypeReader } from '../kit/search.js';
import { PROVIDER_ID, getTwelveData } from './client.js';
import { SymbolSearchSchema } from './schemas.js';

/** The most matches `/symbol_search` returns; asking for all lets duplicates drop without coming up short. */
const MAX_OUTPUT_SIZE = 120;

/**
 * Symbol search from `/symbol_search?symbol=`. Twelve Data lists one instrument per venue, so AAPL
 * comes back for NASDAQ and for a dozen foreign venues; the gateway names instruments by symbol
 * alone, so the first (best-ranked) venue of each symbol is kept.
 */
export function createSearchFetcher(context: RemoteContext): QueryFetcher<SearchQuery, SymbolMatch[]> {
  return {
    async fetch(query: SearchQuery, options?: FetchOptions): Promise<SymbolMatch[]> {
      const what = `Twelve Data search "${query.query.slice(0, 40)}"`;
      const params = { symbol: query.query, outputsize: String(MAX_OUTPUT_SIZE) };
      const { body } = await getTwelveData(context, '/symbol_search', params, what, options?.signal);
      const { data } = parsePayload(context, SymbolSearchSchema, body, what);
      // Pairs ("EUR/USD") and other symbols the gateway cannot address are no use to a client.
      return distinctMatches(data, query.limit, (item) => item.symbol, (item, symbol) => ({
        symbol,
        name: item.instrument_name ?? symbol,
        exchange: item.exchange,
        type: securityType(item.instrument_type),
        source: PROVIDER_ID,
      }));
    },
  };
}

/** Twelve Data's `instrument_type` names folded into the domain's few. */
const securityType = securityTypeReader({
  EQUITY: [
    'common stock', 'preferred stock', 'reit', 'depositary receipt', 'american depositary receipt',
    'global depositary receipt', 'limited partnership', 'trust',
  ],
  ETF: ['etf', 'exchange-traded note'],
  FUND: ['mutual fund', 'closed-end fund'],
  INDEX: ['index'],
  CRYPTO: ['digital currency'],
  FOREX: ['physical currency'],
});
