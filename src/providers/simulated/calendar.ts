/**
 * The simulated market's calendar: every weekday is one 24-hour session in UTC, weekends are
 * closed. Working in whole UTC days keeps every price a function of plain integers, with no
 * time-zone or holiday tables to drift between machines.
 *
 * A trading day is addressed by its ordinal: the count of weekdays since the Monday before the
 * epoch (1969-12-29). Ordinals make "the previous session" a subtraction, across weekends too.
 */

export const DAY_MS = 86_400_000;
export const SECONDS_PER_SESSION = 86_400;

/** 1970-01-01 was a Thursday: three days after the Monday that starts week 0. */
const DAYS_FROM_WEEK_ZERO = 3;

/** Whole UTC days since the epoch. */
export function dayOf(timeMs: number): number {
  return Math.floor(timeMs / DAY_MS);
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayOf(day: number): number {
  return (((day + DAYS_FROM_WEEK_ZERO) % 7) + 7) % 7;
}

export function isTradingDay(day: number): boolean {
  return weekdayOf(day) < 5;
}

/** The ordinal of the last session that started on or before `day` (Friday's for a weekend). */
export function lastOrdinalOnOrBefore(day: number): number {
  const week = Math.floor((day + DAYS_FROM_WEEK_ZERO) / 7);
  return week * 5 + Math.min(weekdayOf(day), 4);
}

/** The ordinal of the first session on or after `day` (Monday's for a weekend). */
export function firstOrdinalOnOrAfter(day: number): number {
  return isTradingDay(day) ? lastOrdinalOnOrBefore(day) : lastOrdinalOnOrBefore(day) + 1;
}

export function dayOfOrdinal(ordinal: number): number {
  const week = Math.floor(ordinal / 5);
  return week * 7 + (ordinal - week * 5) - DAYS_FROM_WEEK_ZERO;
}

/** Sessions after a weekend open on news of two days: the only sessions that gap at the open. */
export function isMondayOrdinal(ordinal: number): boolean {
  return ((ordinal % 5) + 5) % 5 === 0;
}

/** Monday-to-Friday week number, the bucket key of weekly bars. */
export function weekOfOrdinal(ordinal: number): number {
  return Math.floor(ordinal / 5);
}

export function isoDateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC day of a YYYY-MM-DD string, or undefined when it is not a real calendar date. */
export function dayOfIsoDate(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) return undefined;
  return dayOf(ms);
}

/** The last calendar day of a month (month 1–12; months outside wrap across years). */
export function lastDayOfMonth(year: number, month: number): number {
  return dayOf(Date.UTC(year, month, 1)) - 1;
}
