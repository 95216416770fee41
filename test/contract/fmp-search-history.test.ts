import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BarSchema, checkBars, ProviderFailureKind, SymbolMatchSchema, type Bar, type HistoryQuery, type SymbolMatch } from '../../src/domain/index.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { failureOf, fmpAdapter, fmpFixture, KEY, onlyRequest, type FmpAdapter } from './fmp-support.js';

/**
 * Symbol search (FMP's two `/stable` search endpoints merged and ranked) and daily history
 * (`/stable/historical-price-eod/full`, aggregated here into weeks and months).
 */

let upstream: FakeUpstream;
let adapter: FmpAdapter;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  adapter = fmpAdapter(upstream);
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await adapter.close?.();
  await upstream.close();
});

async function search(query: string, limit = 10): Promise<SymbolMatch[]> {
  const matches = await adapter.search.fetch({ query, limit });
  return matches.map((match) => SymbolMatchSchema.parse(match));
}

/** The bars as the adapter passes them on; `sound` also holds each to the domain's invariants. */
async function history(query: Partial<HistoryQuery>, sound = true): Promise<Bar[]> {
  const bars = await adapter.history.fetch({ symbol: 'AAPL', from: '2025-01-27', to: '2025-02-11', interval: 'DAY', ...query });
  return sound ? bars.map((bar) => BarSchema.parse(bar)) : bars;
}

