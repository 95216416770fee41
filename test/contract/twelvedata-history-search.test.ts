import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BarSchema, checkBars, ProviderFailureKind, SymbolMatchSchema, type Bar, type HistoryQuery } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { KEY, failureOf, present, twelvedataOn } from './twelvedata-support.js';

/** Twelve Data `/time_series` (price history) and `/symbol_search`. */

let upstream: FakeUpstream;
let adapter: ProviderAdapter;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  adapter = twelvedataOn(upstream.url);
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await adapter.close?.();
  await upstream.close();
});

/** The bars as the adapter passes them on; `sound` also holds each to the domain's invariants. */
async function history(query: Partial<HistoryQuery> = {}, sound = true): Promise<Bar[]> {
  const bars = await present(adapter.history).fetch({ symbol: 'AAPL', from: '2021-09-13', to: '2021-09-17', interval: 'DAY', ...query });
  if (sound) for (const bar of bars) BarSchema.parse(bar);
  return bars;
}

describe('price history (/time_series)', () => {
  it('maps the string values to bars, oldest first', async () => {
    upstream.on({ path: '/time_series' }, { json: fixture('twelvedata/time-series-aapl-1day.json') });
    const bars = await history();
    expect(bars).toHaveLength(5);
    expect(bars[0]).toEqual({ date: '2021-09-13', open: 150.63, high: 151.42, low: 148.75, close: 149.55, volume: 102_404_300 });
    expect(bars[3]).toEqual({ date: '2021-09-16', open: 148.44, high: 148.9684, low: 147.22099, close: 148.85001, volume: 67_903_927 });
  });

  it('asks for the interval and an inclusive range, ascending, with room for the whole range', async () => {
    upstream.on({ path: '/time_series' }, { json: fixture('twelvedata/time-series-aapl-1day.json') });
    await history({ interval: 'WEEK', from: '2021-09-01', to: '2021-09-17' });
    expect(upstream.requests[0]?.query).toEqual({
      symbol: 'AAPL',
      interval: '1week',
      start_date: '2021-09-01',
      // One day past `to`: Twelve Data's end date may exclude its own day.
      end_date: '2021-09-18',
      order: 'asc',
      outputsize: '5000',
    });
    expect(upstream.requests[0]?.headers['authorization']).toBe(`apikey ${KEY}`);
  });

  it('cuts the bars to [from, to]', async () => {
    upstream.on({ path: '/time_series' }, { json: fixture('twelvedata/time-series-aapl-1day.json') });
    const bars = await history({ from: '2021-09-14', to: '2021-09-16' });
    expect(bars.map((bar) => bar.date)).toEqual(['2021-09-14', '2021-09-15', '2021-09-16']);
  });

  it('keeps the week or month bar that starts before `from` but covers it', async () => {
    const bar = (datetime: string) => ({ datetime, open: '10', high: '12', low: '9', close: '11', volume: '100' });
    upstream.on({ path: '/time_series', query: { interval: '1week' } }, { json: { values: [bar('2024-12-23'), bar('2024-12-30'), bar('2025-01-06')] } });
    upstream.on({ path: '/time_series', query: { interval: '1month' } }, { json: { values: [bar('2024-12-01'), bar('2025-01-01'), bar('2025-02-01')] } });
    const weeks = await history({ interval: 'WEEK', from: '2025-01-01', to: '2025-01-10' });
    expect(weeks.map((week) => week.date)).toEqual(['2024-12-30', '2025-01-06']);
    const months = await history({ interval: 'MONTH', from: '2025-01-15', to: '2025-01-31' });
    expect(months.map((month) => month.date)).toEqual(['2025-01-01']);
  });

  it('orders bars by date whatever order they came in', async () => {
    const series = fixture('twelvedata/time-series-aapl-1day.json') as { values: unknown[] };
    upstream.on({ path: '/time_series' }, { json: { ...series, values: [...series.values].reverse() } });
    expect((await history()).map((bar) => bar.date)).toEqual(['2021-09-13', '2021-09-14', '2021-09-15', '2021-09-16', '2021-09-17']);
  });

  it('answers no bars for a range without sessions ("No data is available on the specified dates")', async () => {
    upstream.on({ path: '/time_series' }, { json: fixture('twelvedata/error-400-no-data.json') });
    expect(await history({ from: '2021-09-18', to: '2021-09-19' })).toEqual([]);
  });

  it('reads an unknown symbol as NOT_FOUND', async () => {
    upstream.on({ path: '/time_series' }, { status: 404, json: fixture('twelvedata/error-404-symbol.json') });
    await failureOf(history({ symbol: 'NOPE' }), ProviderFailureKind.NOT_FOUND);
  });

  it('counts a missing volume (a currency pair) as none traded', async () => {
    upstream.on({ path: '/time_series' }, { json: { values: [{ datetime: '2021-09-13', open: '1.18', high: '1.19', low: '1.17', close: '1.18' }] } });
    expect(await history()).toEqual([{ date: '2021-09-13', open: 1.18, high: 1.19, low: 1.17, close: 1.18, volume: 0 }]);
  });

  it('keeps a bar whose low is above its close as given, for the history checks to report', async () => {
    upstream.on({ path: '/time_series' }, { json: { values: [{ datetime: '2021-09-13', open: '150', high: '151', low: '149.9', close: '149', volume: '1' }] } });
    const bars = await history({}, false);
    expect(bars).toEqual([{ date: '2021-09-13', open: 150, high: 151, low: 149.9, close: 149, volume: 1 }]);
    expect(checkBars('AAPL', 'DAY', bars).map((problem) => problem.message)).toEqual(['close 149 outside 149.9–151 on 2021-09-13']);
  });

  it('refuses a payload without values as BAD_RESPONSE', async () => {
    upstream.on({ path: '/time_series' }, { json: { meta: { symbol: 'AAPL' }, status: 'ok' } });
    await failureOf(history(), ProviderFailureKind.BAD_RESPONSE);
  });
});

