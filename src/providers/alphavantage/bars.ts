import type { Bar, Interval } from '../../domain/index.js';

/**
 * Weekly (Monday–Friday) or calendar-monthly bars from daily ones, dated by their first session
 * in range, exactly as the other providers and the schema ("first session of the week or month")
 * have them: a range that starts mid-week starts with a partial week.
 */
export function aggregate(daily: readonly Bar[], interval: Interval): Bar[] {
  if (interval === 'DAY') return [...daily];
  const bucketOf = interval === 'WEEK' ? mondayOf : (bar: Bar): string => bar.date.slice(0, 7);
  const bars: Bar[] = [];
  let bucket: string | undefined;
  let current: { date: string; open: number; high: number; low: number; close: number; volume: number } | undefined;
  for (const bar of daily) {
    const key = bucketOf(bar);
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

function mondayOf(bar: Bar): string {
  const day = new Date(`${bar.date}T00:00:00Z`);
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}
