/**
 * Polygon spells share classes with a dot (BRK.B, BF.B); our canonical symbols also allow the dash
 * other providers use (BRK-B), which means the same listing. Answers are keyed back by the symbol
 * asked, so a caller never sees Polygon's spelling.
 */
export function toPolygonTicker(symbol: string): string {
  return symbol.replace(/-/g, '.');
}
