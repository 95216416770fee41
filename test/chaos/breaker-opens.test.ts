import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuoteDocument } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { errorLogs, metric, sleep } from './helpers.js';

/**
 * Chaos: FMP (the only provider, no simulated fallback) starts failing with 503s after the AAPL
 * quote was cached. Three failures in a row open its breaker; from then on the gateway stops
 * calling FMP and serves the cached quote marked stale, until the open period is over and one
 * probe finds FMP healthy again.
 */

const QUOTE = { path: '/stable/quote', query: { symbol: 'AAPL' } };
const FRESH_S = 1;
/**
 * Long enough that the queries and metric reads made while the breaker is open are done before it
 * half-opens, even on a loaded machine (they take tens of ms; a probe among them would count one
 * call more); the wait for it to half-open is one-sided, so a longer period costs only time.
 */
const OPEN_MS = 2_000;
const THRESHOLD = 3;

let upstream: FakeUpstream;
let gateway: SpawnedGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gateway = await spawnGateway({
    PROVIDERS: 'fmp',
    FMP_API_KEY: 'test-key-0001',
    FMP_BASE_URL: upstream.url,
    CACHE_TTL_QUOTES: String(FRESH_S),
    // No stale-while-revalidate: a read past freshness asks FMP, so its failure is the client's (the last resort).
    CACHE_STALE_QUOTES: '0',
    // One upstream call per query, so three queries are three failures in a row.
    RETRY_MAX: '0',
    BREAKER: 'consecutive',
    BREAKER_THRESHOLD: String(THRESHOLD),
    BREAKER_OPEN_MS: String(OPEN_MS),
    // The stale answers schedule a background refresh, first retried 1 s later: just when the
    // breaker half-opens, so it could be the probe. This test is about a client's probe.
    DLQ_RETRY_DELAYS_MS: '60000',
  });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const quoteAapl = () => execute(gateway.url, QuoteDocument, { symbol: 'AAPL' });

describe('an FMP outage opens its breaker', () => {
  it('serves the cached quote stale without calling FMP while open, and closes after one good probe', async () => {
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') }, { times: 1 });
    const first = await quoteAapl();
    expect(first.data?.quote).toMatchObject({ symbol: 'AAPL', price: 232.8, source: 'fmp', stale: false });
    expect(first.headers.get('x-data-stale')).toBeNull();
    expect(upstream.count(QUOTE)).toBe(1);

    // The cached quote is past its freshness; FMP is down. (Time passing in the gateway, not a
    // wait for an event: a slower machine only waits longer, and the entry stays for stale answers.)
    await sleep(FRESH_S * 1000 + 100);
    upstream.on(QUOTE, { status: 503, json: { 'Error Message': 'Service Unavailable' } });
    for (let failure = 1; failure <= THRESHOLD; failure += 1) {
      const answer = await quoteAapl();
      expect(upstream.count(QUOTE)).toBe(1 + failure);
      // Served stale already: the chain failed and the cache had the quote.
      expect(answer.data?.quote).toMatchObject({ price: 232.8, source: 'fmp', stale: true });
    }
    expect(await metric(gateway, 'circuit_breaker_state', { provider: 'fmp' })).toBe(1);

    const whileOpen = await quoteAapl();
    expect(upstream.count(QUOTE)).toBe(1 + THRESHOLD);
    expect(whileOpen.errors).toBeUndefined();
    expect(whileOpen.data?.quote).toMatchObject({ symbol: 'AAPL', price: 232.8, source: 'fmp', stale: true });
    expect(whileOpen.headers.get('x-data-stale')).toBe('true');
    expect(whileOpen.extensions?.['stale']).toEqual([['quote']]);
    expect(await metric(gateway, 'circuit_breaker_state', { provider: 'fmp' })).toBe(1);
    expect(await metric(gateway, 'stale_answers_total', { kind: 'quote' })).toBe(THRESHOLD + 1);

    // FMP is back; once the open period is over, the next query is the breaker's probe (one-sided:
    // the breaker half-opens on the first call after the period, however late that call is).
    await sleep(OPEN_MS + 200);
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });
    const afterProbe = await quoteAapl();
    expect(upstream.count(QUOTE)).toBe(1 + THRESHOLD + 1);
    expect(afterProbe.errors).toBeUndefined();
    expect(afterProbe.data?.quote).toMatchObject({ symbol: 'AAPL', price: 232.8, source: 'fmp', stale: false });
    expect(afterProbe.headers.get('x-data-stale')).toBeNull();
    expect(afterProbe.extensions?.['stale']).toBeUndefined();
    expect(await metric(gateway, 'circuit_breaker_state', { provider: 'fmp' })).toBe(0);

    // An outage is an expected condition: warnings at most, never an error-level line.
    expect(errorLogs(gateway)).toEqual([]);
    expect(gateway.logs.some((entry) => entry['msg'] === 'circuit breaker of fmp is OPEN')).toBe(true);
  });
});
