import type { Bar, HistoryQuery, Interval } from '../../domain/index.js';
import type { FetchOptions, QueryFetcher } from '../adapter.js';
import { barAsGiven, oldestFirst } from '../kit/bars.js';
import { addDays } from '../kit/dates.js';
import { parsePayload } from '../kit/payload.js';
import type { RemoteContext } from '../kit/remote-context.js';
import { getTwelveData } from './client.js';
import { isEmptyRange } from './errors.js';
import { TimeSeriesSchema } from './schemas.js';

const INTERVALS: Record<Interval, string> = { DAY: '1day', WEEK: '1week', MONTH: '1month' };

/** The most bars one `/time_series` call returns (about 19 years of daily bars). */
const MAX_OUTPUT_SIZE = 5000;

/**
 * OHLCV bars from `/time_series` (free plan). Dates are the exchange's calendar dates. Twelve Data
 * treats `end_date` as the end of a range that may exclude that day, so the call asks one day more
 * and the bars are cut to the inclusive [from, to] the domain promises.
 */
export function createHistoryFetcher(context: RemoteContext): QueryFetcher<HistoryQuery, Bar[]> {
  return {
    async fetch(query: HistoryQuery, options?: FetchOptions): Promise<Bar[]> {
      const what = `Twelve Data ${query.interval.toLowerCase()} history ${query.symbol}`;
      const params = {
        symbol: query.symbol,
        interval: INTERVALS[query.interval],
        start_date: query.from,
        end_date: nextDay(query.to),
        order: 'asc',
        // Without it Twelve Data returns 30 bars, however wide the range.
        outputsize: String(MAX_OUTPUT_SIZE),
      };
      let body: unknown;
      try {
        body = (await getTwelveData(context, '/time_series', params, what, options?.signal)).body;
      } catch (error) {
        // "No data is available on the specified dates": a range without sessions, for a known symbol.
        if (isEmptyRange(error)) return [];
        throw error;
      }
      const { values } = parsePayload(context, TimeSeriesSchema, body, what);
      const bars: Bar[] = [];
      for (const value of values) {
        const date = value.datetime.slice(0, 10);
        if (!covers(date, query)) continue;
        // Kept as Twelve Data gave it, inconsistent or twice: the history checks say what is wrong.
        const bar = barAsGiven({
          date,
          open: value.open,
          high: value.high,
          low: value.low,
          close: value.close,
          // The domain's volume is a count: a pair or index without volume reports 0 traded shares.
          volume: value.volume === null ? 0 : Math.round(value.volume),
        });
        if (bar) bars.push(bar);
      }
      return oldestFirst(bars);
    },
  };
}

/**
 * Whether a bar dated `date` belongs to the answer. Week and month bars are dated by their first
 * day, so the one that starts before `from` still covers it and is kept rather than lost.
 */
function covers(date: string, query: HistoryQuery): boolean {
  if (date > query.to) return false;
  if (date >= query.from) return true;
  if (query.interval === 'WEEK') return addDays(date, 7) > query.from;
  if (query.interval === 'MONTH') return date.slice(0, 7) === query.from.slice(0, 7);
  return false;
}

function nextDay(date: string): string {
  return addDays(date, 1);
}
