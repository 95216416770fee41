import { isValidSymbol, type SecurityType, type SymbolMatch } from '../../domain/index.js';

/**
 * Matches out of a provider's own ranked list: each symbol once, from its best-ranked entry (a
 * provider may list one instrument per venue), only symbols the gateway can address (quote,
 * company), at most `limit`. `symbolOf` reads an entry's symbol, null where it has none.
 */
export function distinctMatches<T>(
  entries: Iterable<T>,
  limit: number,
  symbolOf: (entry: T) => string | null,
  matchOf: (entry: T, symbol: string) => SymbolMatch,
): SymbolMatch[] {
  const matches: SymbolMatch[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const symbol = symbolOf(entry)?.toUpperCase() ?? null;
    if (symbol === null || !isValidSymbol(symbol) || seen.has(symbol)) continue;
    seen.add(symbol);
    matches.push(matchOf(entry, symbol));
    if (matches.length >= limit) break;
  }
  return matches;
}

/** The provider's names (any case) for each of the domain's security types; a name not listed is OTHER. */
export type SecurityTypeNames = { readonly [Type in Exclude<SecurityType, 'OTHER'>]?: readonly string[] };

/** A reader that folds a provider's security type names into the domain's few. */
export function securityTypeReader(names: SecurityTypeNames): (type: string | null) => SecurityType {
  const typeOf = new Map<string, SecurityType>();
  for (const [type, spellings] of Object.entries(names) as Array<[SecurityType, readonly string[]]>) {
    for (const spelling of spellings) typeOf.set(spelling.toLowerCase(), type);
  }
  return (type) => typeOf.get((type ?? '').toLowerCase()) ?? 'OTHER';
}
