/**
 * Tickers as FMP spells them. FMP writes share classes with a hyphen (BRK-B, BF-B, RCI-B.TO) and
 * keeps the dot for the venue suffix of non-US listings (VOD.L, 7203.T, SAP.DE). Our canonical
 * form writes the class with a dot (BRK.B), so a one-letter suffix after a dot is a class, unless
 * it is one of FMP's one-letter venues.
 */

/** London, Tokyo, TSX Venture, Frankfurt: one-letter venue suffixes, never share classes. */
const ONE_LETTER_VENUES = new Set(['L', 'T', 'V', 'F']);

const CANONICAL_CLASS = /^([A-Z0-9]+)\.([A-Z])((?:\.[A-Z]{1,4})?)$/;
const FMP_CLASS = /^([A-Z0-9]+)-([A-Z])((?:\.[A-Z]{1,4})?)$/;

/** Canonical (BRK.B) → FMP (BRK-B). */
export function toFmpSymbol(symbol: string): string {
  const match = CANONICAL_CLASS.exec(symbol);
  if (!match) return symbol;
  const [, base = '', shareClass = '', venue = ''] = match;
  if (venue === '' && ONE_LETTER_VENUES.has(shareClass)) return symbol;
  return `${base}-${shareClass}${venue}`;
}

/** FMP (BRK-B) → canonical (BRK.B). */
export function fromFmpSymbol(fmpSymbol: string): string {
  const symbol = fmpSymbol.trim().toUpperCase();
  const match = FMP_CLASS.exec(symbol);
  if (!match) return symbol;
  const [, base = '', shareClass = '', venue = ''] = match;
  return `${base}.${shareClass}${venue}`;
}
