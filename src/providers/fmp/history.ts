import type { Bar, HistoryQuery } from '../../domain/index.js';
import type { QueryFetcher } from '../adapter.js';
import { aggregateBars, barAsGiven, oldestFirst } from '../kit/bars.js';
import { spansWeekday } from '../kit/dates.js';
import type { FmpClient } from './client.js';
import { toFmpSymbol } from './symbols.js';
import { barRow, type FmpApi } from './wire.js';

/**
 * Daily bars from `/stable/historical-price-eod/full?symbol=&from=&to=` (or
 * `/api/v3/historical-price-full/SYMBOL`), oldest first; WEEK and MONTH are aggregated here.
 * FMP answers newest first, and [] (or `{}` on v3) for a symbol it does not know.
 */
export function createHistoryFetcher(client: FmpClient, api: FmpApi): QueryFetcher<HistoryQuery, Bar[]> {
  return {
    async fetch(query, options) {
      // A weekend holds no session: answering that costs none of the daily quota.
      if (!spansWeekday(query.from, query.to)) return [];
      const what = `price history of ${query.symbol}`;
      const body = await client.get(api.history(toFmpSymbol(query.symbol), query.from, query.to), what, options);
      const rows = api.historyRows.safeParse(body);
      if (!rows.success) throw client.invalid(what, rows.error);
      if (rows.data.length === 0) throw client.notFound(what);

      const daily: Bar[] = [];
      for (const item of rows.data) {
        const row = barRow.safeParse(item);
        if (!row.success) throw client.invalid(what, row.error);
        const { date, open, high, low, close, volume } = row.data;
        if (date < query.from || date > query.to) continue;
        // Kept as FMP recorded it, inconsistent or twice: the history checks say what is wrong.
        const bar = barAsGiven({ date, open, high, low, close, volume: Math.round(volume) });
        if (bar) daily.push(bar);
      }
      return aggregateBars(oldestFirst(daily), query.interval);
    },
  };
}
