import { ErrorCode, MarketError, type Bar, type HistoryQuery, type Interval } from '../../domain/index.js';
import {
  dayOf,
  dayOfIsoDate,
  dayOfOrdinal,
  firstOrdinalOnOrAfter,
  isoDateOfDay,
  isTradingDay,
  lastOrdinalOnOrBefore,
  weekOfOrdinal,
} from './calendar.js';
import { monthOf, rollUpBars } from '../kit/bars.js';
import type { Instrument } from './instrument.js';
import { toCents } from './prices.js';

/** How far back daily bars reach from today. */
export const HISTORY_YEARS = 10;

interface DatedBar {
  readonly ordinal: number;
  readonly bar: Bar;
}

/**
 * Bars from `from` to `to` (inclusive), oldest first. Completed sessions come from their daily
 * shape alone; today's session, when it is a weekday, is the bar in progress at `nowMs`, the same
 * figures the quote shows.
 */
export function historyOf(instrument: Instrument, query: HistoryQuery, nowMs: number): Bar[] {
  const fromDay = parseDate(query.from, 'from');
  const toDay = parseDate(query.to, 'to');
  const today = dayOf(nowMs);
  const now = new Date(nowMs);
  const earliest = dayOf(Date.UTC(now.getUTCFullYear() - HISTORY_YEARS, now.getUTCMonth(), now.getUTCDate()));
  const first = firstOrdinalOnOrAfter(Math.max(fromDay, earliest));
  const last = lastOrdinalOnOrBefore(Math.min(toDay, today));
  const liveOrdinal = isTradingDay(today) ? lastOrdinalOnOrBefore(today) : undefined;

  const daily: DatedBar[] = [];
  for (let ordinal = first; ordinal <= last; ordinal++) {
    daily.push({ ordinal, bar: ordinal === liveOrdinal ? liveBar(instrument, nowMs) : sessionBar(instrument, ordinal) });
  }
  return aggregate(daily, query.interval);
}

function sessionBar(instrument: Instrument, ordinal: number): Bar {
  const session = instrument.daily.session(ordinal);
  return {
    date: isoDateOfDay(dayOfOrdinal(ordinal)),
    open: toCents(session.logOpen),
    high: toCents(session.logHigh),
    low: toCents(session.logLow),
    close: toCents(session.logClose),
    volume: session.volume,
  };
}

function liveBar(instrument: Instrument, nowMs: number): Bar {
  const snapshot = instrument.snapshot(nowMs);
  return {
    date: isoDateOfDay(dayOfOrdinal(snapshot.session.ordinal)),
    open: toCents(snapshot.session.logOpen),
    high: toCents(snapshot.logHigh),
    low: toCents(snapshot.logLow),
    close: toCents(snapshot.logPrice),
    volume: snapshot.volume,
  };
}

/** Weekly (Monday–Friday) or calendar-monthly bars, dated by their first session in range; weeks by session ordinal. */
function aggregate(daily: readonly DatedBar[], interval: Interval): Bar[] {
  if (interval === 'DAY') return daily.map((entry) => entry.bar);
  const bucketOf = interval === 'WEEK' ? (entry: DatedBar): string => String(weekOfOrdinal(entry.ordinal)) : (entry: DatedBar): string => monthOf(entry.bar);
  return rollUpBars(daily, bucketOf, (entry) => entry.bar);
}

function parseDate(value: string, field: 'from' | 'to'): number {
  const day = dayOfIsoDate(value);
  if (day === undefined) {
    throw new MarketError(ErrorCode.BAD_USER_INPUT, `"${field}" must be a calendar date as YYYY-MM-DD.`, { field });
  }
  return day;
}