describe('search (/symbol_search)', () => {
  it('keeps the best-ranked venue of each symbol and drops symbols the gateway cannot address', async () => {
    upstream.on({ path: '/symbol_search', query: { symbol: 'apple' } }, { json: fixture('twelvedata/symbol-search-apple.json') });
    const matches = await present(adapter.search).fetch({ query: 'apple', limit: 10 });
    for (const match of matches) SymbolMatchSchema.parse(match);
    expect(matches).toEqual([
      { symbol: 'AAPL', name: 'Apple Inc', exchange: 'NASDAQ', type: 'EQUITY', source: 'twelvedata' },
      { symbol: 'APC', name: 'Apple Inc', exchange: 'FSX', type: 'EQUITY', source: 'twelvedata' },
      { symbol: 'APLE', name: 'Apple Hospitality REIT Inc', exchange: 'NYSE', type: 'EQUITY', source: 'twelvedata' },
      { symbol: 'AAPU', name: 'Direxion Daily AAPL Bull 2X Shares', exchange: 'NASDAQ', type: 'ETF', source: 'twelvedata' },
    ]);
    expect(upstream.requests[0]?.query).toEqual({ symbol: 'apple', outputsize: '120' });
    expect(upstream.requests[0]?.headers['authorization']).toBe(`apikey ${KEY}`);
  });

  it('stops at the limit', async () => {
    upstream.on({ path: '/symbol_search' }, { json: fixture('twelvedata/symbol-search-apple.json') });
    expect((await present(adapter.search).fetch({ query: 'apple', limit: 2 })).map((match) => match.symbol)).toEqual(['AAPL', 'APC']);
  });

  it('answers an empty list when nothing matches', async () => {
    upstream.on({ path: '/symbol_search' }, { json: { data: [], status: 'ok' } });
    expect(await present(adapter.search).fetch({ query: 'zzzz', limit: 10 })).toEqual([]);
  });
});
