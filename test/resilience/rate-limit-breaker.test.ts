import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, MarketError } from '../../src/domain/index.js';
import { MarketCache } from '../../src/market/cache/cache.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import { withResilience } from '../../src/market/routing/resilient-adapter.js';
import { MarketService } from '../../src/market/service.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { createProviderPipeline } from '../../src/resilience/pipeline.js';
import type { ResilienceSettings } from '../../src/resilience/settings.js';
import { fixture, startFakeUpstream, type FakeUpstream, type Reply } from '../support/fake-upstream.js';

/**
 * A run of 429s from the CDN in front of FMP, as HTML pages, must leave FMP's breaker closed: a
 * rate limit rests a key, it says nothing about the provider's health, and an open breaker would
 * shut FMP for every key and every caller. Real parts: FMP's adapter on a fake upstream, its
 * pipeline, the registry and the market service, no fallback provider.
 */

const QUOTE = { path: '/stable/quote' };
const THRESHOLD = 3;
const RUN = 4 * THRESHOLD;
const SETTINGS: ResilienceSettings = {
  timeoutMs: 1_000,
  retry: { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 20 },
  // Once open, it stays open for the rest of the test: a call it refuses never reaches the upstream.
  breaker: { kind: 'consecutive', threshold: THRESHOLD, halfOpenAfterMs: 60_000 },
  bulkhead: { maxConcurrent: 4, maxQueued: 10 },
};

const CDN_429_PAGE = '<!DOCTYPE html><html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1></body></html>';
const htmlTooMany: Reply = { status: 429, text: CDN_429_PAGE, headers: { 'content-type': 'text/html', 'retry-after': '7' } };

let upstream: FakeUpstream;
const adapters: ProviderAdapter[] = [];
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterEach(async () => {
  await Promise.all(adapters.splice(0).map((adapter) => adapter.close?.()));
  upstream.reset();
});
afterAll(async () => upstream.close());

function fmpAlone() {
  const fmp = createFmpProvider({ baseUrl: upstream.url, keys: ['test-key-0001'], timeoutMs: 2_000, api: 'stable', batchQuotes: false });
  adapters.push(fmp);
  const pipeline = createProviderPipeline('fmp', SETTINGS);
  const registry = new ProviderRegistry([withResilience(fmp, pipeline)], new Map([['fmp', pipeline]]));
  const ttl = 0;
  const cache = new MarketCache({
    maxEntries: 100,
    ttlMs: { quote: ttl, history: ttl, profile: ttl, statements: ttl, search: ttl, economicSeries: ttl },
    staleWindowMs: 0,
  });
  const market = new MarketService({ registry, cache });
  const statusOfFmp = async () => (await registry.status()).find((status) => status.id === 'fmp');
  return { market, statusOfFmp };
}

describe('a run of HTML 429 pages', () => {
  it('is answered RATE_LIMITED each time, never opens the breaker, and FMP answers as soon as it recovers', async () => {
    const { market, statusOfFmp } = fmpAlone();
    upstream.on(QUOTE, htmlTooMany);
    const answers: unknown[] = [];
    for (let call = 0; call < RUN; call++) answers.push((await market.getQuotes(['AAPL']))[0]);
    expect(await statusOfFmp()).toMatchObject({ breaker: { state: 'CLOSED', since: null, lastErrorKind: 'RATE_LIMITED' } });
    // Each query reached FMP once: a rate limit is neither retried nor refused by an open breaker.
    expect(upstream.count(QUOTE)).toBe(RUN);
    for (const answer of answers) {
      expect(answer).toBeInstanceOf(MarketError);
      expect(answer).toMatchObject({ code: ErrorCode.RATE_LIMITED, details: { retryAfter: 7 } });
    }

    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });
    const [quote] = await market.getQuotes(['AAPL']);
    expect(quote).toMatchObject({ symbol: 'AAPL', price: 232.8, source: 'fmp' });
    expect(upstream.count(QUOTE)).toBe(RUN + 1);
    expect((await statusOfFmp())?.breaker.state).toBe('CLOSED');
  });

  it('unlike a run of HTML 503 pages, which opens it at the threshold (the same set-up can open it)', async () => {
    const { market, statusOfFmp } = fmpAlone();
    upstream.on(QUOTE, { status: 503, fault: 'html' });
    for (let call = 0; call < THRESHOLD; call++) await market.getQuotes(['AAPL']);
    expect((await statusOfFmp())?.breaker.state).toBe('OPEN');

    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });
    const before = upstream.count(QUOTE);
    const [refused] = await market.getQuotes(['AAPL']);
    expect(refused).toMatchObject({ code: ErrorCode.PROVIDER_UNAVAILABLE });
    expect(upstream.count(QUOTE)).toBe(before);
  });
});
