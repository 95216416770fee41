import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderFailureKind, QuoteSchema, type Quote } from '../../src/domain/index.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { errorFor, failureOf, fmpAdapter, fmpFixture, KEY, onlyRequest, plainTextRefusal, type FmpAdapter } from './fmp-support.js';

/**
 * Quotes on FMP's `/stable` API: one symbol a call on plans without batch quotes (the free
 * plan), `/stable/batch-quote` on plans with them; FMP's documented example in, exact domain
 * values out; share classes in FMP's spelling on the wire and ours in the answer.
 */

let upstream: FakeUpstream;
let single: FmpAdapter;
let batched: FmpAdapter;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  single = fmpAdapter(upstream);
  batched = fmpAdapter(upstream, { batchQuotes: true });
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await single.close?.();
  await batched.close?.();
  await upstream.close();
});

/** The documented AAPL example, as the domain reads it. */
const AAPL: Quote = {
  symbol: 'AAPL',
  price: 232.8,
  change: 4.79,
  changePercent: 2.1008,
  open: 227.2,
  high: 233.13,
  low: 226.65,
  previousClose: 228.01,
  volume: 44489128,
  timestamp: new Date(1738702801 * 1000),
  source: 'fmp',
  asOf: new Date(1738702801 * 1000),
  stale: false,
};

function quoteOf(result: ReadonlyMap<string, Quote | Error>, symbol: string): Quote {
  const entry = result.get(symbol);
  if (!entry || entry instanceof Error) throw new Error(`no quote for ${symbol}: ${String(entry)}`);
  return QuoteSchema.parse(entry);
}

