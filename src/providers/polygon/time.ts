/**
 * Polygon's timestamps come in several units: snapshots stamp `updated` and `lastTrade.t` in
 * nanoseconds, aggregates stamp bars in milliseconds, and older documentation shows `updated` in
 * milliseconds too. The unit is read off the magnitude, so a change on their side cannot move a
 * quote by a factor of a million.
 */
export function fromEpoch(value: number): Date {
  const size = Math.abs(value);
  const ms = size >= 1e17 ? value / 1e6 : size >= 1e14 ? value / 1e3 : size >= 1e11 ? value : value * 1e3;
  return new Date(Math.floor(ms));
}

const NEW_YORK_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * The session date of a bar, in exchange time: Polygon stamps daily bars at midnight New York time
 * (05:00 or 04:00 UTC) and previous-close bars at the 16:00 close, both the same calendar day there.
 */
export function sessionDate(epochMs: number): string {
  return NEW_YORK_DATE.format(new Date(epochMs));
}
