import { dayNumber, usEquityHolidays } from '../../domain/index.js';

/**
 * The simulated market's calendar: the US equity trading days (weekdays that are no NYSE holiday,
 * by the market calendar in src/domain/calendar), each one 24-hour session in UTC. Whole UTC days
 * keep every price a function of plain integers; the holidays are the NYSE's, so the simulated
 * market has no bars and no ticks on Thanksgiving, as the real one has none.
 *
 * A trading day is addressed by its ordinal: the count of trading days since the Monday before
 * the epoch (1969-12-29). Ordinals make "the previous session" a subtraction, across weekends and
 * holidays too. They are weekday ordinals less the holidays before: worked out per year once.
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
  return weekdayOf(day) < 5 && !holidaysOf(yearOfDay(day)).includes(day);
}

/** The ordinal of the last session that started on or before `day` (Friday's for a weekend, the day before's for a holiday). */
export function lastOrdinalOnOrBefore(day: number): number {
  return weekdayOrdinalOnOrBefore(day) - holidaysUpTo(day);
}

/** The ordinal of the first session on or after `day` (Monday's for a weekend). */
export function firstOrdinalOnOrAfter(day: number): number {
  return isTradingDay(day) ? lastOrdinalOnOrBefore(day) : lastOrdinalOnOrBefore(day) + 1;
}

/**
 * The day of a session: the weekday of ordinal + h, where h is the holidays up to that day — a
 * fixed point reached in a step or two, since h only grows as the day moves later.
 */
export function dayOfOrdinal(ordinal: number): number {
  let day = dayOfWeekdayOrdinal(ordinal);
  for (;;) {
    const next = dayOfWeekdayOrdinal(ordinal + holidaysUpTo(day));
    if (next === day) return day;
    day = next;
  }
}

/** Sessions after a closed day (a weekend, a holiday) open on news of days: the only sessions that gap at the open. */
export function opensAfterClosedDay(ordinal: number): boolean {
  return dayOfOrdinal(ordinal) - dayOfOrdinal(ordinal - 1) > 1;
}

/** Monday-to-Friday week number of a session, the bucket key of weekly bars. */
export function weekOfOrdinal(ordinal: number): number {
  return Math.floor((dayOfOrdinal(ordinal) + DAYS_FROM_WEEK_ZERO) / 7);
}

function weekdayOrdinalOnOrBefore(day: number): number {
  const week = Math.floor((day + DAYS_FROM_WEEK_ZERO) / 7);
  return week * 5 + Math.min(weekdayOf(day), 4);
}

function dayOfWeekdayOrdinal(ordinal: number): number {
  const week = Math.floor(ordinal / 5);
  return week * 7 + (ordinal - week * 5) - DAYS_FROM_WEEK_ZERO;
}

/** The first year counted; a day before it counts holidays from its own year on (negative counts). */
const FIRST_YEAR = 1970;
const holidayDays = new Map<number, readonly number[]>();
const holidaysBeforeYear = new Map<number, number>([[FIRST_YEAR, 0]]);

function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** The holidays of a year that fall on weekdays, as days (observed dates always do). */
function holidaysOf(year: number): readonly number[] {
  let days = holidayDays.get(year);
  if (days === undefined) {
    days = usEquityHolidays(year)
      .map((holiday) => dayNumber(holiday.date))
      .filter((day) => weekdayOf(day) < 5);
    holidayDays.set(year, days);
  }
  return days;
}

function holidaysBefore(year: number): number {
  const known = holidaysBeforeYear.get(year);
  if (known !== undefined) return known;
  const count = year > FIRST_YEAR ? holidaysBefore(year - 1) + holidaysOf(year - 1).length : holidaysBefore(year + 1) - holidaysOf(year).length;
  holidaysBeforeYear.set(year, count);
  return count;
}

/** Weekday holidays on or before `day`, counted from FIRST_YEAR. */
function holidaysUpTo(day: number): number {
  const year = yearOfDay(day);
  return holidaysBefore(year) + holidaysOf(year).filter((holiday) => holiday <= day).length;
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
