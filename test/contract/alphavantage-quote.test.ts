import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderFailureKind, QuoteSchema, type Quote } from '../../src/domain/index.js';
import type { BatchFetcher } from '../../src/providers/adapter.js';
import { av, entryFailure, entryValue, failureOf, Harness, KEY, query, SECOND_KEY, variant } from './alphavantage-support.js';

let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start();
});
afterEach(() => harness.upstream.reset());
afterAll(async () => {
  await harness.close();
});

function quoteFetcher(options: Parameters<Harness['adapter']>[0] = {}): BatchFetcher<Quote> {
  const fetcher = harness.adapter(options).quote;
  if (!fetcher) throw new Error('the adapter serves quotes');
  return fetcher;
}

type GlobalQuote = { 'Global Quote': Record<string, string> };

describe('quotes through GLOBAL_QUOTE (free keys)', () => {
  it('maps the documented payload to exact domain values', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE', { symbol: 'IBM' }), { json: av('global-quote-ibm') });
    const result = await quoteFetcher().fetch(['IBM']);
    const quote = entryValue(result, 'IBM');
    expect(quote).toEqual({
      symbol: 'IBM',
      price: 233.26,
      change: 0.24,
      changePercent: 0.103,
      open: 233.25,
      high: 233.44,
      low: 230.46,
      previousClose: 233.02,
      volume: 3469322,
      // Only the trading day is given: the price is that day's close, 16:00 New York (EDT, UTC-4).
      timestamp: new Date('2024-10-11T20:00:00Z'),
      source: 'alphavantage',
      asOf: new Date('2024-10-11T20:00:00Z'),
      stale: false,
    });
    expect(QuoteSchema.parse(quote)).toEqual(quote);
  });

  it('sends GET /query with the function, the symbol and the key', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE'), { json: av('global-quote-ibm') });
    await quoteFetcher().fetch(['IBM']);
    expect(harness.upstream.requests).toHaveLength(1);
    expect(harness.upstream.requests[0]).toMatchObject({ path: '/query', query: { function: 'GLOBAL_QUOTE', symbol: 'IBM', apikey: KEY } });
  });

  it('keeps a base URL path prefix', async () => {
    harness.upstream.on({ path: '/proxy/av/query', query: { function: 'GLOBAL_QUOTE' } }, { json: av('global-quote-ibm') });
    const result = await quoteFetcher({ basePath: '/proxy/av' }).fetch(['IBM']);
    expect(entryValue(result, 'IBM').price).toBe(233.26);
  });

  it('takes the keys in turn, one per call', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE'), { json: av('global-quote-ibm') });
    const fetcher = quoteFetcher({ keys: [KEY, SECOND_KEY] });
    await fetcher.fetch(['IBM']);
    await fetcher.fetch(['IBM']);
    await fetcher.fetch(['IBM']);
    expect(harness.upstream.requests.map((request) => request.query['apikey'])).toEqual([KEY, SECOND_KEY, KEY]);
  });

  it('declares a batch size of 1', () => {
    expect(quoteFetcher().batchSize).toBe(1);
  });

  it('caps the timestamp at now while the trading day is under way', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE'), { json: av('global-quote-ibm') });
    const now = Date.parse('2024-10-11T15:30:00Z');
    const quote = entryValue(await quoteFetcher({ now }).fetch(['IBM']), 'IBM');
    expect(quote.timestamp).toEqual(new Date(now));
  });

  it('uses standard time for winter trading days (16:00 EST is 21:00 UTC)', async () => {
    const payload = variant<GlobalQuote>('global-quote-ibm', (body) => {
      body['Global Quote']['07. latest trading day'] = '2024-01-05';
    });
    harness.upstream.on(query('GLOBAL_QUOTE'), { json: payload });
    const quote = entryValue(await quoteFetcher().fetch(['IBM']), 'IBM');
    expect(quote.timestamp).toEqual(new Date('2024-01-05T21:00:00Z'));
  });

  it('answers an unknown symbol ({"Global Quote": {}}) as NOT_FOUND for that symbol alone', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE'), { json: av('global-quote-unknown') });
    const result = await quoteFetcher().fetch(['NOPE']);
    expect(entryFailure(result, 'NOPE').kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('asks for a share class the way Alpha Vantage spells it (BRK.B → BRK-B) and answers under ours', async () => {
    const payload = variant<GlobalQuote>('global-quote-ibm', (body) => {
      body['Global Quote']['01. symbol'] = 'BRK-B';
    });
    harness.upstream.on(query('GLOBAL_QUOTE', { symbol: 'BRK-B' }), { json: payload });
    const result = await quoteFetcher().fetch(['BRK.B']);
    expect(entryValue(result, 'BRK.B').symbol).toBe('BRK.B');
    expect(harness.upstream.requests[0]?.query['symbol']).toBe('BRK-B');
  });

  it('derives change figures from the previous close when they are missing', async () => {
    const payload = variant<GlobalQuote>('global-quote-ibm', (body) => {
      delete body['Global Quote']['09. change'];
      body['Global Quote']['10. change percent'] = 'None';
    });
    harness.upstream.on(query('GLOBAL_QUOTE'), { json: payload });
    const quote = entryValue(await quoteFetcher().fetch(['IBM']), 'IBM');
    expect(quote.change).toBe(0.24);
    expect(quote.changePercent).toBe(0.103);
  });

  it('reads a zero open/high/low (no trade yet) as not reported', async () => {
    const payload = variant<GlobalQuote>('global-quote-ibm', (body) => {
      body['Global Quote']['02. open'] = '0.0000';
      body['Global Quote']['03. high'] = '0.0000';
      body['Global Quote']['04. low'] = '0.0000';
    });
    harness.upstream.on(query('GLOBAL_QUOTE'), { json: payload });
    const quote = entryValue(await quoteFetcher().fetch(['IBM']), 'IBM');
    expect(quote).toMatchObject({ open: null, high: null, low: null, price: 233.26 });
  });

  it.each([
    ['no price', (quote: Record<string, string>) => (quote['05. price'] = 'None')],
    ['a price that is not a number', (quote: Record<string, string>) => (quote['05. price'] = 'twelve')],
    ['a zero price', (quote: Record<string, string>) => (quote['05. price'] = '0.0000')],
    ['no trading day', (quote: Record<string, string>) => delete quote['07. latest trading day']],
  ])('fails a quote with %s as BAD_RESPONSE', async (_what, change) => {
    harness.upstream.on(query('GLOBAL_QUOTE'), { json: variant<GlobalQuote>('global-quote-ibm', (body) => change(body['Global Quote'])) });
    const error = await failureOf(quoteFetcher().fetch(['IBM']));
    expect(error.kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('fails a payload without "Global Quote" as BAD_RESPONSE', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE'), { json: { quote: { price: 1 } } });
    expect((await failureOf(quoteFetcher().fetch(['IBM']))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('throws a whole-call failure (the daily quota) rather than filing it under the symbol', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE'), { json: av('errors/rate-limit-daily') });
    const error = await failureOf(quoteFetcher().fetch(['IBM']));
    expect(error.kind).toBe(ProviderFailureKind.RATE_LIMITED);
  });

  it('keeps answered symbols when several are asked and one is unknown', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE', { symbol: 'IBM' }), { json: av('global-quote-ibm') });
    harness.upstream.on(query('GLOBAL_QUOTE', { symbol: 'NOPE' }), { json: av('global-quote-unknown') });
    const result = await quoteFetcher().fetch(['IBM', 'NOPE']);
    expect(entryValue(result, 'IBM').price).toBe(233.26);
    expect(entryFailure(result, 'NOPE').kind).toBe(ProviderFailureKind.NOT_FOUND);
  });
});

type BulkQuotes = { message: string; data: Array<Record<string, string>> };

describe('quotes through REALTIME_BULK_QUOTES (premium keys)', () => {
  it('declares a batch size of 100 and asks for every symbol in one call', async () => {
    harness.upstream.on(query('REALTIME_BULK_QUOTES'), { json: av('realtime-bulk-quotes') });
    const fetcher = quoteFetcher({ premium: true });
    expect(fetcher.batchSize).toBe(100);
    await fetcher.fetch(['MSFT', 'AAPL', 'IBM']);
    expect(harness.upstream.requests).toHaveLength(1);
    expect(harness.upstream.requests[0]).toMatchObject({
      path: '/query',
      query: { function: 'REALTIME_BULK_QUOTES', symbol: 'MSFT,AAPL,IBM', apikey: KEY },
    });
  });

  it('maps every row to exact domain values', async () => {
    harness.upstream.on(query('REALTIME_BULK_QUOTES'), { json: av('realtime-bulk-quotes') });
    const result = await quoteFetcher({ premium: true }).fetch(['MSFT', 'AAPL', 'IBM']);
    const aapl = entryValue(result, 'AAPL');
    expect(aapl).toEqual({
      symbol: 'AAPL',
      price: 230.1,
      change: -3.57,
      changePercent: -1.5278,
      open: 232.62,
      high: 233.47,
      low: 229.56,
      previousClose: 233.67,
      volume: 47070807,
      // Stamped 19:59:53.814 New York, in the post-market: the regular-session price is the 16:00 close.
      timestamp: new Date('2024-10-30T20:00:00Z'),
      source: 'alphavantage',
      asOf: new Date('2024-10-30T23:59:53.814Z'),
      stale: false,
    });
    for (const symbol of ['MSFT', 'AAPL', 'IBM']) QuoteSchema.parse(entryValue(result, symbol));
    expect(entryValue(result, 'MSFT').price).toBe(432.53);
    expect(entryValue(result, 'IBM').changePercent).toBe(-2.5614);
  });

  it('keeps an intraday timestamp as given', async () => {
    const payload = variant<BulkQuotes>('realtime-bulk-quotes', (body) => {
      for (const row of body.data) row['timestamp'] = '2024-10-30 11:15:02.500';
    });
    harness.upstream.on(query('REALTIME_BULK_QUOTES'), { json: payload });
    const quote = entryValue(await quoteFetcher({ premium: true }).fetch(['IBM']), 'IBM');
    expect(quote.timestamp).toEqual(new Date('2024-10-30T15:15:02.500Z'));
  });

  it('answers a symbol missing from "data" as NOT_FOUND for it alone', async () => {
    harness.upstream.on(query('REALTIME_BULK_QUOTES'), { json: av('realtime-bulk-quotes') });
    const result = await quoteFetcher({ premium: true }).fetch(['IBM', 'NOPE']);
    expect(entryValue(result, 'IBM').price).toBe(205.04);
    expect(entryFailure(result, 'NOPE').kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('fails a row without a price alone, as BAD_RESPONSE', async () => {
    const payload = variant<BulkQuotes>('realtime-bulk-quotes', (body) => {
      const row = body.data.find((candidate) => candidate['symbol'] === 'AAPL');
      if (row) row['close'] = '';
    });
    harness.upstream.on(query('REALTIME_BULK_QUOTES'), { json: payload });
    const result = await quoteFetcher({ premium: true }).fetch(['MSFT', 'AAPL', 'IBM']);
    expect(entryFailure(result, 'AAPL').kind).toBe(ProviderFailureKind.BAD_RESPONSE);
    expect(entryValue(result, 'MSFT').price).toBe(432.53);
    expect(entryValue(result, 'IBM').price).toBe(205.04);
  });

  it('translates share classes both ways', async () => {
    const payload = variant<BulkQuotes>('realtime-bulk-quotes', (body) => {
      const row = body.data.find((candidate) => candidate['symbol'] === 'IBM');
      if (row) row['symbol'] = 'BRK-B';
    });
    harness.upstream.on(query('REALTIME_BULK_QUOTES'), { json: payload });
    const result = await quoteFetcher({ premium: true }).fetch(['AAPL', 'BRK.B']);
    expect(harness.upstream.requests[0]?.query['symbol']).toBe('AAPL,BRK-B');
    expect(entryValue(result, 'BRK.B')).toMatchObject({ symbol: 'BRK.B', price: 205.04 });
  });

  it('refuses the sample data sent with a "premium endpoint" message: UNAUTHORIZED, no quote', async () => {
    harness.upstream.on(query('REALTIME_BULK_QUOTES'), { json: av('realtime-bulk-quotes-premium-required') });
    const error = await failureOf(quoteFetcher({ premium: true }).fetch(['IBM']));
    expect(error.kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect(error.options.upstreamMessage).toContain('This is a premium endpoint');
  });

  it('classifies the "premium endpoint" Information body as UNAUTHORIZED', async () => {
    harness.upstream.on(query('REALTIME_BULK_QUOTES'), { json: av('errors/premium-endpoint') });
    expect((await failureOf(quoteFetcher({ premium: true }).fetch(['IBM']))).kind).toBe(ProviderFailureKind.UNAUTHORIZED);
  });

  it('asks GLOBAL_QUOTE for listings abroad, which the US-only bulk endpoint does not cover', async () => {
    harness.upstream.on(query('REALTIME_BULK_QUOTES'), { json: av('realtime-bulk-quotes') });
    harness.upstream.on(query('GLOBAL_QUOTE', { symbol: 'TSCO.LON' }), { json: av('global-quote-ibm') });
    const result = await quoteFetcher({ premium: true }).fetch(['IBM', 'TSCO.LON']);
    expect(entryValue(result, 'IBM').price).toBe(205.04);
    expect(entryValue(result, 'TSCO.LON')).toMatchObject({ symbol: 'TSCO.LON', price: 233.26 });
    expect(harness.upstream.requests.map((request) => [request.query['function'], request.query['symbol']]).sort()).toEqual([
      ['GLOBAL_QUOTE', 'TSCO.LON'],
      ['REALTIME_BULK_QUOTES', 'IBM'],
    ]);
  });

  it('keeps the answered half when the other call fails, filing the failure under its symbols', async () => {
    harness.upstream.on(query('REALTIME_BULK_QUOTES'), { json: av('errors/rate-limit-burst') });
    harness.upstream.on(query('GLOBAL_QUOTE'), { json: av('global-quote-ibm') });
    const result = await quoteFetcher({ premium: true }).fetch(['IBM', 'AAPL', 'TSCO.LON']);
    expect(entryFailure(result, 'IBM').kind).toBe(ProviderFailureKind.RATE_LIMITED);
    expect(entryFailure(result, 'AAPL').kind).toBe(ProviderFailureKind.RATE_LIMITED);
    expect(entryValue(result, 'TSCO.LON').price).toBe(233.26);
  });

  it('throws when every call of the fetch failed', async () => {
    harness.upstream.on(query('REALTIME_BULK_QUOTES'), { json: av('errors/rate-limit-daily') });
    harness.upstream.on(query('GLOBAL_QUOTE'), { json: av('errors/rate-limit-daily') });
    const error = await failureOf(quoteFetcher({ premium: true }).fetch(['IBM', 'TSCO.LON']));
    expect(error.kind).toBe(ProviderFailureKind.RATE_LIMITED);
  });

  it('fails a payload without "data" as BAD_RESPONSE', async () => {
    harness.upstream.on(query('REALTIME_BULK_QUOTES'), { json: { endpoint: 'Realtime Bulk Quotes', message: 'success' } });
    expect((await failureOf(quoteFetcher({ premium: true }).fetch(['IBM']))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });
});
