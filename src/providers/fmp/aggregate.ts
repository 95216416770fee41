import type { Bar, Interval } from '../../domain/index.js';

/**
 * Weekly (Monday–Friday) or calendar-monthly bars out of daily bars sorted oldest first, dated by
 * their first session in range, as the rest of the gateway dates them. FMP's daily endpoint is
 * the one its free plan serves, so WEEK and MONTH are built here rather than asked for.
 */
export function aggregateBars(daily: readonly Bar[], interval: Interval): Bar[] {
  if (interval === 'DAY') return [...daily];
  const bucketOf = interval === 'WEEK' ? mondayOf : (date: string): string => date.slice(0, 7);
  const bars: Bar[] = [];
  let bucket: string | undefined;
  let current: { date: string; open: number; high: number; low: number; close: number; volume: number } | undefined;
  for (const bar of daily) {
    const key = bucketOf(bar.date);
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

const DAY_MS = 86_400_000;

/** The Monday of a date's week, YYYY-MM-DD (UTC calendar). */
function mondayOf(date: string): string {
  const time = Date.parse(`${date}T00:00:00Z`);
  const weekday = (new Date(time).getUTCDay() + 6) % 7;
  return new Date(time - weekday * DAY_MS).toISOString().slice(0, 10);
}

/** Whether [from, to] holds a weekday, i.e. whether any session can fall in it. */
export function spansWeekday(from: string, to: string): boolean {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end) || start > end) return false;
  for (let time = start; time <= end && time < start + 7 * DAY_MS; time += DAY_MS) {
    const weekday = new Date(time).getUTCDay();
    if (weekday !== 0 && weekday !== 6) return true;
  }
  return false;
}
