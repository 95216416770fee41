/**
 * A provider plan's limits, as the quota settings state them ("60/min,30/s"): so many calls per
 * window, each window counted on its own. The config layer parses the text into this shape.
 */
export type QuotaWindow = 'second' | 'minute' | 'day';

export interface QuotaLimit {
  readonly points: number;
  readonly per: QuotaWindow;
}

export const WINDOW_SECONDS: Readonly<Record<QuotaWindow, number>> = {
  second: 1,
  minute: 60,
  day: 86_400,
};

/**
 * Shortest window first, the order a call spends its windows in (see QuotaKeyPool.spend): a
 * refused call then never touches the longer windows, so a burst refused by the per-second limit
 * costs nothing of the day's budget.
 */
export function shortestFirst(limits: readonly QuotaLimit[]): QuotaLimit[] {
  return [...limits].sort((a, b) => WINDOW_SECONDS[a.per] - WINDOW_SECONDS[b.per]);
}
