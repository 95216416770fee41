import { isValidSymbol, type SearchQuery, type SecurityType, type SymbolMatch } from '../../domain/index.js';
import type { FetchOptions, QueryFetcher } from '../adapter.js';
import { parsePayload } from '../kit/payload.js';
import type { RemoteContext } from '../kit/remote-context.js';
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
      const matches: SymbolMatch[] = [];
      const seen = new Set<string>();
      for (const item of data) {
        const symbol = item.symbol?.toUpperCase() ?? null;
        // Pairs ("EUR/USD") and other symbols the gateway cannot address are no use to a client.
        if (symbol === null || !isValidSymbol(symbol) || seen.has(symbol)) continue;
        seen.add(symbol);
        matches.push({
          symbol,
          name: item.instrument_name ?? symbol,
          exchange: item.exchange,
          type: securityType(item.instrument_type),
          source: PROVIDER_ID,
        });
        if (matches.length >= query.limit) break;
      }
      return matches;
    },
  };
}

const EQUITY_TYPES = new Set([
  'common stock',
  'preferred stock',
  'reit',
  'depositary receipt',
  'american depositary receipt',
  'global depositary receipt',
  'limited partnership',
  'trust',
]);

/** Twelve Data's `instrument_type` names folded into the domain's few. */
function securityType(type: string | null): SecurityType {
  const key = (type ?? '').toLowerCase();
  if (EQUITY_TYPES.has(key)) return 'EQUITY';
  if (key === 'etf' || key === 'exchange-traded note') return 'ETF';
  if (key === 'mutual fund' || key === 'closed-end fund') return 'FUND';
  if (key === 'index') return 'INDEX';
  if (key === 'digital currency') return 'CRYPTO';
  if (key === 'physical currency') return 'FOREX';
  return 'OTHER';
}
