import { z } from 'zod';
import { isValidSymbol, type SearchQuery, type SymbolMatch } from '../../domain/index.js';
import type { QueryFetcher } from '../adapter.js';
import { securityTypeReader } from '../kit/search.js';
import { optionalNumber, optionalText } from '../parse.js';
import { PROVIDER_ID, type AlphaVantageCall, type AlphaVantageClient } from './client.js';
import { exchangeOfSymbol, fromProviderSymbol } from './symbols.js';

/** `{"bestMatches": [{"1. symbol": "TSCO.LON", "2. name": "Tesco PLC", "3. type": "Equity", ..., "9. matchScore": "0.7273"}]}`. */
const EnvelopeSchema = z.object({ bestMatches: z.array(z.unknown()) });

const MatchSchema = z.object({
  '1. symbol': z.string().min(1),
  '2. name': optionalText,
  '3. type': optionalText,
  '9. matchScore': optionalNumber,
});

const securityType = securityTypeReader({ EQUITY: ['equity'], ETF: ['etf'], FUND: ['mutual fund'] });

/**
 * Symbol search through SYMBOL_SEARCH, best match first. Alpha Vantage names a region, not an
 * exchange: the exchange is read off the listing suffix it uses (TSCO.LON → LSE) and stays null
 * for US listings, which carry none. Matches we could not quote anyway (symbols outside our
 * canonical form) and malformed entries are left out rather than failing the search.
 */
export function createSymbolSearchFetcher(client: AlphaVantageClient): QueryFetcher<SearchQuery, SymbolMatch[]> {
  return {
    async fetch(query, options) {
      const call: AlphaVantageCall = { function: 'SYMBOL_SEARCH', params: { keywords: query.query } };
      const body = await client.query(call, options?.signal);
      const entries = client.parse(EnvelopeSchema, body, call).bestMatches;

      const matches: Array<SymbolMatch & { readonly score: number }> = [];
      const seen = new Set<string>();
      for (const entry of entries) {
        const parsed = MatchSchema.safeParse(entry);
        if (!parsed.success) continue;
        const symbol = fromProviderSymbol(parsed.data['1. symbol']);
        if (!isValidSymbol(symbol) || seen.has(symbol)) continue;
        seen.add(symbol);
        matches.push({
          symbol,
          name: parsed.data['2. name'] ?? '',
          exchange: exchangeOfSymbol(symbol),
          type: securityType(parsed.data['3. type']),
          source: PROVIDER_ID,
          score: parsed.data['9. matchScore'] ?? 0,
        });
      }
      // Stable sort: equal scores keep Alpha Vantage's own order.
      return matches
        .sort((a, b) => b.score - a.score)
        .slice(0, query.limit)
        .map(({ score: _score, ...match }) => match);
    },
  };
}
