import { z } from 'zod';
import { addDays, dayNumber, type CivilDate } from './civil-date.js';
import { newYorkInstant, newYorkTime } from './new-york-time.js';
import { isUsEquityEarlyClose, isUsEquityTradingDay, usEquityHolidayOn } from './us-equity-holidays.js';

/**
 * The trading sessions of a US equity trading day and where an instant falls among them, in New
 * York time: pre-market 04:00–09:30, regular 09:30–16:00, after-hours 16:00–20:00. On an early-close
 * day the regular session ends at 13:00 and after-hours at 17:00 (NYSE Arca's late session and
 * Nasdaq's post-market both end at 17:00 then). Each session includes its start and excludes its
 * end: 09:30:00 is REGULAR, 16:00:00 is AFTER_HOURS, 20:00:00 is CLOSED.
 */

export const MarketSessionSchema = z.enum(['PRE_MARKET', 'REGULAR', 'AFTER_HOURS', 'CLOSED']);
export type MarketSession = z.infer<typeof MarketSessionSchema>;

/** New York times of day, in milliseconds since midnight. */
const HOUR_MS = 3_600_000;
const PRE_MARKET_OPEN = 4 * HOUR_MS;
const REGULAR_OPEN = 9.5 * HOUR_MS;
const REGULAR_CLOSE = 16 * HOUR_MS;
const AFTER_HOURS_CLOSE = 20 * HOUR_MS;
const EARLY_REGULAR_CLOSE = 13 * HOUR_MS;
const EARLY_AFTER_HOURS_CLOSE = 17 * HOUR_MS;

/** The sessions of one trading day, as instants (milliseconds since the epoch). */
export interface TradingDay {
  readonly date: CivilDate;
  readonly earlyClose: boolean;
  readonly preMarketOpen: number;
  readonly open: number;
  readonly close: number;
  readonly afterHoursClose: number;
}

/** Days whose sessions are remembered (or that have none): years of them, a few hundred KB at most. */
const MAX_REMEMBERED_DAYS = 5_000;
const tradingDays = new Map<number, TradingDay | null>();

/** The sessions of `date`, or undefined on a weekend or holiday (no session at all then). Worked out once per date. */
export function usEquityTradingDay(date: CivilDate): TradingDay | undefined {
  const key = dayNumber(date);
  let day = tradingDays.get(key);
  if (day === undefined) {
    day = sessionsOf(date) ?? null;
    if (tradingDays.size >= MAX_REMEMBERED_DAYS) tradingDays.clear();
    tradingDays.set(key, day);
  }
  return day ?? undefined;
}

function sessionsOf(date: CivilDate): TradingDay | undefined {
  if (!isUsEquityTradingDay(date)) return undefined;
  const earlyClose = isUsEquityEarlyClose(date);
  return {
    date,
    earlyClose,
    preMarketOpen: newYorkInstant(date, PRE_MARKET_OPEN),
    open: newYorkInstant(date, REGULAR_OPEN),
    close: newYorkInstant(date, earlyClose ? EARLY_REGULAR_CLOSE : REGULAR_CLOSE),
    afterHoursClose: newYorkInstant(date, earlyClose ? EARLY_AFTER_HOURS_CLOSE : AFTER_HOURS_CLOSE),
  };
}

/** Where the US equity market stands at an instant. */
export interface UsEquityState {
  readonly session: MarketSession;
  /** The holiday the market is closed for on this New York date, as observed; null on trading days and plain weekends. */
  readonly holiday: string | null;
  /** Whether this New York date is a trading day whose regular session closes at 13:00. */
  readonly earlyClose: boolean;
  /** The first regular-session open after the instant (strictly: at 09:30:00 itself, the next day's). */
  readonly nextOpen: number;
  /** The first regular-session close after the instant: today's while the session runs. */
  readonly nextClose: number;
}

/** The session at an instant, alone: what a feed's silence detector asks every few seconds (no next open or close worked out). */
export function usEquitySession(epochMs: number): MarketSession {
  const day = usEquityTradingDay(newYorkTime(epochMs).date);
  return day ? sessionAt(day, epochMs) : 'CLOSED';
}

export function usEquityState(epochMs: number): UsEquityState {
  const today = newYorkTime(epochMs).date;
  const day = usEquityTradingDay(today);
  return {
    session: day ? sessionAt(day, epochMs) : 'CLOSED',
    holiday: usEquityHolidayOn(today)?.name ?? null,
    earlyClose: day?.earlyClose ?? false,
    nextOpen: firstAfter(today, epochMs, (trading) => trading.open),
    nextClose: firstAfter(today, epochMs, (trading) => trading.close),
  };
}

/**
 * The latest regular session that has opened by the instant: today's from 09:30 on a trading day,
 * else the last trading day's (Friday's on a weekend, the day before's on a holiday). What a
 * price read at the instant can at best reflect: up to now while it runs, up to its close after.
 */
export function latestUsEquitySession(epochMs: number): TradingDay {
  const today = newYorkTime(epochMs).date;
  for (let offset = 0; offset <= MAX_DAYS_WITHOUT_SESSION; offset++) {
    const day = usEquityTradingDay(addDays(today, -offset));
    if (day && day.open <= epochMs) return day;
  }
  throw new Error(`no US equity session within ${MAX_DAYS_WITHOUT_SESSION} days before ${new Date(epochMs).toISOString()}`);
}

function sessionAt(day: TradingDay, epochMs: number): MarketSession {
  if (epochMs < day.preMarketOpen || epochMs >= day.afterHoursClose) return 'CLOSED';
  if (epochMs < day.open) return 'PRE_MARKET';
  if (epochMs < day.close) return 'REGULAR';
  return 'AFTER_HOURS';
}

/**
 * The longest run of days without a session: a weekend with holidays or closures on both sides
 * (September 2001: Tuesday to the next Monday). Past it the calendar is broken, not the market shut.
 */
const MAX_DAYS_WITHOUT_SESSION = 14;

function firstAfter(from: CivilDate, epochMs: number, boundary: (day: TradingDay) => number): number {
  for (let offset = 0; offset <= MAX_DAYS_WITHOUT_SESSION; offset++) {
    const day = usEquityTradingDay(addDays(from, offset));
    if (day && boundary(day) > epochMs) return boundary(day);
  }
  throw new Error(`no US equity session within ${MAX_DAYS_WITHOUT_SESSION} days after ${new Date(epochMs).toISOString()}`);
}
