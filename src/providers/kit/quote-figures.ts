/**
 * The figures of a quote that every provider reads the same way, whatever its payload: zeros that
 * mean "nothing yet", float noise in derived values, and the day's change where it is not sent.
 */

/** A price-like figure: zero or less means "not reported" (no trade yet, a thin listing), never a price of zero. */
export function positiveOrNull(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && value > 0 ? value : null;
}

/** Removes binary floating-point noise from a derived figure (156.8 - 155.09 = 1.710000000000008). */
export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A volume in whole shares (some providers send floats); a negative one is no volume. */
export function wholeVolumeOrNull(volume: number | null): number | null {
  return volume === null || volume < 0 ? null : Math.round(volume);
}

export interface DayChange {
  readonly change: number | null;
  readonly changePercent: number | null;
}

/**
 * The day's change and change percent as the provider sent them, or, where it did not, derived
 * from the previous close: the change to 6 decimals, the percent to `percentDigits`. Null where
 * neither is there.
 */
export function dayChange(price: number, previousClose: number | null, sent: DayChange, percentDigits: number): DayChange {
  const change = sent.change ?? (previousClose !== null ? roundTo(price - previousClose, 6) : null);
  const changePercent = sent.changePercent ?? (previousClose !== null && change !== null ? roundTo((change / previousClose) * 100, percentDigits) : null);
  return { change, changePercent };
}