describe('/stable/quote, one symbol a call', () => {
  it('reads the documented example into exact domain values', async () => {
    upstream.on({ path: '/stable/quote', query: { symbol: 'AAPL' } }, { json: fmpFixture('stable/quote-aapl.json') });
    const result = await single.quote.fetch(['AAPL']);
    expect(quoteOf(result, 'AAPL')).toEqual(AAPL);
  });

  it('asks for one symbol with the key as apikey', async () => {
    upstream.on({ path: '/stable/quote' }, { json: fmpFixture('stable/quote-aapl.json') });
    await single.quote.fetch(['AAPL']);
    expect(onlyRequest(upstream)).toMatchObject({ path: '/stable/quote', query: { symbol: 'AAPL', apikey: KEY } });
    expect(single.quote.batchSize).toBe(1);
  });

  it('sends BRK.B as BRK-B and answers it as BRK.B', async () => {
    upstream.on({ path: '/stable/quote', query: { symbol: 'BRK-B' } }, { json: fmpFixture('stable/quote-brk-b.json') });
    const result = await single.quote.fetch(['BRK.B']);
    expect(quoteOf(result, 'BRK.B')).toMatchObject({ symbol: 'BRK.B', price: 477.42, change: -1.53, changePercent: -0.31945, volume: 3391544 });
    expect(onlyRequest(upstream).query['symbol']).toBe('BRK-B');
  });

  it.each([
    ['a venue suffix stays a dot (London)', 'VOD.L', 'VOD.L'],
    ['a class on a foreign venue', 'RCI.B.TO', 'RCI-B.TO'],
    ['a class already in FMP spelling', 'BF-B', 'BF-B'],
    ['a plain ticker', 'MSFT', 'MSFT'],
  ])('spells %s the way FMP does (%s → %s)', async (_what, ours, theirs) => {
    const [row] = fmpFixture('stable/quote-aapl.json') as [Record<string, unknown>];
    upstream.on({ path: '/stable/quote', query: { symbol: theirs } }, { json: [{ ...row, symbol: theirs }] });
    expect(quoteOf(await single.quote.fetch([ours]), ours).symbol).toBe(ours);
  });

  it('answers an unknown symbol ([]) with NOT_FOUND for that symbol', async () => {
    upstream.on({ path: '/stable/quote', query: { symbol: 'ZZZZ' } }, { json: [] });
    const error = errorFor(await single.quote.fetch(['ZZZZ']), 'ZZZZ');
    expect(error.kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('makes one call per symbol when given several, and a refused symbol fails alone', async () => {
    upstream.on({ path: '/stable/quote', query: { symbol: 'AAPL' } }, { json: fmpFixture('stable/quote-aapl.json') });
    // The free plan serves a sample of large caps; other symbols answer 402 in plain text.
    upstream.on({ path: '/stable/quote', query: { symbol: 'AVGO' } }, { status: 402, text: plainTextRefusal('premiumSymbol') });
    const result = await single.quote.fetch(['AAPL', 'AVGO']);
    expect(quoteOf(result, 'AAPL')).toEqual(AAPL);
    const refused = errorFor(result, 'AVGO');
    expect(refused.kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect(refused.options.upstreamMessage).toContain("This value set for 'symbol' is not available");
    expect(upstream.count({ path: '/stable/quote' })).toBe(2);
  });

  it('derives change and percent from the previous close when FMP leaves them out', async () => {
    const [row] = fmpFixture('stable/quote-aapl.json') as [Record<string, unknown>];
    const { change: _change, changePercentage: _percent, ...bare } = row;
    upstream.on({ path: '/stable/quote' }, { json: [bare] });
    const quote = quoteOf(await single.quote.fetch(['AAPL']), 'AAPL');
    expect(quote.change).toBe(4.79);
    expect(quote.changePercent).toBeCloseTo((4.79 / 228.01) * 100, 6);
  });

  it('reads zeros FMP writes for session values it lacks as null, and numbers sent as strings', async () => {
    const [row] = fmpFixture('stable/quote-aapl.json') as [Record<string, unknown>];
    upstream.on({ path: '/stable/quote' }, { json: [{ ...row, open: 0, dayLow: 0, dayHigh: null, price: '232.80', volume: '44489128' }] });
    expect(quoteOf(await single.quote.fetch(['AAPL']), 'AAPL')).toMatchObject({ price: 232.8, open: null, low: null, high: null, volume: 44489128 });
  });

  it('fails a quote without a price as BAD_RESPONSE', async () => {
    const [row] = fmpFixture('stable/quote-aapl.json') as [Record<string, unknown>];
    upstream.on({ path: '/stable/quote' }, { json: [{ ...row, price: null }] });
    const error = errorFor(await single.quote.fetch(['AAPL']), 'AAPL');
    expect(error.kind).toBe(ProviderFailureKind.BAD_RESPONSE);
    expect(error.options.upstreamMessage).toContain('price');
  });
});

describe('/stable/batch-quote, for plans with batch quotes', () => {
  it('asks for every symbol in one call, in FMP spelling', async () => {
    upstream.on({ path: '/stable/batch-quote' }, { json: fmpFixture('stable/batch-quote.json') });
    const result = await batched.quote.fetch(['AAPL', 'MSFT', 'BRK.B']);
    expect(onlyRequest(upstream)).toMatchObject({ path: '/stable/batch-quote', query: { symbols: 'AAPL,MSFT,BRK-B', apikey: KEY } });
    expect(batched.quote.batchSize).toBe(100);
    expect(quoteOf(result, 'AAPL')).toEqual(AAPL);
    expect(quoteOf(result, 'MSFT')).toMatchObject({ symbol: 'MSFT', price: 412.37, changePercent: 0.9175 });
    expect(quoteOf(result, 'BRK.B')).toMatchObject({ symbol: 'BRK.B', price: 477.42, timestamp: new Date(1738702802 * 1000) });
  });

  it('answers a symbol FMP leaves out with NOT_FOUND for it alone', async () => {
    upstream.on({ path: '/stable/batch-quote' }, { json: fmpFixture('stable/batch-quote.json') });
    const result = await batched.quote.fetch(['AAPL', 'NOSUCH']);
    expect(quoteOf(result, 'AAPL').price).toBe(232.8);
    expect(errorFor(result, 'NOSUCH').kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('fails a malformed row alone and keeps the rest of the batch', async () => {
    const [aapl, msft] = fmpFixture('stable/batch-quote.json') as [Record<string, unknown>, Record<string, unknown>];
    upstream.on({ path: '/stable/batch-quote' }, { json: [aapl, { ...msft, price: 'n/a' }] });
    const result = await batched.quote.fetch(['AAPL', 'MSFT']);
    expect(quoteOf(result, 'AAPL')).toEqual(AAPL);
    expect(errorFor(result, 'MSFT').kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('throws when the whole payload is not the documented array', async () => {
    upstream.on({ path: '/stable/batch-quote' }, { json: { symbol: 'AAPL', price: 232.8 } });
    expect((await failureOf(batched.quote.fetch(['AAPL', 'MSFT']))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('fails the whole batch as UNAUTHORIZED when the plan lacks batch quotes', async () => {
    upstream.on({ path: '/stable/batch-quote' }, { status: 402, text: plainTextRefusal('restrictedEndpoint') });
    const error = await failureOf(batched.quote.fetch(['AAPL', 'MSFT']));
    expect(error.kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect(error.options.upstreamMessage).toContain('Restricted Endpoint');
  });

  it('splits more symbols than one call may carry, and a failed call fails only its own symbols', async () => {
    const symbols = Array.from({ length: 150 }, (_, index) => `S${index}`);
    upstream.on({ path: '/stable/batch-quote' }, (request) =>
      request.query['symbols']?.startsWith('S0,')
        ? { json: [{ ...(fmpFixture('stable/quote-aapl.json') as [object])[0], symbol: 'S0' }] }
        : { status: 503, json: { 'Error Message': 'Service Unavailable' } },
    );
    const result = await batched.quote.fetch(symbols);
    expect(upstream.count({ path: '/stable/batch-quote' })).toBe(2);
    expect(quoteOf(result, 'S0').price).toBe(232.8);
    expect(errorFor(result, 'S1').kind).toBe(ProviderFailureKind.NOT_FOUND);
    expect(errorFor(result, 'S120').kind).toBe(ProviderFailureKind.UNAVAILABLE);
  });
});

describe('keys', () => {
  it('takes the next key of the ring for every call', async () => {
    const adapter = fmpAdapter(upstream, { keys: ['test-key-0001', 'test-key-0002'] });
    try {
      upstream.on({ path: '/stable/quote' }, { json: fmpFixture('stable/quote-aapl.json') });
      await adapter.quote.fetch(['AAPL']);
      await adapter.quote.fetch(['AAPL']);
      await adapter.quote.fetch(['AAPL']);
      expect(upstream.requests.map((request) => request.query['apikey'])).toEqual(['test-key-0001', 'test-key-0002', 'test-key-0001']);
    } finally {
      await adapter.close?.();
    }
  });

  it('appends paths to a base URL that carries a path prefix', async () => {
    const adapter = fmpAdapter(upstream, { baseUrl: `${upstream.url}/proxy/fmp` });
    try {
      upstream.on({ path: '/proxy/fmp/stable/quote', query: { symbol: 'AAPL' } }, { json: fmpFixture('stable/quote-aapl.json') });
      expect(quoteOf(await adapter.quote.fetch(['AAPL']), 'AAPL')).toEqual(AAPL);
    } finally {
      await adapter.close?.();
    }
  });
});
