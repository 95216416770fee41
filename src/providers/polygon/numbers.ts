/** A price, or null for Polygon's zeros ("no trade yet"): our models want positive prices or none. */
export function positiveOrNull(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && value > 0 ? value : null;
}

/** Removes binary floating-point noise from a derived figure (156.8 - 155.09 = 1.710000000000008). */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
