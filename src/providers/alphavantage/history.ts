import { z } from 'zod';
import { ErrorCode, MarketError, ProviderFailureKind, type Bar, type HistoryQuery, type ProviderError } from '../../domain/index.js';
import type { QueryFetcher } from '../adapter.js';
import { aggregateBars, barAsGiven } from '../kit/bars.js';
import { requiredNumber } from '../parse.js';
import type { AlphaVantageCall, AlphaVantageClient } from './client.js';
import { toProviderSymbol } from './symbols.js';
import { isIsoDate } from './time.js';

/** `outputsize=compact` returns the latest 100 sessions: about 145 calendar days, holidays included. */
const COMPACT_POINTS = 100;
/** Ranges starting within this many days of today fit in a compact answer with a margin. */
const COMPACT_REACH_DAYS = 120;
const DAY_MS = 86_400_000;

const DailyBarSchema = z.object({
  '1. open': requiredNumber,
  '2. high': requiredNumber,
  '3. low': requiredNumber,
  '4. close': requiredNumber,
  '5. volume': requiredNumber,
});

/** `{"Meta Data": {...}, "Time Series (Daily)": {"2024-05-10": {"1. open": "167.1300", ...}, ...}}`, newest first. */
const DailySeriesSchema = z.object({
  'Time Series (Daily)': z.record(z.string().refine(isIsoDate, 'expected a YYYY-MM-DD key'), DailyBarSchema),
});

export interface HistorySettings {
  /** Premium keys may ask for `outputsize=full`; free keys get the latest 100 sessions only. */
  readonly premium: boolean;
}

/**
 * Price history through TIME_SERIES_DAILY (raw, as traded). WEEK and MONTH are aggregated from the
 * daily bars rather than read from TIME_SERIES_WEEKLY/MONTHLY: those are dated by the *last*
 * session of each period and cover whole periods, while our bars are dated by the first session
 * and cut at `from`/`to`, the same whichever provider answers.
 *
 * `outputsize=full` is premium-only today, so a free key serves ranges that start within the
 * compact window; an older range is refused as UNAUTHORIZED (the plan lacks it) without spending
 * a request of the 25-a-day quota, and the next provider of the chain can take it.
 */
export function createDailyHistoryFetcher(client: AlphaVantageClient, settings: HistorySettings): QueryFetcher<HistoryQuery, Bar[]> {
  return {
    async fetch(query, options) {
      const from = checkedDate(query.from, 'from');
      const to = checkedDate(query.to, 'to');
      const compact = Date.parse(`${from}T00:00:00Z`) >= client.now - COMPACT_REACH_DAYS * DAY_MS;
      if (!compact && !settings.premium) throw beyondCompact(client, query.symbol, from);

      let series = await fetchSeries(client, query.symbol, compact ? 'compact' : 'full', options?.signal);
      const dates = Object.keys(series);
      const earliest = dates.reduce((min, date) => (date < min ? date : min), dates[0] ?? from);
      if (compact && dates.length >= COMPACT_POINTS && earliest > from) {
        // The compact window ended up shorter than expected (a run of holidays): it cannot answer honestly.
        if (!settings.premium) throw beyondCompact(client, query.symbol, from);
        series = await fetchSeries(client, query.symbol, 'full', options?.signal);
      }

      const daily = Object.entries(series)
        .filter(([date]) => date >= from && date <= to)
        .sort(([a], [b]) => a.localeCompare(b))
        .flatMap(([date, bar]) => toBar(date, bar));
      return aggregateBars(daily, query.interval);
    },
  };
}

type DailySeries = z.output<typeof DailySeriesSchema>['Time Series (Daily)'];

function seriesCall(symbol: string, outputsize: 'compact' | 'full'): AlphaVantageCall {
  return { function: 'TIME_SERIES_DAILY', params: { symbol: toProviderSymbol(symbol), outputsize }, symbol };
}

async function fetchSeries(client: AlphaVantageClient, symbol: string, outputsize: 'compact' | 'full', signal?: AbortSignal): Promise<DailySeries> {
  const call = seriesCall(symbol, outputsize);
  const body = await client.query(call, signal);
  const series = client.parse(DailySeriesSchema, body, call)['Time Series (Daily)'];
  if (Object.keys(series).length === 0) throw client.notFound(call, 'an empty time series');
  return series;
}

/**
 * A bar as Alpha Vantage gave it. Raw daily data has the odd print where the low sits a tick above
 * the open or close: kept as it is, for the history checks to report. A session without a valid
 * price (zero or less) is left out rather than failing the whole history.
 */
function toBar(date: string, bar: z.output<typeof DailyBarSchema>): Bar[] {
  const given = barAsGiven({
    date,
    open: bar['1. open'],
    high: bar['2. high'],
    low: bar['3. low'],
    close: bar['4. close'],
    volume: Math.max(0, Math.round(bar['5. volume'])),
  });
  return given ? [given] : [];
}

function beyondCompact(client: AlphaVantageClient, symbol: string, from: string): ProviderError {
  return client.failure(
    ProviderFailureKind.UNAUTHORIZED,
    seriesCall(symbol, 'full'),
    `history from ${from} needs outputsize=full, a premium feature this key is not configured for`,
  );
}

function checkedDate(value: string, field: 'from' | 'to'): string {
  if (!isIsoDate(value)) throw new MarketError(ErrorCode.BAD_USER_INPUT, `"${field}" must be a calendar date as YYYY-MM-DD.`, { field });
  return value;
}
