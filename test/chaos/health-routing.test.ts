import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuoteProvenanceDocument } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { errorLogs, metric, sleep } from './helpers.js';

/**
 * Chaos: routing around an open breaker. FMP (first in `PROVIDERS=fmp,polygon`) goes down; while
 * its breaker is closed Polygon stands in after each failure, naming FMP in `fallbackFrom`. Once
 * the breaker opens, FMP goes to the end of the chain: queries go straight to Polygon and FMP
 * hears nothing, not even a refused call. When the open period is over, the next query asks FMP
 * first as the breaker's probe; FMP is back, the breaker closes, and FMP leads the chain again.
 */

const FMP_QUOTE = { path: '/stable/quote' };
const POLYGON_SNAPSHOT = { path: '/v2/snapshot/locale/us/markets/stocks/tickers' };
const THRESHOLD = 3;
/**
 * Long enough that the five queries made while the breaker is open are done before it half-opens,
 * even on a loaded machine (a probe among them would send one to FMP); the wait for it to
 * half-open is one-sided, so a longer period costs only time.
 */
const OPEN_MS = 2_000;

let fmp: FakeUpstream;
let polygon: FakeUpstream;
let gateway: SpawnedGateway;

beforeAll(async () => {
  [fmp, polygon] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  polygon.on(POLYGON_SNAPSHOT, { json: fixture('polygon/snapshot-tickers.json') });
  gateway = await spawnGateway({
    PROVIDERS: 'fmp,polygon',
    FMP_API_KEY: 'test-key-0001',
    FMP_BASE_URL: fmp.url,
    POLYGON_API_KEY: 'test-key-0002',
    POLYGON_BASE_URL: polygon.url,
    // Polygon's free plan allows 5 calls a minute; this test makes more.
    POLYGON_QUOTA: '1000/min',
    // Every query goes down the chain.
    CACHE_TTL_QUOTES: '0',
    // One upstream call per query, so three queries are three failures in a row.
    RETRY_MAX: '0',
    BREAKER: 'consecutive',
    BREAKER_THRESHOLD: String(THRESHOLD),
    BREAKER_OPEN_MS: String(OPEN_MS),
  });
});
afterAll(async () => {
  await gateway?.stop();
  await Promise.all([fmp?.close(), polygon?.close()]);
});

const quoteAapl = () => execute(gateway.url, QuoteProvenanceDocument, { symbol: 'AAPL' });

describe('routing around FMP while its breaker is open', () => {
  it('goes straight to Polygon while FMP is open, and back to FMP once its probe closed the breaker', async () => {
    fmp.on(FMP_QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });
    expect((await quoteAapl()).data?.quote).toMatchObject({ source: 'fmp', fallbackFrom: null });
    expect(polygon.count(POLYGON_SNAPSHOT)).toBe(0);

    // FMP goes down: each query fails over to Polygon, until the breaker opens.
    fmp.on(FMP_QUOTE, { status: 503, json: { 'Error Message': 'Service Unavailable' } });
    for (let failure = 1; failure <= THRESHOLD; failure += 1) {
      const { data, errors } = await quoteAapl();
      expect(errors).toBeUndefined();
      expect(data?.quote).toMatchObject({ symbol: 'AAPL', source: 'polygon', stale: false, fallbackFrom: ['fmp'] });
      expect(fmp.count(FMP_QUOTE)).toBe(1 + failure);
    }
    expect(await metric(gateway, 'circuit_breaker_state', { provider: 'fmp' })).toBe(1);

    // Open: Polygon answers first, FMP is not called at all.
    for (let query = 0; query < 5; query += 1) {
      const { data, errors } = await quoteAapl();
      expect(errors).toBeUndefined();
      expect(data?.quote).toMatchObject({ symbol: 'AAPL', price: 232.12, source: 'polygon', stale: false, fallbackFrom: null });
    }
    expect(fmp.count(FMP_QUOTE)).toBe(1 + THRESHOLD);
    expect(polygon.count(POLYGON_SNAPSHOT)).toBe(THRESHOLD + 5);

    // FMP is back; once the open period is over the next query probes it, first in the chain.
    fmp.on(FMP_QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });
    // One-sided: the breaker half-opens on the first call after the period, however late that is.
    await sleep(OPEN_MS + 200);
    const probe = await quoteAapl();
    expect(probe.errors).toBeUndefined();
    expect(probe.data?.quote).toMatchObject({ symbol: 'AAPL', price: 232.8, source: 'fmp', fallbackFrom: null });
    expect(fmp.count(FMP_QUOTE)).toBe(1 + THRESHOLD + 1);
    expect(await metric(gateway, 'circuit_breaker_state', { provider: 'fmp' })).toBe(0);

    // Closed again: FMP leads, Polygon is not asked.
    const polygonAsked = polygon.count(POLYGON_SNAPSHOT);
    for (let query = 0; query < 3; query += 1) {
      expect((await quoteAapl()).data?.quote).toMatchObject({ source: 'fmp', fallbackFrom: null });
    }
    expect(fmp.count(FMP_QUOTE)).toBe(1 + THRESHOLD + 1 + 3);
    expect(polygon.count(POLYGON_SNAPSHOT)).toBe(polygonAsked);

    expect(errorLogs(gateway)).toEqual([]);
  });
});
