import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderFailureKind, SymbolMatchSchema } from '../../src/domain/index.js';
import { av, failureOf, Harness, KEY, query } from './alphavantage-support.js';

let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start();
});
afterEach(() => harness.upstream.reset());
afterAll(async () => {
  await harness.close();
});

function search(text: string, limit = 10) {
  const fetcher = harness.adapter().search;
  if (!fetcher) throw new Error('the adapter serves search');
  return fetcher.fetch({ query: text, limit });
}

const match = (symbol: string, name: string, exchange: string | null, type = 'EQUITY') => ({ symbol, name, exchange, type, source: 'alphavantage' });

describe('search through SYMBOL_SEARCH', () => {
  it('maps the documented "tesco" example, best match first', async () => {
    harness.upstream.on(query('SYMBOL_SEARCH', { keywords: 'tesco' }), { json: av('symbol-search-tesco') });
    const matches = await search('tesco');
    expect(matches).toEqual([
      match('TSCO.LON', 'Tesco PLC', 'LSE'),
      match('TSCDF', 'Tesco plc', null),
      match('TSCDY', 'Tesco plc', null),
      match('TCO2.FRK', 'TESCO PLC ADR/1 LS-05', 'FRA'),
      match('TCO0.FRK', 'TESCO PLC LS-0633333', 'FRA'),
    ]);
    for (const found of matches) SymbolMatchSchema.parse(found);
  });

  it('sends the text as keywords, with the key', async () => {
    harness.upstream.on(query('SYMBOL_SEARCH'), { json: av('symbol-search-tesco') });
    await search('tesco plc');
    expect(harness.upstream.requests[0]).toMatchObject({ path: '/query', query: { function: 'SYMBOL_SEARCH', keywords: 'tesco plc', apikey: KEY } });
  });

  it('answers at most `limit` matches', async () => {
    harness.upstream.on(query('SYMBOL_SEARCH'), { json: av('symbol-search-tesco') });
    expect((await search('tesco', 2)).map((found) => found.symbol)).toEqual(['TSCO.LON', 'TSCDF']);
  });

  it('orders by match score, keeping Alpha Vantage order for ties', async () => {
    const payload = av('symbol-search-tesco') as { bestMatches: unknown[] };
    harness.upstream.on(query('SYMBOL_SEARCH'), { json: { bestMatches: [...payload.bestMatches].reverse() } });
    expect((await search('tesco')).map((found) => found.symbol)).toEqual(['TSCO.LON', 'TSCDY', 'TSCDF', 'TCO0.FRK', 'TCO2.FRK']);
  });

  it('answers no match with an empty list', async () => {
    harness.upstream.on(query('SYMBOL_SEARCH'), { json: av('symbol-search-empty') });
    expect(await search('zzzzqqq')).toEqual([]);
  });

  it('maps types, share classes and leaves out entries it could not serve', async () => {
    const entry = (symbol: string, name: string, type: string, score: string) => ({ '1. symbol': symbol, '2. name': name, '3. type': type, '9. matchScore': score });
    harness.upstream.on(query('SYMBOL_SEARCH'), {
      json: {
        bestMatches: [
          entry('BRK-B', 'Berkshire Hathaway Inc', 'Equity', '0.9'),
          entry('SPY', 'SPDR S&P 500 ETF Trust', 'ETF', '0.8'),
          entry('VFIAX', 'Vanguard 500 Index Fund Admiral', 'Mutual Fund', '0.7'),
          entry('XYZ.WTS', 'Some Warrant', 'Warrant', '0.6'),
          entry('TOO-LONG-SYMBOL-X', 'Not a symbol we accept', 'Equity', '0.5'),
          { '2. name': 'No symbol at all' },
        ],
      },
    });
    expect(await search('b')).toEqual([
      match('BRK.B', 'Berkshire Hathaway Inc', null),
      match('SPY', 'SPDR S&P 500 ETF Trust', null, 'ETF'),
      match('VFIAX', 'Vanguard 500 Index Fund Admiral', null, 'FUND'),
      match('XYZ.WTS', 'Some Warrant', null, 'OTHER'),
    ]);
  });

  it('fails a payload without "bestMatches" as BAD_RESPONSE', async () => {
    harness.upstream.on(query('SYMBOL_SEARCH'), { json: { matches: [] } });
    expect((await failureOf(search('tesco'))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('reads "Invalid API call" without a symbol as a refused call (BAD_RESPONSE), not an unknown symbol', async () => {
    harness.upstream.on(query('SYMBOL_SEARCH'), { json: { 'Error Message': 'Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for SYMBOL_SEARCH.' } });
    expect((await failureOf(search('tesco'))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });
});
