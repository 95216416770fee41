import type { Bar } from '../../domain/index.js';
import { endpointUrl, type RemoteContext } from '../kit/remote-context.js';
import { getPayload, segment } from './client.js';
import { invalidPayload, noData } from './errors.js';
import { AggregatesResponseSchema } from './schemas.js';
import { sessionDate } from './time.js';

/** A daily bar and the instant Polygon stamped it with. */
export interface DailyBar extends Bar {
  readonly epochMs: number;
}

/** Polygon's cap; 30 years of sessions (the most a history may span) is about 7,600 bars. */
const MAX_BARS = 50_000;

/**
 * Split-adjusted daily bars from `from` to `to` (inclusive, YYYY-MM-DD), oldest first, in one call.
 * NOT_FOUND when there are none: Polygon answers an unknown ticker exactly like an empty window.
 */
export async function fetchDailyBars(
  context: RemoteContext,
  ticker: string,
  range: { readonly from: string; readonly to: string },
  what: string,
  signal?: AbortSignal,
): Promise<DailyBar[]> {
  const url = endpointUrl(context, `/v2/aggs/ticker/${segment(ticker)}/range/1/day/${segment(range.from)}/${segment(range.to)}`, {
    adjusted: true,
    sort: 'asc',
    limit: MAX_BARS,
  });
  const payload = AggregatesResponseSchema.safeParse(await getPayload(context, url, what, signal));
  if (!payload.success) throw invalidPayload(context.http, what, payload.error);
  const results = payload.data.results ?? [];
  if (results.length === 0) throw noData(context.http, what);
  return results.map((bar) => ({
    date: sessionDate(bar.t),
    open: bar.o,
    high: bar.h,
    low: bar.l,
    close: bar.c,
    // Whole shares; Polygon sends volumes as floats (95595226.0).
    volume: Math.round(bar.v),
    epochMs: bar.t,
  }));
}
