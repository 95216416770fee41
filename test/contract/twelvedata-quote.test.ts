import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, ProviderFailureKind, QuoteSchema } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { fixture, startFakeUpstream, type FakeUpstream, type RecordedRequest, type Reply } from '../support/fake-upstream.js';
import { KEY, SECOND_KEY, expectNoKey, failureOf, present, twelvedataOn } from './twelvedata-support.js';

/** Twelve Data `/quote`: one symbol answers a flat object, several an object keyed by symbol. */

let upstream: FakeUpstream;
let adapter: ProviderAdapter;
const NOW = Date.parse('2025-03-04T15:00:30Z');

beforeAll(async () => {
  upstream = await startFakeUpstream();
  adapter = twelvedataOn(upstream.url, {}, { now: () => NOW });
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await adapter.close?.();
  await upstream.close();
});

const batch = fixture('twelvedata/quote-batch.json') as Record<string, unknown>;

/** Answers `/quote?symbol=A,B,…` from the batch fixture, as Twelve Data would for those symbols. */
function batchReply(request: RecordedRequest): Reply {
  const symbols = (request.query['symbol'] ?? '').split(',');
  return { json: Object.fromEntries(symbols.map((symbol) => [symbol, batch[symbol]])) };
}

describe('Twelve Data adapter shape', () => {
  it('declares quotes in batches of 120, history and search; no profile or statements (paid plans)', () => {
    expect(adapter).toMatchObject({ id: 'twelvedata', name: 'Twelve Data' });
    expect(adapter.quote?.batchSize).toBe(120);
    expect(adapter.history).toBeDefined();
    expect(adapter.search).toBeDefined();
    expect(adapter.profile).toBeUndefined();
    expect(adapter.statements).toBeUndefined();
    expect(adapter.stream).toBeUndefined();
  });
});

describe('one symbol', () => {
  it('maps the flat quote, strings to numbers and last_quote_at to the time', async () => {
    upstream.on({ path: '/quote', query: { symbol: 'AAPL' } }, { json: fixture('twelvedata/quote-aapl.json') });
    const quote = (await present(adapter.quote).fetch(['AAPL'])).get('AAPL');
    expect(QuoteSchema.parse(quote)).toEqual({
      symbol: 'AAPL',
      price: 148.85001,
      change: -0.23999,
      changePercent: -0.16097,
      open: 148.44,
      high: 148.9684,
      low: 147.22099,
      previousClose: 149.09,
      volume: 67_903_927,
      timestamp: new Date(1631772000 * 1000),
      source: 'twelvedata',
      asOf: new Date(1631772000 * 1000),
      stale: false,
    });
  });

  it('sends the key in the documented `Authorization: apikey …` header, never as apikey=', async () => {
    upstream.on({ path: '/quote' }, { json: fixture('twelvedata/quote-aapl.json') });
    await present(adapter.quote).fetch(['AAPL']);
    expect(upstream.requests[0]?.path).toBe('/quote');
    expect(upstream.requests[0]?.query).toEqual({ symbol: 'AAPL' });
    expect(upstream.requests[0]?.headers['authorization']).toBe(`apikey ${KEY}`);
  });

  it('keeps a path prefix of the base URL', async () => {
    const prefixed = twelvedataOn(`${upstream.url}/proxy/td`);
    upstream.on({ path: '/proxy/td/quote', query: { symbol: 'AAPL' } }, { json: fixture('twelvedata/quote-aapl.json') });
    expect((await present(prefixed.quote).fetch(['AAPL'])).get('AAPL')).toMatchObject({ price: 148.85001 });
    await prefixed.close?.();
  });

  it('reads a lone unknown symbol (code 404, even inside an HTTP 200) as NOT_FOUND for it', async () => {
    upstream.on({ path: '/quote' }, { json: fixture('twelvedata/error-404-symbol.json') });
    const entry = (await present(adapter.quote).fetch(['NOPE'])).get('NOPE');
    expect(entry).toBeInstanceOf(ProviderError);
    expect((entry as ProviderError).kind).toBe(ProviderFailureKind.NOT_FOUND);
    expectNoKey(entry as Error);
  });

  it('derives change from the previous close and leaves a missing volume null', async () => {
    upstream.on({ path: '/quote' }, { json: { symbol: 'EUR/USD', close: '1.08500', previous_close: '1.08000', datetime: '2025-03-04' } });
    const quote = (await present(adapter.quote).fetch(['EURUSD'])).get('EURUSD');
    expect(quote).toMatchObject({ price: 1.085, change: 0.005, changePercent: 0.462963, volume: null, timestamp: new Date('2025-03-04T00:00:00Z') });
  });

  it('refuses a quote without a price as BAD_RESPONSE', async () => {
    upstream.on({ path: '/quote' }, { json: { symbol: 'AAPL', open: '1.0', previous_close: '1.0' } });
    await failureOf(present(adapter.quote).fetch(['AAPL']), ProviderFailureKind.BAD_RESPONSE);
  });
});