describe('search: /stable/search-symbol + /stable/search-name', () => {
  it('asks both endpoints, then ranks the exact ticker first, tickers it starts next, one entry per symbol', async () => {
    upstream.on({ path: '/stable/search-symbol', query: { query: 'AAPL' } }, { json: fmpFixture('stable/search-symbol-aapl.json') });
    upstream.on({ path: '/stable/search-name', query: { query: 'aapl' } }, { json: fmpFixture('stable/search-name-apple.json') });
    const matches = await search('aapl');
    expect(matches.map((match) => match.symbol)).toEqual(['AAPL', 'AAPL.MX', 'AAPL.NE', 'APLE', 'APC.DE']);
    expect(matches[0]).toEqual({ symbol: 'AAPL', name: 'Apple Inc.', exchange: 'NASDAQ', type: 'EQUITY', source: 'fmp' });
    expect(upstream.requests.map((request) => [request.path, request.query['limit'], request.query['apikey']]).sort()).toEqual([
      ['/stable/search-name', '10', KEY],
      ['/stable/search-symbol', '10', KEY],
    ]);
  });

  it('keeps FMP order for name matches and stops at the limit', async () => {
    upstream.on({ path: '/stable/search-symbol' }, { json: [] });
    upstream.on({ path: '/stable/search-name', query: { query: 'apple' } }, { json: fmpFixture('stable/search-name-apple.json') });
    expect((await search('apple', 3)).map((match) => match.symbol)).toEqual(['APLE', 'AAPL', 'APC.DE']);
    expect(upstream.requests.every((request) => request.query['limit'] === '3')).toBe(true);
  });

  it('looks a share class up in FMP spelling and answers it in ours', async () => {
    const row = { symbol: 'BRK-B', name: 'Berkshire Hathaway Inc.', currency: 'USD', exchangeFullName: 'New York Stock Exchange', exchange: 'NYSE' };
    upstream.on({ path: '/stable/search-symbol', query: { query: 'BRK-B' } }, { json: [row] });
    upstream.on({ path: '/stable/search-name', query: { query: 'brk.b' } }, { json: [] });
    expect(await search('brk.b')).toEqual([{ symbol: 'BRK.B', name: 'Berkshire Hathaway Inc.', exchange: 'NYSE', type: 'EQUITY', source: 'fmp' }]);
  });

  it('types crypto, currencies and indexes by exchange, and leaves out symbols we cannot name', async () => {
    upstream.on({ path: '/stable/search-symbol' }, {
      json: [
        { symbol: 'BTCUSD', name: 'Bitcoin USD', currency: 'USD', exchangeFullName: 'CCC', exchange: 'CRYPTO' },
        { symbol: 'EURUSD', name: 'EUR/USD', currency: 'USD', exchangeFullName: 'FOREX', exchange: 'FOREX' },
        { symbol: '^GSPC', name: 'S&P 500', currency: 'USD', exchangeFullName: 'Index', exchange: 'INDEX' },
        { name: 'a row without a symbol' },
        { symbol: 'AAGUSD', name: null, currency: 'USD', exchangeFullName: 'CCC', exchange: 'CRYPTO' },
      ],
    });
    upstream.on({ path: '/stable/search-name' }, { json: [] });
    expect((await search('usd')).map(({ symbol, type, name }) => [symbol, type, name])).toEqual([
      ['BTCUSD', 'CRYPTO', 'Bitcoin USD'],
      ['EURUSD', 'FOREX', 'EUR/USD'],
      ['AAGUSD', 'CRYPTO', ''],
    ]);
  });

  it('answers no match with an empty list, not an error', async () => {
    upstream.on({ path: '/stable/search-symbol' }, { json: [] });
    upstream.on({ path: '/stable/search-name' }, { json: [] });
    expect(await search('qwertyuiop')).toEqual([]);
  });

  it('fails the search when a payload is not the documented array', async () => {
    upstream.on({ path: '/stable/search-symbol' }, { json: [] });
    upstream.on({ path: '/stable/search-name' }, { json: { results: [] } });
    expect((await failureOf(search('apple'))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });
});

describe('history: /stable/historical-price-eod/full', () => {
  it('answers daily bars oldest first, with the documented example bar exact', async () => {
    upstream.on({ path: '/stable/historical-price-eod/full' }, { json: fmpFixture('stable/historical-eod-aapl.json') });
    const bars = await history({ from: '2025-02-03', to: '2025-02-07' }, false);
    expect(onlyRequest(upstream)).toMatchObject({
      path: '/stable/historical-price-eod/full',
      query: { symbol: 'AAPL', from: '2025-02-03', to: '2025-02-07', apikey: KEY },
    });
    // FMP's rows outside the asked range are not ours to answer.
    expect(bars.map((bar) => bar.date)).toEqual(['2025-02-03', '2025-02-04', '2025-02-05', '2025-02-06', '2025-02-07']);
    expect(bars[1]).toEqual({ date: '2025-02-04', open: 227.2, high: 233.13, low: 226.65, close: 232.8, volume: 44489128 });
  });

  it('makes Monday–Friday WEEK bars dated by their first session in range', async () => {
    upstream.on({ path: '/stable/historical-price-eod/full' }, { json: fmpFixture('stable/historical-eod-aapl.json') });
    const weeks = await history({ from: '2025-01-29', interval: 'WEEK' });
    expect(weeks).toEqual([
      { date: '2025-01-29', open: 234.12, high: 247.19, low: 233.44, close: 236.0, volume: 45486100 + 55658300 + 101075100 },
      { date: '2025-02-03', open: 229.99, high: 234.0, low: 225.7, close: 227.63, volume: 73063300 + 44489128 + 39664989 + 29925300 + 39707200 },
      { date: '2025-02-10', open: 229.57, high: 235.23, low: 227.2, close: 232.62, volume: 33115600 + 53718400 },
    ]);
  });

  it('makes calendar MONTH bars', async () => {
    upstream.on({ path: '/stable/historical-price-eod/full' }, { json: fmpFixture('stable/historical-eod-aapl.json') });
    const months = await history({ interval: 'MONTH' });
    expect(months.map(({ date, open, close }) => [date, open, close])).toEqual([
      ['2025-01-27', 224.02, 236.0],
      ['2025-02-03', 229.99, 232.62],
    ]);
    expect(months[1]?.high).toBe(235.23);
    expect(months[0]?.low).toBe(224.0);
  });

  it('asks nothing of FMP for a range without a weekday', async () => {
    expect(await history({ from: '2025-02-08', to: '2025-02-09' })).toEqual([]);
    expect(upstream.requests).toHaveLength(0);
  });

  it('answers an unknown symbol ([]) with NOT_FOUND', async () => {
    upstream.on({ path: '/stable/historical-price-eod/full', query: { symbol: 'ZZZZ' } }, { json: [] });
    expect((await failureOf(history({ symbol: 'ZZZZ' }))).kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('keeps a session FMP recorded inconsistently and a date given twice, leaves out one without a price, and fails a payload that is not bars', async () => {
    const rows = fmpFixture('stable/historical-eod-aapl.json') as Array<Record<string, unknown>>;
    const broken = rows
      .map((row) => (row['date'] === '2025-02-05' ? { ...row, high: 1 } : row['date'] === '2025-02-06' ? { ...row, close: 0 } : row))
      .flatMap((row) => (row['date'] === '2025-02-04' ? [row, row] : [row]));
    upstream.on({ path: '/stable/historical-price-eod/full' }, { json: broken }, { times: 1 });
    const bars = await history({ from: '2025-02-03', to: '2025-02-07' }, false);
    expect(bars.map((bar) => bar.date)).toEqual(['2025-02-03', '2025-02-04', '2025-02-04', '2025-02-05', '2025-02-07']);
    expect(checkBars('AAPL', 'DAY', bars).map((problem) => problem.kind)).toEqual(['DUPLICATE', 'OHLC_INVALID', 'MISSING_SESSIONS']);
    upstream.on({ path: '/stable/historical-price-eod/full' }, { json: [{ date: '2025-02-03', close: 'closed' }] });
    expect((await failureOf(history({}))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });
});
