import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderFailureKind, QuoteSchema } from '../../src/domain/index.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import {
  checkedFailure,
  expectKeyInHeaderOnly,
  failureOf,
  NOW,
  polygonAdapter,
  RECENT_BARS_PATH,
  SNAPSHOT_PATH,
  valueOf,
  type PolygonAdapter,
} from './polygon-support.js';

/**
 * Quotes: the full-market snapshot for paid plans, and the daily-bar quote a free key falls back
 * to when the snapshot answers NOT_AUTHORIZED.
 */

let upstream: FakeUpstream;
let polygon: PolygonAdapter;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  polygon = polygonAdapter(upstream);
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await polygon.close?.();
  await upstream.close();
});

const serveSnapshot = (name = 'snapshot-tickers.json'): void => upstream.on({ path: SNAPSHOT_PATH }, { json: fixture(`polygon/${name}`) });

describe('quote from the full market snapshot', () => {
  it('maps the documented snapshot fields to exact quotes, nanosecond times included', async () => {
    serveSnapshot();
    const result = await polygon.quote.fetch(['AAPL', 'MSFT', 'BRK.B']);

    const apple = valueOf(result, 'AAPL');
    expect(apple).toEqual({
      symbol: 'AAPL',
      price: 232.12,
      change: -4.73,
      changePercent: -1.99704,
      open: 233.53,
      high: 234.67,
      low: 229.72,
      previousClose: 236.85,
      volume: 37321511,
      // lastTrade.t and updated are nanoseconds: 1736791200123456789 → 18:00:00.123 UTC.
      timestamp: new Date('2025-01-13T18:00:00.123Z'),
      source: 'polygon',
      asOf: new Date('2025-01-13T18:00:00.123Z'),
      stale: false,
    });
    expect(valueOf(result, 'MSFT')).toMatchObject({ price: 416.3, change: -2.65, changePercent: -0.63253, previousClose: 418.95 });
    expect(valueOf(result, 'MSFT').timestamp).toEqual(new Date('2025-01-13T18:00:00.098Z'));
    expect(valueOf(result, 'BRK.B')).toMatchObject({ symbol: 'BRK.B', price: 455, change: 4.09, changePercent: 0.90705, volume: 1805213 });
    for (const symbol of ['AAPL', 'MSFT', 'BRK.B']) QuoteSchema.parse(valueOf(result, symbol));
  });

  it('asks for every ticker of the batch in one call, with the key in the Authorization header only', async () => {
    serveSnapshot();
    await polygon.quote.fetch(['AAPL', 'MSFT', 'BRK.B']);
    expect(upstream.requests).toHaveLength(1);
    const [request] = upstream.requests;
    expect(request?.path).toBe(SNAPSHOT_PATH);
    expect(request?.query).toEqual({ tickers: 'AAPL,MSFT,BRK.B', include_otc: 'true' });
    expectKeyInHeaderOnly(request);
    expect(polygon.quote.batchSize).toBe(250);
  });

  it('translates a dashed share class to Polygon’s dot and answers under the symbol asked', async () => {
    serveSnapshot();
    const result = await polygon.quote.fetch(['BRK-B', 'BRK.B']);
    expect(upstream.requests[0]?.query['tickers']).toBe('BRK.B');
    expect(valueOf(result, 'BRK-B')).toMatchObject({ symbol: 'BRK-B', price: 455 });
    expect(valueOf(result, 'BRK.B')).toMatchObject({ symbol: 'BRK.B', price: 455 });
  });

  it('gives a ticker Polygon leaves out of the snapshot NOT_FOUND, alone', async () => {
    serveSnapshot();
    const result = await polygon.quote.fetch(['AAPL', 'ZZZZ']);
    expect(valueOf(result, 'AAPL').price).toBe(232.12);
    expect(checkedFailure(result.get('ZZZZ')).kind).toBe(ProviderFailureKind.NOT_FOUND);

    upstream.reset();
    serveSnapshot('snapshot-none.json');
    const none = await polygon.quote.fetch(['QQQQ']);
    expect(checkedFailure(none.get('QQQQ')).kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('quotes the previous close before the first trade, when Polygon sends zeros and no lastTrade', async () => {
    serveSnapshot('snapshot-starter-premarket.json');
    const quote = valueOf(await polygon.quote.fetch(['AAPL']), 'AAPL');
    expect(quote).toMatchObject({ price: 236.85, previousClose: 236.85, change: 0, changePercent: 0, open: null, high: null, low: null, volume: 0 });
    expect(quote.timestamp).toEqual(new Date('2025-01-13T09:00:00Z'));
    QuoteSchema.parse(quote);
  });

  it('fails a malformed entry alone, and a malformed envelope as a whole', async () => {
    const body = structuredClone(fixture('polygon/snapshot-tickers.json')) as { tickers: Array<Record<string, unknown>> };
    const msft = body.tickers[1] as { lastTrade: { p: unknown } };
    msft.lastTrade.p = 'n/a-price';
    upstream.on({ path: SNAPSHOT_PATH }, { json: body });
    const result = await polygon.quote.fetch(['AAPL', 'MSFT']);
    expect(valueOf(result, 'AAPL').price).toBe(232.12);
    expect(checkedFailure(result.get('MSFT')).kind).toBe(ProviderFailureKind.BAD_RESPONSE);

    upstream.reset();
    upstream.on({ path: SNAPSHOT_PATH }, { json: { status: 'OK', tickers: 'AAPL' } });
    expect((await failureOf(polygon.quote.fetch(['AAPL']))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('never sends an empty ticker list, which Polygon reads as "the whole market"', async () => {
    serveSnapshot();
    expect((await polygon.quote.fetch([])).size).toBe(0);
    expect(upstream.count()).toBe(0);
  });

  it('uses the keys in turn', async () => {
    const twoKeys = polygonAdapter(upstream, { keys: ['test-key-0001', 'test-key-0002'] });
    serveSnapshot();
    await twoKeys.quote.fetch(['AAPL']);
    await twoKeys.quote.fetch(['MSFT']);
    await twoKeys.quote.fetch(['BRK.B']);
    expect(upstream.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer test-key-0001',
      'Bearer test-key-0002',
      'Bearer test-key-0001',
    ]);
    await twoKeys.close?.();
  });
});

describe('quote on a plan without the snapshot (free plan)', () => {
  const refuseSnapshot = (status = 403): void => upstream.on({ path: SNAPSHOT_PATH }, { status, json: fixture('polygon/error-not-authorized.json') });

  it('falls back to the latest daily bars: the last close, with the session before as previous close', async () => {
    const adapter = polygonAdapter(upstream);
    refuseSnapshot();
    upstream.on({ path: RECENT_BARS_PATH }, { json: fixture('polygon/aggs-day-AAPL-recent.json') });
    const quote = valueOf(await adapter.quote.fetch(['AAPL']), 'AAPL');
    // 10 Jan 2025 closed at 236.85; the session before was 8 Jan (markets shut on the 9th) at 242.70.
    expect(quote).toEqual({
      symbol: 'AAPL',
      price: 236.85,
      change: -5.85,
      changePercent: -2.4104,
      open: 240.01,
      high: 240.16,
      low: 233,
      previousClose: 242.7,
      volume: 61710856,
      timestamp: new Date('2025-01-10T05:00:00Z'),
      source: 'polygon',
      asOf: new Date('2025-01-10T05:00:00Z'),
      stale: false,
    });
    QuoteSchema.parse(quote);
    const barsRequest = upstream.requests.find((request) => request.path === RECENT_BARS_PATH);
    expect(barsRequest?.query).toEqual({ adjusted: 'true', sort: 'asc', limit: '50000' });
    expectKeyInHeaderOnly(barsRequest);
    await adapter.close?.();
  });

  it('also falls back when NOT_AUTHORIZED comes with HTTP 200', async () => {
    const adapter = polygonAdapter(upstream);
    refuseSnapshot(200);
    upstream.on({ path: RECENT_BARS_PATH }, { json: fixture('polygon/aggs-day-AAPL-recent.json') });
    expect(valueOf(await adapter.quote.fetch(['AAPL']), 'AAPL').price).toBe(236.85);
    await adapter.close?.();
  });

  it('remembers the refusal for an hour instead of spending a call of the 5 a minute on it', async () => {
    let now = NOW;
    const adapter = polygonAdapter(upstream, { now: () => now });
    refuseSnapshot();
    upstream.on({ path: RECENT_BARS_PATH }, { json: fixture('polygon/aggs-day-AAPL-recent.json') });
    await adapter.quote.fetch(['AAPL']);
    await adapter.quote.fetch(['AAPL']);
    expect(upstream.count({ path: SNAPSHOT_PATH })).toBe(1);
    expect(upstream.count({ path: RECENT_BARS_PATH })).toBe(2);

    // An hour later the plan may have been upgraded: the snapshot is tried again, and used.
    now += 60 * 60_000;
    serveSnapshot();
    expect(valueOf(await adapter.quote.fetch(['AAPL']), 'AAPL').price).toBe(232.12);
    expect(upstream.count({ path: SNAPSHOT_PATH })).toBe(2);
    await adapter.close?.();
  });

  it('gives an unknown ticker NOT_FOUND alone (Polygon answers it with zero results)', async () => {
    const adapter = polygonAdapter(upstream);
    refuseSnapshot();
    upstream.on({ path: RECENT_BARS_PATH }, { json: fixture('polygon/aggs-day-AAPL-recent.json') });
    upstream.on({ path: '/v2/aggs/ticker/ZZZZ/range/1/day/2024-12-30/2025-01-13' }, { json: fixture('polygon/aggs-empty.json') });
    const result = await adapter.quote.fetch(['AAPL', 'ZZZZ']);
    expect(valueOf(result, 'AAPL').price).toBe(236.85);
    expect(checkedFailure(result.get('ZZZZ')).kind).toBe(ProviderFailureKind.NOT_FOUND);
    await adapter.close?.();
  });

  it('stops the batch at the first rate limit instead of spending more calls', async () => {
    const adapter = polygonAdapter(upstream);
    refuseSnapshot();
    const symbols = ['ZZZA', 'ZZZB', 'ZZZC', 'ZZZD', 'ZZZE', 'ZZZF', 'ZZZG', 'ZZZH'];
    for (const symbol of symbols) {
      upstream.on({ path: `/v2/aggs/ticker/${symbol}/range/1/day/2024-12-30/2025-01-13` }, { status: 429, json: fixture('polygon/error-rate-limited.json') });
    }
    const result = await adapter.quote.fetch(symbols);
    for (const symbol of symbols) expect(checkedFailure(result.get(symbol)).kind).toBe(ProviderFailureKind.RATE_LIMITED);
    // At most the calls already in flight when the first 429 came back.
    expect(upstream.count() - 1).toBeLessThanOrEqual(4);
    await adapter.close?.();
  });
});
