import { BarFieldsSchema, type Bar, type Interval } from '../../domain/index.js';
import { mondayOf } from './dates.js';

/**
 * Weekly (Monday–Friday) or calendar-monthly bars out of daily bars sorted oldest first, dated by
 * their first session in range, as the schema promises ("first session of the week or month"): a
 * range that starts mid-week starts with a partial week. Providers whose daily endpoint is the one
 * a free plan serves (or whose own weekly bars are dated by calendar, not session) build WEEK and
 * MONTH here rather than ask for them.
 */
export function aggregateBars(daily: readonly Bar[], interval: Interval): Bar[] {
  if (interval === 'DAY') return [...daily];
  return rollUpBars(daily, interval === 'WEEK' ? (bar) => mondayOf(bar.date) : monthOf, (bar) => bar);
}

/**
 * The roll-up itself, for callers whose entries carry their own notion of a week (the simulated
 * market counts weeks by session ordinal): consecutive entries in one bucket become one bar with
 * the first open, the last close, the extremes and the summed volume.
 */
export function rollUpBars<T>(entries: readonly T[], bucketOf: (entry: T) => string, barOf: (entry: T) => Bar): Bar[] {
  const bars: Bar[] = [];
  let bucket: string | undefined;
  let current: { date: string; open: number; high: number; low: number; close: number; volume: number } | undefined;
  for (const entry of entries) {
    const key = bucketOf(entry);
    const bar = barOf(entry);
    if (current === undefined || key !== bucket) {
      if (current !== undefined) bars.push(current);
      bucket = key;
      current = { ...bar };
      continue;
    }
    current.high = Math.max(current.high, bar.high);
    current.low = Math.min(current.low, bar.low);
    current.close = bar.close;
    current.volume += bar.volume;
  }
  if (current !== undefined) bars.push(current);
  return bars;
}

/** The calendar month a bar falls in, YYYY-MM. */
export function monthOf(bar: Bar): string {
  return bar.date.slice(0, 7);
}

/**
 * A provider's daily bar as it gave it, or undefined when a price is missing, zero or negative (a
 * session that cannot be charted: left out, and reported as a missing session by the history
 * checks). Prices that contradict each other are kept: the checks say so, an adapter never
 * repairs or drops them.
 */
export function barAsGiven(candidate: Bar): Bar | undefined {
  const bar = BarFieldsSchema.safeParse(candidate);
  return bar.success ? bar.data : undefined;
}

/** Oldest first, keeping bars of the same date in the order given (the checks report duplicates). */
export function oldestFirst(bars: readonly Bar[]): Bar[] {
  return [...bars].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
