import type { SearchQuery, SymbolMatch } from '../../domain/index.js';
import { PROVIDER_ID } from './market.js';
import { UNIVERSE, type Listing } from './universe.js';

/**
 * Symbol search over the universe, ranked the way a person typing expects: the exact ticker,
 * then tickers it starts, then names whose words each query word starts ("apple" → AAPL,
 * "micro" → Microsoft, Advanced Micro Devices, Micron…). Within a rank, bigger companies first.
 */

const Rank = { EXACT_SYMBOL: 0, SYMBOL_PREFIX: 1, NAME_WORDS: 2 } as const;
type Rank = (typeof Rank)[keyof typeof Rank];

interface Entry {
  readonly listing: Listing;
  readonly order: number;
  readonly symbol: string;
  /** The ticker without its class separator, so "BRKB" and "BRK-B" find BRK.B. */
  readonly compactSymbol: string;
  readonly nameWords: readonly string[];
}

let index: readonly Entry[] | undefined;

function entries(): readonly Entry[] {
  index ??= UNIVERSE.map((listing, order) => ({
    listing,
    order,
    symbol: listing.symbol,
    compactSymbol: compact(listing.symbol),
    nameWords: words(listing.name),
  }));
  return index;
}

export function searchSymbols(query: SearchQuery): SymbolMatch[] {
  const text = query.query.trim();
  const queryWords = words(text);
  if (queryWords.length === 0 || query.limit <= 0) return [];
  const upper = text.toUpperCase();
  const compactQuery = compact(upper);

  const ranked: { entry: Entry; rank: Rank }[] = [];
  for (const entry of entries()) {
    const rank = rankOf(entry, upper, compactQuery, queryWords);
    if (rank !== undefined) ranked.push({ entry, rank });
  }
  ranked.sort(
    (a, b) => a.rank - b.rank || b.entry.listing.marketCap - a.entry.listing.marketCap || a.entry.order - b.entry.order,
  );
  return ranked.slice(0, query.limit).map(({ entry: { listing } }) => ({
    symbol: listing.symbol,
    name: listing.name,
    exchange: listing.exchange,
    type: listing.type,
    source: PROVIDER_ID,
  }));
}

function rankOf(entry: Entry, upper: string, compactQuery: string, queryWords: readonly string[]): Rank | undefined {
  if (entry.symbol === upper || (compactQuery !== '' && entry.compactSymbol === compactQuery)) return Rank.EXACT_SYMBOL;
  if (entry.symbol.startsWith(upper) || (compactQuery !== '' && entry.compactSymbol.startsWith(compactQuery))) {
    return Rank.SYMBOL_PREFIX;
  }
  const matchesName = queryWords.every((word) => entry.nameWords.some((nameWord) => nameWord.startsWith(word)));
  return matchesName ? Rank.NAME_WORDS : undefined;
}

/** Lower-case words; apostrophes vanish so "McDonald's" is the word "mcdonalds". */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

function compact(symbol: string): string {
  return symbol.replace(/[^A-Z0-9]/g, '');
}
