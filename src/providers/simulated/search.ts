import type { SearchQuery, SymbolMatch } from '../../domain/index.js';
import { PROVIDER_ID } from './market.js';
import { UNIVERSE, type Listing } from './universe.js';

/**
 * Symbol search over the universe, ranked the way a person typing expects: the exact ticker,
 * then tickers it starts, then names whose words each query word starts ("apple" → AAPL,
 * "micro" → Microsoft, Advanced Micro Devices, Micron…). Within a rank, bigger companies first.
 *
 * "&" binds the letters around it into one word ("S&P", "AT&T"), and "X & Y" in a name is also
 * the word "x&y" ("Johnson & Johnson" is "j&j", "Procter & Gamble" "p&g"). Splitting at "&"
 * instead turned "S&P" into the words "s" and "p" and the ticker prefix "SP": Spotify, Simon
 * Property, Shell, UPS… Only a query that looks like a ticker (letters, digits, and the class
 * separators ".", "-", "/" or spaces) is compared with tickers without its separators.
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
    nameWords: nameWords(listing.name),
  }));
  return index;
}

export function searchSymbols(query: SearchQuery): SymbolMatch[] {
  const text = query.query.trim();
  const queryWords = words(text);
  if (queryWords.length === 0 || query.limit <= 0) return [];
  const upper = text.toUpperCase();
  const compactQuery = TICKER_LIKE.test(upper) ? compact(upper) : '';

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

/** Letters, digits, spaces and share-class separators ("brk b", "BRK/B"); "S&P" is no ticker. */
const TICKER_LIKE = /^[A-Z0-9./\- ]+$/;

/**
 * Lower-case words; apostrophes vanish so "McDonald's" is the word "mcdonalds", and "&" between
 * letters stays inside its word ("s&p"). An "&" with nothing on one side joins nothing.
 */
function words(text: string): string[] {
  return pieces(text)
    .map((piece) => piece.replace(/^&+|&+$/g, ''))
    .filter((word) => word.length > 0);
}

/** The words of a name, plus the initials "x&y" of every "X & Y" in it. */
function nameWords(name: string): string[] {
  const split = pieces(name);
  const initials = split.flatMap((piece, at) => {
    const before = split[at - 1]?.[0];
    const after = split[at + 1]?.[0];
    return piece === '&' && before && after && before !== '&' && after !== '&' ? [`${before}&${after}`] : [];
  });
  return [...words(name), ...initials];
}

function pieces(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}&]+/u)
    .filter((piece) => piece.length > 0);
}

function compact(symbol: string): string {
  return symbol.replace(/[^A-Z0-9]/g, '');
}