describe('several symbols', () => {
  it('asks once for all of them, comma-separated', async () => {
    upstream.on({ path: '/quote' }, batchReply);
    const result = await present(adapter.quote).fetch(['AAPL', 'MSFT']);
    expect(upstream.count()).toBe(1);
    expect(upstream.requests[0]?.query).toEqual({ symbol: 'AAPL,MSFT' });
    expect(QuoteSchema.parse(result.get('AAPL'))).toMatchObject({ symbol: 'AAPL', price: 148.85001 });
    expect(QuoteSchema.parse(result.get('MSFT'))).toMatchObject({ symbol: 'MSFT', price: 305.22, change: 0.39999, changePercent: 0.13122, volume: 21_853_400 });
  });

  it('fails an entry that is an error object for that symbol alone', async () => {
    upstream.on({ path: '/quote' }, batchReply);
    const result = await present(adapter.quote).fetch(['AAPL', 'NOPE', 'MSFT']);
    expect(result.get('AAPL')).toMatchObject({ price: 148.85001 });
    expect(result.get('MSFT')).toMatchObject({ price: 305.22 });
    const nope = result.get('NOPE');
    expect((nope as ProviderError).kind).toBe(ProviderFailureKind.NOT_FOUND);
    expect((nope as ProviderError).options.upstreamMessage).toContain('not found: NOPE');
  });

  it('fails a symbol missing from the answer as BAD_RESPONSE, not as unknown', async () => {
    upstream.on({ path: '/quote' }, { json: { AAPL: batch['AAPL'] } });
    const result = await present(adapter.quote).fetch(['AAPL', 'MSFT']);
    expect(result.get('AAPL')).toMatchObject({ price: 148.85001 });
    expect((result.get('MSFT') as ProviderError).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('fails a malformed entry alone', async () => {
    upstream.on({ path: '/quote' }, { json: { AAPL: batch['AAPL'], MSFT: { symbol: 'MSFT', close: 'n/a?' } } });
    const result = await present(adapter.quote).fetch(['AAPL', 'MSFT']);
    expect(result.get('AAPL')).toMatchObject({ price: 148.85001 });
    expect((result.get('MSFT') as ProviderError).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('throws when the whole call is refused: out of credits for the minute', async () => {
    upstream.on({ path: '/quote' }, { json: fixture('twelvedata/error-429-minute.json') });
    const error = await failureOf(present(adapter.quote).fetch(['AAPL', 'MSFT']), ProviderFailureKind.RATE_LIMITED);
    // Credits refill at the next minute: 30 s after 15:00:30.
    expect(error.options.retryAfterMs).toBe(30_000);
  });

  it('throws when the answer is not an object keyed by symbol', async () => {
    upstream.on({ path: '/quote' }, { json: [batch['AAPL']] });
    await failureOf(present(adapter.quote).fetch(['AAPL', 'MSFT']), ProviderFailureKind.BAD_RESPONSE);
  });

  it('takes the keys in turn', async () => {
    const twoKeys = twelvedataOn(upstream.url, { keys: [KEY, SECOND_KEY] });
    upstream.on({ path: '/quote' }, batchReply);
    await present(twoKeys.quote).fetch(['AAPL', 'MSFT']);
    await present(twoKeys.quote).fetch(['AAPL', 'MSFT']);
    expect(upstream.requests.map((request) => request.headers['authorization'])).toEqual([`apikey ${KEY}`, `apikey ${SECOND_KEY}`]);
    await twoKeys.close?.();
  });
});
