/**
 * Calendar dates with no time of day and no time zone: the days exchange rules are written in
 * ("the third Monday of January"). Arithmetic goes through `Date.UTC` and the UTC getters only,
 * so it never depends on the machine's or the user's time zone.
 */
export interface CivilDate {
  readonly year: number;
  /** 1 (January) to 12. */
  readonly month: number;
  /** 1 to 31. */
  readonly day: number;
}

/** Day of the week, as `Date#getUTCDay` counts: 0 is Sunday, 6 Saturday. */
export const Weekday = { SUNDAY: 0, MONDAY: 1, TUESDAY: 2, WEDNESDAY: 3, THURSDAY: 4, FRIDAY: 5, SATURDAY: 6 } as const;

const DAY_MS = 86_400_000;

export function civilDate(year: number, month: number, day: number): CivilDate {
  return { year, month, day };
}

/** Days since 1970-01-01: a plain number to count and compare dates with. */
export function dayNumber(date: CivilDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / DAY_MS;
}

export function fromDayNumber(days: number): CivilDate {
  const at = new Date(days * DAY_MS);
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() };
}

export function addDays(date: CivilDate, days: number): CivilDate {
  return fromDayNumber(dayNumber(date) + days);
}

export function weekdayOf(date: CivilDate): number {
  return new Date(dayNumber(date) * DAY_MS).getUTCDay();
}

export function isWeekend(date: CivilDate): boolean {
  const weekday = weekdayOf(date);
  return weekday === Weekday.SATURDAY || weekday === Weekday.SUNDAY;
}

export function sameDate(a: CivilDate, b: CivilDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

/** YYYY-MM-DD. */
export function isoDate(date: CivilDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** The `n`th (1-based) `weekday` of a month, e.g. the third Monday of January. */
export function nthWeekday(year: number, month: number, weekday: number, n: number): CivilDate {
  const first = civilDate(year, month, 1);
  const offset = (weekday - weekdayOf(first) + 7) % 7;
  return addDays(first, offset + 7 * (n - 1));
}

/** The last `weekday` of a month, e.g. the last Monday of May. */
export function lastWeekday(year: number, month: number, weekday: number): CivilDate {
  // Day 0 of the next month is the last day of this one.
  const last = fromDayNumber(Date.UTC(year, month, 0) / DAY_MS);
  const offset = (weekdayOf(last) - weekday + 7) % 7;
  return addDays(last, -offset);
}
