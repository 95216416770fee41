import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BarSchema, checkBars, ProviderFailureKind, type Bar, type HistoryQuery } from '../../src/domain/index.js';
import type { QueryFetcher } from '../../src/providers/adapter.js';
import { av, failureOf, Harness, KEY, query, variant } from './alphavantage-support.js';

let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start();
});
afterEach(() => harness.upstream.reset());
afterAll(async () => {
  await harness.close();
});

/** The evening after the fixture's last session. */
const NOW = Date.parse('2024-05-10T22:00:00Z');

type DailyRow = Record<'1. open' | '2. high' | '3. low' | '4. close' | '5. volume', string>;
type DailySeries = { 'Time Series (Daily)': Record<string, DailyRow> };

const SERIES = (av('time-series-daily-ibm') as DailySeries)['Time Series (Daily)'];

/** The fixture's session of `date` as the bar we expect. */
function session(date: string): Bar {
  const row = SERIES[date];
  if (!row) throw new Error(`no session on ${date} in the fixture`);
  return {
    date,
    open: Number(row['1. open']),
    high: Number(row['2. high']),
    low: Number(row['3. low']),
    close: Number(row['4. close']),
    volume: Number(row['5. volume']),
  };
}

/** The fixture's sessions between two dates, inclusive, oldest first. */
function sessions(from: string, to: string): Bar[] {
  return Object.keys(SERIES)
    .filter((date) => date >= from && date <= to)
    .sort()
    .map(session);
}

/** One bar out of several sessions, the way we define WEEK and MONTH bars. */
function combined(bars: readonly Bar[]): Bar {
  const first = bars[0];
  const last = bars[bars.length - 1];
  if (!first || !last) throw new Error('no sessions');
  return {
    date: first.date,
    open: first.open,
    high: Math.max(...bars.map((bar) => bar.high)),
    low: Math.min(...bars.map((bar) => bar.low)),
    close: last.close,
    volume: bars.reduce((sum, bar) => sum + bar.volume, 0),
  };
}

function history(options: { premium?: boolean; now?: number } = {}): QueryFetcher<HistoryQuery, Bar[]> {
  const fetcher = harness.adapter({ now: NOW, ...options }).history;
  if (!fetcher) throw new Error('the adapter serves history');
  return fetcher;
}

const ibm = (from: string, to: string, interval: HistoryQuery['interval'] = 'DAY'): HistoryQuery => ({ symbol: 'IBM', from, to, interval });

