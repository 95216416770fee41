import type { SearchQuery, SymbolMatch } from '../../domain/index.js';
import type { FetchOptions, QueryFetcher } from '../adapter.js';
import { parsePayload } from '../kit/payload.js';
import type { RemoteContext } from '../kit/remote-context.js';
import { distinctMatches, securityTypeReader } from '../kit/search.js';
import { PROVIDER_ID, getFinnhub } from './client.js';
import { SearchSchema } from './schemas.js';

/**
 * Symbol search from `/search?q=`. Finnhub ranks the matches itself and sends no exchange per match
 * (a foreign listing shows as a suffix: AAPL.SW, APC.DE), so `exchange` stays null.
 */
export function createSearchFetcher(context: RemoteContext): QueryFetcher<SearchQuery, SymbolMatch[]> {
  return {
    async fetch(query: SearchQuery, options?: FetchOptions): Promise<SymbolMatch[]> {
      const what = `Finnhub search "${query.query.slice(0, 40)}"`;
      const body = await getFinnhub(context, '/search', { q: query.query }, what, options?.signal);
      const { result } = parsePayload(context, SearchSchema, body, what);
      return distinctMatches(result, query.limit, (item) => item.symbol, (item, symbol) => ({
        symbol,
        name: item.description ?? symbol,
        exchange: null,
        type: securityType(item.type),
        source: PROVIDER_ID,
      }));
    },
  };
}

/** Finnhub's security types (as in its `/stock/symbol` lists) folded into the domain's few. */
const securityType = securityTypeReader({
  EQUITY: [
    'common stock', 'adr', 'gdr', 'nvdr', 'reit', 'preference', 'mlp', 'ltd part', 'tracking stk', 'savings share',
    'dutch cert', 'royalty trst', 'foreign sh.', 'stapled security', 'public',
  ],
  ETF: ['etp', 'etf'],
  FUND: ['closed-end fund', 'open-end fund'],
});
