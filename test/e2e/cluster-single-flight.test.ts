import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FinancialsDocument, PriceHistoryDocument, QuoteDocument } from '../generated/graphql.js';
import { metric, timed } from '../chaos/helpers.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { SHARED_REDIS_URL as REDIS_URL, deleteSharedKeys } from '../support/shared-redis.js';

/**
 * Two gateway instances sharing one real Redis (127.0.0.1:6379, under a key prefix of this run's
 * own), both on FMP served by one fake upstream that takes 200 ms a call. A burst of identical
 * cold queries split across both costs exactly one upstream call, counted at the upstream, and
 * every client gets the right answer. The whole-response cache is off, so what is measured is
 * the market service's single-flight, per process and per cluster.
 */

const LATENCY_MS = 200;
const prefix = `mgtest:cluster-flight:${randomUUID()}`;
// A key of this run alone: quota counters in Redis are per key, and other files use theirs.
const KEY = `test-key-${randomUUID().slice(0, 8)}`;
const fmp = (path: string): unknown => fixture(`fmp/${path}`);

let upstream: FakeUpstream;
let gateways: SpawnedGateway[] = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const slow = { delayMs: LATENCY_MS };
  upstream.on({ path: '/stable/quote', query: { symbol: 'AAPL' } }, { ...slow, json: fmp('stable/quote-aapl.json') });
  upstream.on({ path: '/stable/quote', query: { symbol: 'ZZZZ' } }, { ...slow, json: [] });
  upstream.on({ path: '/stable/historical-price-eod/full', query: { symbol: 'AAPL' } }, { ...slow, json: fmp('stable/historical-eod-aapl.json') });
  upstream.on({ path: '/stable/cash-flow-statement', query: { symbol: 'AAPL', period: 'annual' } }, { ...slow, json: fmp('stable/cash-flow-aapl-annual.json') });
  const env = {
    PROVIDERS: 'fmp',
    FMP_API_KEY: KEY,
    FMP_BASE_URL: upstream.url,
    FMP_QUOTA: '1000000/min',
    // Room for the whole burst in one bulkhead, should it ever reach the provider more than once.
    FMP_BULKHEAD_QUEUE: '10000',
    REDIS_URL,
    REDIS_PREFIX: prefix,
    // Freshness is not what is tested: no entry may expire during the burst.
    CACHE_TTL_QUOTES: '600',
    RESPONSE_CACHE: 'false',
    // Per-consumer budgets are not what is tested: the anonymous caller sends 1,600 requests here.
    LIMIT_COST_BUDGET: 'public=100000000',
    THROTTLE_REQUESTS_PER_MIN: 'public=100000000',
    THROTTLE_PROVIDER_CALLS_PER_MIN: 'public=100000000',
  };
  gateways = await Promise.all([spawnGateway(env), spawnGateway(env)]);
});

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await upstream?.close();
  await deleteSharedKeys(`${prefix}*`);
});

/** `count` copies of one request, spread evenly over both gateways, all sent at once. */
function burst<T>(count: number, ask: (gateway: SpawnedGateway) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => ask(gateways[index % 2] as SpawnedGateway)));
}

async function total(name: string, labels: Record<string, string>): Promise<number> {
  const values = await Promise.all(gateways.map((gateway) => metric(gateway, name, labels)));
  return values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
}

/** Bursts of 200 to 1,000 queries through spawned gateways: seconds when idle, 20 s seen on a loaded machine. */
const BURST_TEST = { timeout: 60_000 };

