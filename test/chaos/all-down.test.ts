import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuoteDocument } from '../generated/graphql.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { errorLogs, timedByGateway } from './helpers.js';

/**
 * Chaos: every provider is down and nothing is cached. FMP answers 503 at once, and the gateway
 * would retry it with backoffs far longer than the budget; Polygon accepts the connection and
 * never answers. The client must still hear a clear PROVIDER_UNAVAILABLE within the chain's
 * budget, after both providers were really asked.
 */

const FMP_QUOTE = { path: '/stable/quote' };
const POLYGON_SNAPSHOT = { path: '/v2/snapshot/locale/us/markets/stocks/tickers' };
const BUDGET_MS = 1_500;
/**
 * Time the gateway may take past the budget to write its answer, on a loaded two-core machine (up
 * to 300 ms seen with one core kept busy): half the budget, still far from the seconds of back-off
 * and hanging an unbudgeted chain would take.
 */
const MARGIN_MS = BUDGET_MS / 2;

let fmp: FakeUpstream;
let polygon: FakeUpstream;
let gateway: SpawnedGateway;

beforeAll(async () => {
  [fmp, polygon] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  fmp.on(FMP_QUOTE, { status: 503, json: { 'Error Message': 'Service Unavailable' } });
  polygon.on(POLYGON_SNAPSHOT, { fault: 'hang' });
  gateway = await spawnGateway({
    PROVIDERS: 'fmp,polygon',
    FMP_API_KEY: 'test-key-0001',
    FMP_BASE_URL: fmp.url,
    POLYGON_API_KEY: 'test-key-0002',
    POLYGON_BASE_URL: polygon.url,
    CHAIN_BUDGET_MS: String(BUDGET_MS),
    // Backoffs (full jitter up to 2 s, then 4 s) that the budget has to cut short.
    RETRY_MAX: '3',
    RETRY_BASE_MS: '2000',
    RETRY_MAX_DELAY_MS: '4000',
    // The breaker stays out of it: every query must meet both outages.
    BREAKER_THRESHOLD: '1000',
  });
  // A first operation pays for warming the GraphQL path; keep that out of the timings.
  await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
});
afterAll(async () => {
  await gateway?.stop();
  await Promise.all([fmp?.close(), polygon?.close()]);
});

describe('every provider down, nothing cached', () => {
  it.each(['AAPL', 'MSFT', 'NVDA'])('%s is a clear PROVIDER_UNAVAILABLE within the budget', async (symbol) => {
    const polygonAsked = polygon.count(POLYGON_SNAPSHOT);
    // The gateway's own measure of the operation (its metrics), not the test's stopwatch.
    const { result, ms } = await timedByGateway(gateway, 'Quote', () => execute(gateway.url, QuoteDocument, { symbol }));
    console.info(`all-down: ${symbol} answered in ${ms} ms (budget ${BUDGET_MS} ms)`);
    expect(result.data).toEqual({ quote: null });
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['quote'], extensions: { code: 'PROVIDER_UNAVAILABLE' } }),
    ]);
    expect(result.headers.get('x-data-stale')).toBeNull();
    expect(fmp.count({ ...FMP_QUOTE, query: { symbol } })).toBeGreaterThanOrEqual(1);
    // FMP's retries left Polygon its part of the budget.
    expect(polygon.count(POLYGON_SNAPSHOT)).toBe(polygonAsked + 1);
    expect(ms).toBeLessThan(BUDGET_MS + MARGIN_MS);
  });

  it('logs no error for an outage', () => {
    expect(errorLogs(gateway)).toEqual([]);
  });
});
