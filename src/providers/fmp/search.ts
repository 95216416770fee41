import { isValidSymbol, SymbolMatchSchema, type SearchQuery, type SecurityType, type SymbolMatch } from '../../domain/index.js';
import type { QueryFetcher } from '../adapter.js';
import { PROVIDER_ID, type FmpClient } from './client.js';
import { fromFmpSymbol } from './symbols.js';
import type { FmpApi, FmpMatch } from './wire.js';

/**
 * Symbol search. On `/stable` FMP splits it in two (`search-symbol`, `search-name`); both are
 * asked and merged, one entry per symbol, ranked the way a person typing expects: the exact
 * ticker, then tickers it starts, then the rest in FMP's order (symbol hits before name hits).
 * No match is an empty list, not an error. Listings our symbols cannot name (^GSPC) are left out.
 */
export function createSearchFetcher(client: FmpClient, api: FmpApi): QueryFetcher<SearchQuery, SymbolMatch[]> {
  return {
    async fetch(query, options) {
      const what = `search for "${query.query}"`;
      const bodies = await Promise.all(api.search(query.query, query.limit).map((request) => client.get(request, what, options)));
      const candidates: { match: SymbolMatch; rank: number; order: number }[] = [];
      for (const body of bodies) {
        if (!Array.isArray(body)) throw client.invalid(what, 'expected an array of matches');
        for (const item of body) {
          const parsed = api.searchRow.safeParse(item);
          // One odd row (no symbol) should not cost the user the other matches.
          if (!parsed.success) continue;
          const match = toMatch(parsed.data);
          if (match) candidates.push({ match, rank: rankOf(match.symbol, parsed.data.symbol, query.query), order: candidates.length });
        }
      }
      candidates.sort((a, b) => a.rank - b.rank || a.order - b.order);
      const seen = new Set<string>();
      const matches: SymbolMatch[] = [];
      for (const { match } of candidates) {
        if (seen.has(match.symbol)) continue;
        seen.add(match.symbol);
        matches.push(match);
        if (matches.length === query.limit) break;
      }
      return matches;
    },
  };
}

function toMatch(row: FmpMatch): SymbolMatch | undefined {
  const symbol = fromFmpSymbol(row.symbol);
  if (!isValidSymbol(symbol)) return undefined;
  const match = { symbol, name: row.name ?? '', exchange: row.exchange, type: typeOf(row.exchange), source: PROVIDER_ID };
  return SymbolMatchSchema.safeParse(match).success ? match : undefined;
}

const Rank = { EXACT_SYMBOL: 0, SYMBOL_PREFIX: 1, OTHER: 2 } as const;

function rankOf(symbol: string, fmpSpelling: string, text: string): number {
  const upper = text.trim().toUpperCase();
  const compactText = compact(upper);
  const spellings = [symbol, fmpSpelling.toUpperCase()];
  if (spellings.some((spelling) => spelling === upper) || (compactText !== '' && compact(symbol) === compactText)) return Rank.EXACT_SYMBOL;
  if (spellings.some((spelling) => spelling.startsWith(upper)) || (compactText !== '' && compact(symbol).startsWith(compactText))) {
    return Rank.SYMBOL_PREFIX;
  }
  return Rank.OTHER;
}

/** The ticker without class or venue separators, so "BRKB" and "BRK-B" find BRK.B. */
function compact(symbol: string): string {
  return symbol.replace(/[^A-Z0-9]/g, '');
}

/**
 * FMP's search rows carry no security type; the exchange code says it for crypto, currencies and
 * indexes. Everything listed on a stock exchange reads as EQUITY, ETFs included: telling them
 * apart would cost a profile call per match.
 */
function typeOf(exchange: string | null): SecurityType {
  switch (exchange?.toUpperCase()) {
    case 'CRYPTO':
      return 'CRYPTO';
    case 'FOREX':
      return 'FOREX';
    case 'INDEX':
      return 'INDEX';
    case 'ETF':
      return 'ETF';
    case 'MUTUAL_FUND':
      return 'FUND';
    case 'COMMODITY':
      return 'OTHER';
    default:
      return 'EQUITY';
  }
}
