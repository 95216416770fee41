import type { Bar, HistoryQuery, Interval } from '../../domain/index.js';
import type { QueryFetcher } from '../adapter.js';
import { aggregateBars } from '../kit/bars.js';
import type { RemoteContext } from '../kit/remote-context.js';
import { fetchDailyBars } from './aggregates.js';
import { toPolygonTicker } from './symbols.js';

/**
 * Price history from Polygon's daily aggregates. WEEK and MONTH bars are rolled up here from the
 * daily bars of the same single call rather than asked of Polygon as `/range/1/week|month/`:
 * Polygon dates those bars by the start of their calendar window (a Sunday, the 1st of a month),
 * which need not be a session and may lie before `from`, while our schema promises bars dated by
 * their first session in range and covering only the range asked.
 */
export function createHistoryFetcher(context: RemoteContext): QueryFetcher<HistoryQuery, Bar[]> {
  return {
    async fetch(query, options) {
      const bars = await fetchDailyBars(
        context,
        toPolygonTicker(query.symbol),
        { from: query.from, to: query.to },
        `price history of ${query.symbol}`,
        options?.signal,
      );
      return rollUp(bars, query.interval);
    },
  };
}

/** Monday-to-Friday weeks or calendar months, each dated by its first session; DAY bars as they are, without Polygon's timestamps. */
export function rollUp(daily: readonly Bar[], interval: Interval): Bar[] {
  const plain = daily.map(({ date, open, high, low, close, volume }) => ({ date, open, high, low, close, volume }));
  return aggregateBars(plain, interval);
}