describe('single-flight across two gateways sharing Redis', BURST_TEST, () => {
  it('answers 1,000 concurrent identical cold quote queries, 500 on each, with one upstream call', async () => {
    const { result, ms } = await timed(() => burst(1_000, (gateway) => execute(gateway.url, QuoteDocument, { symbol: 'AAPL' })));
    expect(upstream.count({ path: '/stable/quote' })).toBe(1);
    for (const { status, data, errors } of result) {
      expect(errors).toBeUndefined();
      expect(status).toBe(200);
      expect(data?.quote).toMatchObject({ symbol: 'AAPL', price: 232.8, change: 4.79, volume: 44489128, timestamp: '2025-02-04T21:00:01.000Z', source: 'fmp', stale: false });
    }
    // Both instances coalesced misses in process, and the one that did not fetch took the other's answer.
    for (const gateway of gateways) expect(await metric(gateway, 'singleflight_coalesced_total', { scope: 'process', kind: 'quote' })).toBeGreaterThan(0);
    expect(await total('singleflight_coalesced_total', { scope: 'cluster', kind: 'quote' })).toBeGreaterThanOrEqual(1);
    expect(await total('provider_requests_total', { provider: 'fmp', capability: 'quote', status: 'ok' })).toBe(1);
    console.info(`1,000 cold quote queries over 2 gateways: ${ms} ms, ${upstream.count({ path: '/stable/quote' })} upstream call(s) at ${LATENCY_MS} ms each`);
  });

  it('fetches a price history (a query, not a batch) once for 200 concurrent asks over both gateways', async () => {
    const variables = { symbol: 'AAPL', from: '2025-02-03', to: '2025-02-05', interval: 'DAY' as const };
    const result = await burst(200, (gateway) => execute(gateway.url, PriceHistoryDocument, variables));
    expect(upstream.count({ path: '/stable/historical-price-eod/full' })).toBe(1);
    for (const { data, errors } of result) {
      expect(errors).toBeUndefined();
      expect(data?.priceHistory).toEqual([
        { date: '2025-02-03', open: 229.99, high: 231.83, low: 225.7, close: 228.01, volume: 73063300 },
        { date: '2025-02-04', open: 227.2, high: 233.13, low: 226.65, close: 232.8, volume: 44489128 },
        { date: '2025-02-05', open: 228.53, high: 232.67, low: 228.27, close: 232.47, volume: 39664989 },
      ]);
    }
    expect(await total('singleflight_coalesced_total', { scope: 'cluster', kind: 'history' })).toBeGreaterThanOrEqual(1);
  });

  it('fetches financial statements once for 200 concurrent asks over both gateways', async () => {
    const result = await burst(200, (gateway) => execute(gateway.url, FinancialsDocument, { symbol: 'AAPL', statement: 'CASH_FLOW', limit: 1 }));
    expect(upstream.count({ path: '/stable/cash-flow-statement' })).toBe(1);
    for (const { data, errors } of result) {
      expect(errors).toBeUndefined();
      expect(data?.financials).toHaveLength(1);
      expect(data?.financials?.[0]).toMatchObject({ __typename: 'CashFlowStatement', symbol: 'AAPL', fiscalDate: '2024-09-28', source: 'fmp' });
    }
  });

  it('carries a NOT_FOUND to every waiting instance: one upstream call, every client told NOT_FOUND', async () => {
    const result = await burst(200, (gateway) => execute(gateway.url, QuoteDocument, { symbol: 'ZZZZ' }));
    expect(upstream.count({ path: '/stable/quote', query: { symbol: 'ZZZZ' } })).toBe(1);
    for (const { data, errors } of result) {
      expect(data).toEqual({ quote: null });
      expect(errors?.[0]).toMatchObject({ path: ['quote'], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ' } });
    }
  });
});

describe('single-flight with Redis unreachable', BURST_TEST, () => {
  let lone: SpawnedGateway;
  let loneUpstream: FakeUpstream;

  beforeAll(async () => {
    loneUpstream = await startFakeUpstream();
    loneUpstream.on({ path: '/stable/quote', query: { symbol: 'AAPL' } }, { delayMs: LATENCY_MS, json: fmp('stable/quote-aapl.json') });
    lone = await spawnGateway({
      PROVIDERS: 'fmp',
      FMP_API_KEY: KEY,
      FMP_BASE_URL: loneUpstream.url,
      FMP_QUOTA: '1000000/min',
      // Nothing listens on port 1: every Redis part of the gateway is down from the start.
      REDIS_URL: 'redis://127.0.0.1:1',
      RESPONSE_CACHE: 'false',
      THROTTLE_REQUESTS_PER_MIN: 'public=100000000',
    });
  });
  afterAll(async () => {
    await lone?.stop();
    await loneUpstream?.close();
  });

  it('still coalesces in process: 200 concurrent cold queries answered, one upstream call, one warning', async () => {
    const result = await Promise.all(Array.from({ length: 200 }, () => execute(lone.url, QuoteDocument, { symbol: 'AAPL' })));
    expect(loneUpstream.count({ path: '/stable/quote' })).toBe(1);
    for (const { data, errors } of result) {
      expect(errors).toBeUndefined();
      expect(data?.quote).toMatchObject({ symbol: 'AAPL', price: 232.8, source: 'fmp' });
    }
    // Never held up for a lease (5 s) by a Redis that is not there: by the gateway's own measure
    // (graphql_operation_duration_seconds), all 200 took at most 2.5 s, half the lease; one held
    // for it would have taken 5 s and more. The test's stopwatch would count its own client too.
    expect(await metric(lone, 'graphql_operation_duration_seconds_bucket', { le: '2.5', operation: 'Quote', type: 'query' })).toBe(200);
    expect(await metric(lone, 'singleflight_coalesced_total', { scope: 'process', kind: 'quote' })).toBeGreaterThan(0);
    expect(lone.logs.filter((entry) => String(entry['msg']).startsWith('single-flight across instances unavailable'))).toHaveLength(1);
  });
});
