import { isValidSymbol, type SearchQuery, type SecurityType, type SymbolMatch } from '../../domain/index.js';
import type { QueryFetcher } from '../adapter.js';
import { endpointUrl, type RemoteContext } from '../kit/remote-context.js';
import { getPayload, PROVIDER_ID } from './client.js';
import { invalidPayload } from './errors.js';
import { exchangeName } from './exchanges.js';
import { TickersResponseSchema, type TickerEntry } from './schemas.js';

/** Polygon's cap on `limit` for the tickers list. */
const MAX_LIMIT = 1000;
/** Candidates asked for at least, so ranking has something to choose from. */
const MIN_CANDIDATES = 50;

/**
 * Symbol search over Polygon's ticker reference (`search` matches ticker and company name), active
 * stock listings only.
 *
 * Polygon returns matches in ticker order, not by relevance: asked for "microsoft" with limit 3 it
 * could fill the page with other tickers before MSFT. So the adapter asks for more candidates than
 * wanted in the same call, ranks them (exact ticker, ticker prefix, name prefix, word in name) and
 * keeps the best `limit`.
 */
export function createSearchFetcher(context: RemoteContext): QueryFetcher<SearchQuery, SymbolMatch[]> {
  return {
    async fetch(query, options) {
      const what = `ticker search for "${query.query}"`;
      const url = endpointUrl(context, '/v3/reference/tickers', {
        search: query.query,
        active: true,
        market: 'stocks',
        limit: Math.min(MAX_LIMIT, Math.max(query.limit, MIN_CANDIDATES)),
      });
      const payload = TickersResponseSchema.safeParse(await getPayload(context, url, what, options?.signal));
      if (!payload.success) throw invalidPayload(context.http, what, payload.error);
      // No match is an answer, not a failure: an empty list.
      const candidates = (payload.data.results ?? []).filter(isOurSpelling);
      return rank(candidates, query.query)
        .slice(0, query.limit)
        .map((entry) => ({
          symbol: entry.ticker,
          name: entry.name ?? entry.ticker,
          exchange: exchangeName(entry.primary_exchange),
          type: securityType(entry.type),
          source: PROVIDER_ID,
        }));
    },
  };
}

/**
 * Tickers a client can ask about again. Polygon writes preferreds and warrants with lower-case
 * suffixes (BACpB); upper-casing them would name a different listing, so they are left out.
 */
function isOurSpelling(entry: TickerEntry): boolean {
  return entry.ticker === entry.ticker.toUpperCase() && isValidSymbol(entry.ticker);
}

function rank(entries: readonly TickerEntry[], text: string): TickerEntry[] {
  const wanted = text.trim().toUpperCase();
  const score = (entry: TickerEntry): number => {
    const name = (entry.name ?? '').toUpperCase();
    if (entry.ticker === wanted) return 0;
    if (name === wanted) return 1;
    if (entry.ticker.startsWith(wanted)) return 2;
    if (name.startsWith(wanted)) return 3;
    if (name.split(/[^A-Z0-9]+/).some((word) => word.startsWith(wanted))) return 4;
    return 5;
  };
  // Array.prototype.sort is stable: equal scores keep Polygon's ticker order.
  return entries
    .map((entry) => ({ entry, score: score(entry) }))
    .sort((a, b) => a.score - b.score)
    .map(({ entry }) => entry);
}

/** Polygon's ticker types (GET /v3/reference/tickers/types) in our coarser classes. */
const SECURITY_TYPES: Readonly<Record<string, SecurityType>> = {
  CS: 'EQUITY',
  OS: 'EQUITY',
  ADRC: 'EQUITY',
  NYRS: 'EQUITY',
  GDR: 'EQUITY',
  ETF: 'ETF',
  ETS: 'ETF',
  ETV: 'ETF',
  ETN: 'ETF',
  FUND: 'FUND',
};

function securityType(type: string | null): SecurityType {
  return (type === null ? undefined : SECURITY_TYPES[type.toUpperCase()]) ?? 'OTHER';
}
