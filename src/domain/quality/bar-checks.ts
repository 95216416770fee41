import { z } from 'zod';
import type { Bar, Interval } from '../bar.js';
import { civilDate, dayNumber, fromDayNumber, isoDate, usEquityHolidays } from '../calendar/index.js';

/**
 * What is wrong with a price history, found rather than passed on: bars out of order or on the
 * same date twice, bars whose prices contradict each other, and, for daily bars of a US listing,
 * bars on days without a session and sessions missing between two bars (by the market calendar).
 * Gaps before the first bar and after the last are not judged: a listing starts some day, and
 * today's bar comes after the close.
 */

export const BarProblemKindSchema = z.enum(['OUT_OF_ORDER', 'DUPLICATE', 'OHLC_INVALID', 'NOT_A_SESSION', 'MISSING_SESSIONS']);
export type BarProblemKind = z.infer<typeof BarProblemKindSchema>;

export interface BarProblem {
  readonly kind: BarProblemKind;
  /** Where it is: the bar's index in the history (MISSING_SESSIONS: the bar after the gap). */
  readonly index: number;
  /** The bar's date. */
  readonly date: string;
  /** For MISSING_SESSIONS: the sessions missing before this bar, oldest first (at most MAX_LISTED). */
  readonly missingDates: readonly string[];
  readonly message: string;
}

/** Missing sessions listed per gap at most; the message gives the full count. */
const MAX_LISTED = 20;

/**
 * Only the US equity calendar is modelled: a symbol with a venue suffix (7203.T, VOD.L, SHOP.TO)
 * has its own exchange's holidays, so its gaps are not judged. Share classes (BRK.B, BF-B) are
 * US listings.
 */
export function followsUsCalendar(symbol: string): boolean {
  const suffix = /[.-]([A-Z0-9]+)$/.exec(symbol)?.[1];
  return suffix === undefined || /^[A-D]$/.test(suffix);
}

export function checkBars(symbol: string, interval: Interval, bars: readonly Bar[]): BarProblem[] {
  const problems: BarProblem[] = [];
  const daily = interval === 'DAY' && followsUsCalendar(symbol);
  const tradingDay = daily ? sessionDays(bars) : () => true;
  let lastDay: number | undefined;
  bars.forEach((bar, index) => {
    const ohlc = ohlcProblem(bar);
    if (ohlc) problems.push({ kind: 'OHLC_INVALID', index, date: bar.date, missingDates: [], message: ohlc });
    const day = dayOf(bar.date);
    const previousDay = lastDay;
    lastDay = day;
    if (daily && day !== undefined && !tradingDay(day)) {
      problems.push({ kind: 'NOT_A_SESSION', index, date: bar.date, missingDates: [], message: `${bar.date} has no US equity session (a weekend or an exchange holiday)` });
    }
    if (index === 0) return;
    const previous = bars[index - 1] as Bar;
    if (bar.date === previous.date) {
      problems.push({ kind: 'DUPLICATE', index, date: bar.date, missingDates: [], message: `a second bar for ${bar.date}` });
      return;
    }
    if (bar.date < previous.date) {
      problems.push({ kind: 'OUT_OF_ORDER', index, date: bar.date, missingDates: [], message: `${bar.date} comes after ${previous.date}: bars must be oldest first` });
      return;
    }
    if (!daily || previousDay === undefined || day === undefined) return;
    const missing: string[] = [];
    let count = 0;
    for (let between = previousDay + 1; between < day; between++) {
      if (!tradingDay(between)) continue;
      count += 1;
      if (missing.length < MAX_LISTED) missing.push(isoDate(fromDayNumber(between)));
    }
    if (count > 0) {
      const sessions = count === 1 ? `the session of ${missing[0]} is` : `${count} sessions are`;
      problems.push({ kind: 'MISSING_SESSIONS', index, date: bar.date, missingDates: missing, message: `${sessions} missing between ${previous.date} and ${bar.date}` });
    }
  });
  return problems;
}

function ohlcProblem(bar: Bar): string | undefined {
  const { open, high, low, close, volume } = bar;
  if (!(positive(open) && positive(high) && positive(low) && positive(close))) return `non-positive price on ${bar.date}`;
  if (!(Number.isFinite(volume) && volume >= 0)) return `negative volume on ${bar.date}`;
  if (high < low) return `high ${high} below low ${low} on ${bar.date}`;
  if (open < low || open > high) return `open ${open} outside ${low}–${high} on ${bar.date}`;
  if (close < low || close > high) return `close ${close} outside ${low}–${high} on ${bar.date}`;
  return undefined;
}

function dayOf(date: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return match ? dayNumber(civilDate(Number(match[1]), Number(match[2]), Number(match[3]))) : undefined;
}

function positive(price: number): boolean {
  return Number.isFinite(price) && price > 0;
}

/**
 * Whether a day (days since 1970-01-01) has a US equity session, for the years `bars` span: a
 * weekday (the epoch was a Thursday) that is no holiday. Day numbers and one set of the span's
 * holidays, because a ten-year history asks about some 3,650 days and building a date for each
 * cost a millisecond per check.
 */
function sessionDays(bars: readonly Bar[]): (day: number) => boolean {
  const years = bars.map((bar) => Number(bar.date.slice(0, 4))).filter(Number.isInteger);
  const holidays = new Set<number>();
  for (let year = Math.min(...years); year <= Math.max(...years); year++) for (const holiday of usEquityHolidays(year)) holidays.add(dayNumber(holiday.date));
  return (day) => {
    const weekday = (((day + 4) % 7) + 7) % 7;
    return weekday !== 0 && weekday !== 6 && !holidays.has(day);
  };
}
