import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorCode, MarketError, type Quote } from '../../src/domain/index.js';
import { MarketCache } from '../../src/market/cache/cache.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import { withResilience } from '../../src/market/routing/resilient-adapter.js';
import { MarketService } from '../../src/market/service.js';
import { wasServedStale } from '../../src/market/staleness.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';
import { createProviderPipeline } from '../../src/resilience/pipeline.js';
import { DEFAULT_RESILIENCE } from '../../src/resilience/settings.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

/**
 * The provider chain of the market service with real parts: FMP (through its resilience
 * pipeline, production settings) on a fake upstream, the simulated market behind it, a real cache.
 */

const QUOTE = { path: '/stable/quote' };
const HISTORY = { path: '/stable/historical-price-eod/full' };
const BUDGET_MS = 3_000;

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterEach(() => upstream.reset());
afterAll(async () => upstream.close());

/** `now` is the cache's clock: a test moves it past an entry's freshness instead of sleeping. */
function market(options: { withSimulated?: boolean; quoteTtlMs?: number; budgetMs?: number; now?: () => number } = {}) {
  const fmp = createFmpProvider({ baseUrl: upstream.url, keys: ['test-key-0001'], timeoutMs: 5_000, api: 'stable', batchQuotes: false });
  const adapters: ProviderAdapter[] = [withResilience(fmp, createProviderPipeline('fmp', DEFAULT_RESILIENCE))];
  if (options.withSimulated ?? true) adapters.push(createSimulatedProvider({ seed: 1, tickMs: 1_000 }));
  const ttl = options.quoteTtlMs ?? 60_000;
  const cache = new MarketCache({
    maxEntries: 1_000,
    ttlMs: { quote: ttl, history: ttl, profile: ttl, statements: ttl, search: ttl, economicSeries: ttl },
    staleWindowMs: 86_400_000,
    ...(options.now ? { now: options.now } : {}),
  });
  return new MarketService({ registry: new ProviderRegistry(adapters), cache, chainBudgetMs: options.budgetMs ?? BUDGET_MS });
}

/** How far the fake clock moves at a time while `onFakeClock` waits for its work. */
const STEP_MS = 10;

/**
 * Runs `work` with the budget's clock and timers (Date, setTimeout) faked, moving them STEP_MS at
 * a time until it settles; answers its result and the fake time it took. The budget then ends when
 * the fake clock says so, however slow the machine is; the sockets to the fake upstream are real.
 */
async function onFakeClock<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  try {
    const started = Date.now();
    let settled = false;
    const running = work().finally(() => (settled = true));
    while (!settled) await vi.advanceTimersByTimeAsync(STEP_MS);
    return { result: await running, ms: Date.now() - started };
  } finally {
    vi.useRealTimers();
  }
}

describe('fallback', () => {
  it('answers from the next provider when the first fails, and says so in the provenance', async () => {
    upstream.on(QUOTE, { status: 403, json: { 'Error Message': 'Invalid API KEY.' } });
    const [quote] = (await market().getQuotes(['AAPL'])) as Quote[];
    expect(quote).toMatchObject({ symbol: 'AAPL', source: 'simulated', fallbackFrom: ['fmp'] });
  });

  it('gives a primary that hangs only part of the budget, so the fallback answers within it', async () => {
    upstream.on(QUOTE, { fault: 'hang' });
    const { result, ms } = await onFakeClock(() => market().getQuotes(['AAPL']));
    expect(result[0]).toMatchObject({ source: 'simulated', fallbackFrom: ['fmp'] });
    // FMP was waited for its share of the budget (60 %), and not a step longer.
    expect(ms).toBeGreaterThanOrEqual(BUDGET_MS * 0.6);
    expect(ms).toBeLessThanOrEqual(BUDGET_MS * 0.6 + STEP_MS);
  });

  it('keeps the first provider when it answers: no fallback, no provenance note', async () => {
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });
    const [quote] = (await market().getQuotes(['AAPL'])) as Quote[];
    expect(quote?.source).toBe('fmp');
    expect(quote?.fallbackFrom).toBeUndefined();
  });

  it('does not fall back when the first provider says the symbol does not exist', async () => {
    upstream.on(QUOTE, { json: [] });
    const [answer] = await market().getQuotes(['AAPL']);
    expect(answer).toBeInstanceOf(MarketError);
    expect((answer as MarketError).code).toBe(ErrorCode.NOT_FOUND);
  });
});

describe('when every provider fails', () => {
  it('is a clear PROVIDER_UNAVAILABLE within the budget when nothing is cached', async () => {
    upstream.on(QUOTE, { fault: 'hang' });
    const { result, ms } = await onFakeClock(() => market({ withSimulated: false }).getQuotes(['AAPL']));
    expect(result[0]).toBeInstanceOf(MarketError);
    expect((result[0] as MarketError).code).toBe(ErrorCode.PROVIDER_UNAVAILABLE);
    // The last provider gets all that is left, and no more (FMP's own timeout is 5 s).
    expect(ms).toBeGreaterThanOrEqual(BUDGET_MS);
    expect(ms).toBeLessThanOrEqual(BUDGET_MS + STEP_MS);
  });

  it('is RATE_LIMITED with retryAfter when the provider is throttling', async () => {
    upstream.on(QUOTE, { status: 429, json: { 'Error Message': 'Limit Reach' }, headers: { 'retry-after': '42' } });
    const [answer] = await market({ withSimulated: false }).getQuotes(['AAPL']);
    expect(answer).toMatchObject({ code: ErrorCode.RATE_LIMITED, details: { retryAfter: 42 } });
  });

  it('serves the last cached quote, marked stale, once it is past its freshness', async () => {
    let now = Date.now();
    const service = market({ withSimulated: false, quoteTtlMs: 50, budgetMs: 300, now: () => now });
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') }, { times: 1 });
    const [fresh] = (await service.getQuotes(['AAPL'])) as Quote[];
    expect(fresh?.stale).toBe(false);
    now += 80;
    upstream.on(QUOTE, { status: 503, json: {} });
    const [stale] = (await service.getQuotes(['AAPL'])) as Quote[];
    expect(stale).toMatchObject({ symbol: 'AAPL', source: 'fmp', price: fresh?.price, stale: true });
    expect(wasServedStale(stale)).toBe(true);
  });

  it('marks a stale list as served stale, though a list has no field to say it', async () => {
    let now = Date.now();
    const service = market({ withSimulated: false, quoteTtlMs: 50, budgetMs: 300, now: () => now });
    const query = { symbol: 'AAPL', from: '2025-01-02', to: '2025-01-10', interval: 'DAY' as const };
    upstream.on(HISTORY, { json: fixture('fmp/stable/historical-eod-aapl.json') }, { times: 1 });
    const fresh = await service.getHistory(query);
    expect(wasServedStale(fresh)).toBe(false);
    now += 80;
    upstream.on(HISTORY, { fault: 'html', status: 502 });
    const stale = await service.getHistory(query);
    expect(stale).toEqual(fresh);
    expect(wasServedStale(stale)).toBe(true);
  });
});