describe('history through TIME_SERIES_DAILY', () => {
  it('answers daily bars from..to inclusive, oldest first, with the fixture values', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY', { symbol: 'IBM' }), { json: av('time-series-daily-ibm') });
    const bars = await history().fetch(ibm('2024-04-01', '2024-04-30'));
    expect(bars).toHaveLength(22);
    expect(bars[0]).toEqual(session('2024-04-01'));
    expect(bars[21]).toEqual(session('2024-04-30'));
    expect(bars).toEqual(sessions('2024-04-01', '2024-04-30'));
    for (const bar of bars) BarSchema.parse(bar);
  });

  it('reads "167.1300"-style strings to exact numbers', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: av('time-series-daily-ibm') });
    const [bar] = await history().fetch(ibm('2024-05-10', '2024-05-10'));
    expect(bar).toEqual({ date: '2024-05-10', open: 173.91, high: 175.61, low: 172.23, close: 172.74, volume: 2465123 });
  });

  it('asks for outputsize=compact when the range starts within the latest 100 sessions', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: av('time-series-daily-ibm') });
    await history().fetch(ibm('2024-04-01', '2024-04-30'));
    expect(harness.upstream.requests).toHaveLength(1);
    expect(harness.upstream.requests[0]).toMatchObject({
      path: '/query',
      query: { function: 'TIME_SERIES_DAILY', symbol: 'IBM', outputsize: 'compact', apikey: KEY },
    });
  });

  it('asks a premium key for outputsize=full when the range starts earlier', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY', { outputsize: 'full' }), { json: av('time-series-daily-ibm') });
    const bars = await history({ premium: true }).fetch(ibm('2023-01-01', '2024-03-31'));
    expect(harness.upstream.requests[0]?.query['outputsize']).toBe('full');
    expect(bars).toEqual(sessions('2023-01-01', '2024-03-31'));
  });

  it('refuses an older range on a free key as UNAUTHORIZED without spending a request', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: av('time-series-daily-ibm') });
    const error = await failureOf(history().fetch(ibm('2023-01-01', '2024-03-31')));
    expect(error.kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect(error.message).toMatch(/outputsize=full/);
    expect(harness.upstream.count()).toBe(0);
  });

  it('does not pass off a compact answer that stops short of "from" as the whole range', async () => {
    // A full compact answer (100 points) that begins after the asked start, as an unusual run of
    // closed days would make it: one point a calendar day back from 2024-05-10 reaches 2024-02-01.
    const row = SERIES['2024-05-10'] as DailyRow;
    const series: Record<string, DailyRow> = {};
    for (let day = Date.parse('2024-05-10'); Object.keys(series).length < 100; day -= 86_400_000) {
      series[new Date(day).toISOString().slice(0, 10)] = row;
    }
    const truncated = { 'Meta Data': {}, 'Time Series (Daily)': series };
    harness.upstream.on(query('TIME_SERIES_DAILY', { outputsize: 'compact' }), { json: truncated });
    harness.upstream.on(query('TIME_SERIES_DAILY', { outputsize: 'full' }), { json: av('time-series-daily-ibm') });
    const from = '2024-01-15';

    expect((await failureOf(history().fetch(ibm(from, '2024-05-10')))).kind).toBe(ProviderFailureKind.UNAUTHORIZED);

    harness.upstream.reset();
    harness.upstream.on(query('TIME_SERIES_DAILY', { outputsize: 'compact' }), { json: truncated });
    harness.upstream.on(query('TIME_SERIES_DAILY', { outputsize: 'full' }), { json: av('time-series-daily-ibm') });
    const bars = await history({ premium: true }).fetch(ibm(from, '2024-05-10'));
    expect(harness.upstream.requests.map((request) => request.query['outputsize'])).toEqual(['compact', 'full']);
    expect(bars).toEqual(sessions(from, '2024-05-10'));
  });

  it('answers an empty list for a range without sessions (a weekend)', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: av('time-series-daily-ibm') });
    expect(await history().fetch(ibm('2024-04-06', '2024-04-07'))).toEqual([]);
  });

  it('aggregates WEEK bars Monday–Friday, dated by the first session in range, cut at from/to', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: av('time-series-daily-ibm') });
    // Wednesday 3 April to Wednesday 17 April: a partial week, a whole one, a partial one.
    const bars = await history().fetch(ibm('2024-04-03', '2024-04-17', 'WEEK'));
    expect(bars).toEqual([
      combined(sessions('2024-04-03', '2024-04-05')),
      combined(sessions('2024-04-08', '2024-04-12')),
      combined(sessions('2024-04-15', '2024-04-17')),
    ]);
    expect(bars.map((bar) => bar.date)).toEqual(['2024-04-03', '2024-04-08', '2024-04-15']);
    for (const bar of bars) BarSchema.parse(bar);
  });

  it('gives a holiday week (Good Friday 2024-03-29) the sessions it had', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: av('time-series-daily-ibm') });
    const [week] = await history().fetch(ibm('2024-03-25', '2024-03-31', 'WEEK'));
    expect(week).toEqual(combined(sessions('2024-03-25', '2024-03-28')));
  });

  it('aggregates MONTH bars by calendar month', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: av('time-series-daily-ibm') });
    const bars = await history().fetch(ibm('2024-03-25', '2024-05-10', 'MONTH'));
    expect(bars).toEqual([
      combined(sessions('2024-03-25', '2024-03-31')),
      combined(sessions('2024-04-01', '2024-04-30')),
      combined(sessions('2024-05-01', '2024-05-10')),
    ]);
  });

  it('asks for a share class as Alpha Vantage spells it', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY', { symbol: 'BRK-B' }), { json: av('time-series-daily-ibm') });
    const bars = await history().fetch({ ...ibm('2024-05-10', '2024-05-10'), symbol: 'BRK.B' });
    expect(bars).toHaveLength(1);
  });

  it('keeps a bar whose low sits above its open (a raw-data glitch) as given, for the history checks to report', async () => {
    const payload = variant<DailySeries>('time-series-daily-ibm', (body) => {
      const row = body['Time Series (Daily)']['2024-05-09'] as DailyRow;
      row['3. low'] = '175.5000'; // above the open 175.15 and the close 173.21
    });
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: payload });
    const bars = await history().fetch(ibm('2024-05-08', '2024-05-10'));
    expect(bars[1]).toMatchObject({ date: '2024-05-09', open: 175.15, close: 173.21, low: 175.5 });
    expect(checkBars('IBM', 'DAY', bars).map((problem) => problem.kind)).toEqual(['OHLC_INVALID']);
  });

  it('leaves out a session without a valid price', async () => {
    const payload = variant<DailySeries>('time-series-daily-ibm', (body) => {
      body['Time Series (Daily)']['2024-05-09'] = { '1. open': '0.0000', '2. high': '0.0000', '3. low': '0.0000', '4. close': '0.0000', '5. volume': '0' };
    });
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: payload });
    const bars = await history().fetch(ibm('2024-05-08', '2024-05-10'));
    expect(bars.map((bar) => bar.date)).toEqual(['2024-05-08', '2024-05-10']);
  });

  it('fails a series with a price that is not a number as BAD_RESPONSE', async () => {
    const payload = variant<DailySeries>('time-series-daily-ibm', (body) => {
      (body['Time Series (Daily)']['2024-05-09'] as DailyRow)['4. close'] = 'n/a-ish';
    });
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: payload });
    expect((await failureOf(history().fetch(ibm('2024-05-08', '2024-05-10')))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('answers an unknown symbol ("Invalid API call") as NOT_FOUND', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: av('time-series-daily-invalid-symbol') });
    const error = await failureOf(history().fetch({ ...ibm('2024-05-01', '2024-05-10'), symbol: 'NOPE' }));
    expect(error.kind).toBe(ProviderFailureKind.NOT_FOUND);
    expect(error.options.upstreamMessage).toContain('Invalid API call');
  });

  it('answers an empty time series as NOT_FOUND', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: { 'Meta Data': {}, 'Time Series (Daily)': {} } });
    expect((await failureOf(history().fetch(ibm('2024-05-01', '2024-05-10')))).kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('fails a payload without "Time Series (Daily)" as BAD_RESPONSE', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: { 'Meta Data': { '2. Symbol': 'IBM' } } });
    expect((await failureOf(history().fetch(ibm('2024-05-01', '2024-05-10')))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('classifies "outputsize=full is a premium feature" as UNAUTHORIZED (a key wrongly configured as premium)', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY'), { json: av('errors/premium-outputsize') });
    const error = await failureOf(history({ premium: true }).fetch(ibm('2020-01-01', '2024-05-10')));
    expect(error.kind).toBe(ProviderFailureKind.UNAUTHORIZED);
  });
});
