import type { Quote } from '../../domain/index.js';
import { addDays, utcDate } from '../kit/dates.js';
import { roundTo } from '../kit/quote-figures.js';
import type { RemoteContext } from '../kit/remote-context.js';
import { fetchDailyBars } from './aggregates.js';
import { PROVIDER_ID } from './client.js';
import { toPolygonTicker } from './symbols.js';

/** Long enough to hold two sessions across any run of holidays and weekends. */
const LOOKBACK_DAYS = 14;

/**
 * A quote for plans without the snapshot (the free plan: end-of-day data only), built from the
 * latest daily bar: the price is that session's close, not a live price, and its timestamp and
 * asOf are the bar's own time as Polygon stamps it.
 *
 * Daily bars of the last two weeks rather than `/v2/aggs/ticker/{T}/prev`: the same one call per
 * symbol, but it also holds the session before, so change and previous close are real figures.
 */
export async function quoteFromDailyBars(context: RemoteContext, symbol: string, signal?: AbortSignal): Promise<Quote> {
  const to = utcDate(context.now());
  const bars = await fetchDailyBars(context, toPolygonTicker(symbol), { from: addDays(to, -LOOKBACK_DAYS), to }, `daily bars of ${symbol}`, signal);
  const last = bars[bars.length - 1];
  if (last === undefined) throw new Error('fetchDailyBars returns at least one bar');
  const previous = bars[bars.length - 2];
  // A listing's first session has no previous close to compare with: no move to report.
  const change = previous === undefined ? 0 : roundTo(last.close - previous.close, 6);
  const changePercent = previous === undefined ? 0 : roundTo((change / previous.close) * 100, 4);
  const stamped = new Date(last.epochMs);
  return {
    symbol,
    price: last.close,
    change,
    changePercent,
    open: last.open,
    high: last.high,
    low: last.low,
    previousClose: previous?.close ?? null,
    volume: last.volume,
    timestamp: stamped,
    source: PROVIDER_ID,
    asOf: stamped,
    stale: false,
  };
}
