import { isValidSymbol, type SearchQuery, type SecurityType, type SymbolMatch } from '../../domain/index.js';
import type { FetchOptions, QueryFetcher } from '../adapter.js';
import { parsePayload } from '../kit/payload.js';
import type { RemoteContext } from '../kit/remote-context.js';
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
      const matches: SymbolMatch[] = [];
      const seen = new Set<string>();
      for (const item of result) {
        const symbol = item.symbol?.toUpperCase() ?? null;
        // Only symbols the gateway can address (quote, company) are worth offering.
        if (symbol === null || !isValidSymbol(symbol) || seen.has(symbol)) continue;
        seen.add(symbol);
        matches.push({ symbol, name: item.description ?? symbol, exchange: null, type: securityType(item.type), source: PROVIDER_ID });
        if (matches.length >= query.limit) break;
      }
      return matches;
    },
  };
}

const EQUITY_TYPES = new Set([
  'common stock',
  'adr',
  'gdr',
  'nvdr',
  'reit',
  'preference',
  'mlp',
  'ltd part',
  'tracking stk',
  'savings share',
  'dutch cert',
  'royalty trst',
  'foreign sh.',
  'stapled security',
  'public',
]);

/** Finnhub's security types (as in its `/stock/symbol` lists) folded into the domain's few. */
function securityType(type: string | null): SecurityType {
  const key = (type ?? '').toLowerCase();
  if (EQUITY_TYPES.has(key)) return 'EQUITY';
  if (key === 'etp' || key === 'etf') return 'ETF';
  if (key === 'closed-end fund' || key === 'open-end fund') return 'FUND';
  return 'OTHER';
}
