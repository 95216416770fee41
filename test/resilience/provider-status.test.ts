import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, MarketError } from '../../src/domain/index.js';
import { MarketCache } from '../../src/market/cache/cache.js';
import type { KeyStatusSource } from '../../src/market/routing/key-status.js';
import { ProviderRegistry, type ProviderRegistryOptions } from '../../src/market/routing/registry.js';
import { withResilience } from '../../src/market/routing/resilient-adapter.js';
import { MarketService } from '../../src/market/service.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';
import { observePipeline } from '../../src/resilience/observe.js';
import { createProviderPipeline, type BreakerState } from '../../src/resilience/pipeline.js';
import type { ResilienceSettings } from '../../src/resilience/settings.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

/**
 * Provider status from the registry, with real parts: FMP through its pipeline on a fake upstream,
 * the simulated market beside it, the market service reporting its calls as the composition root wires it.
 */

const QUOTE = { path: '/stable/quote' };
const FAST: ResilienceSettings = {
  timeoutMs: 1_000,
  retry: { maxRetries: 0, initialDelayMs: 5, maxDelayMs: 20 },
  breaker: { kind: 'consecutive', threshold: 3, halfOpenAfterMs: 60_000 },
  bulkhead: { maxConcurrent: 4, maxQueued: 10 },
};

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterEach(() => upstream.reset());
afterAll(async () => upstream.close());

function gateway(settings: ResilienceSettings = FAST, options: ProviderRegistryOptions = {}) {
  const fmp = createFmpProvider({ baseUrl: upstream.url, keys: ['test-key-0001'], timeoutMs: 2_000, api: 'stable', batchQuotes: false });
  const pipeline = createProviderPipeline('fmp', settings);
  const breakerEvents: BreakerState[] = [];
  observePipeline('fmp', pipeline, { breakerChanged: (_provider, state) => breakerEvents.push(state), callFailed: () => undefined, retried: () => undefined });
  const resets: unknown[] = [];
  const registry = new ProviderRegistry([withResilience(fmp, pipeline), createSimulatedProvider({ seed: 1, tickMs: 1_000 })], new Map([['fmp', pipeline]]), {
    onBreakerReset: (event) => resets.push(event),
    ...options,
  });
  const ttl = 0;
  const cache = new MarketCache({
    maxEntries: 100,
    ttlMs: { quote: ttl, history: ttl, profile: ttl, statements: ttl, search: ttl, economicSeries: ttl },
    staleWindowMs: 0,
  });
  const market = new MarketService({ registry, cache, onProviderCall: (call) => registry.recordCall(call) });
  const statusOf = async (id: string) => (await registry.status()).find((status) => status.id === id);
  return { registry, market, pipeline, breakerEvents, resets, statusOf };
}

const quoteOk = () => upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });
const quoteDown = () => upstream.on(QUOTE, { status: 503, json: { 'Error Message': 'down' } });

describe('provider status', () => {
  it('counts each attempt that reached FMP once, retries included, and service calls only for the simulated market', async () => {
    const { market, statusOf } = gateway({ ...FAST, retry: { ...FAST.retry, maxRetries: 2 } });
    quoteOk();
    upstream.on(QUOTE, { status: 503, json: {} }, { times: 1 });
    await market.getQuotes(['AAPL']);
    expect(upstream.count(QUOTE)).toBe(2);
    const fmp = await statusOf('fmp');
    expect(fmp).toMatchObject({
      id: 'fmp',
      enabled: true,
      breaker: { state: 'CLOSED', since: null, lastErrorKind: 'UNAVAILABLE' },
      window: { calls: 2, successRate: 0.5 },
      calls: 2,
      errors: 1,
      keys: [],
      deadLetters: 0,
    });
    expect(fmp?.window.p50Ms).toBeGreaterThan(0);
    // Nothing reached the simulated market: FMP answered.
    expect(await statusOf('simulated')).toMatchObject({ calls: 0, window: { calls: 0, successRate: null, p50Ms: null } });
  });

  it('reports the simulated market from the calls the service made to it', async () => {
    const { market, statusOf } = gateway();
    quoteDown();
    await market.getQuotes(['AAPL']);
    const simulated = await statusOf('simulated');
    expect(simulated).toMatchObject({ breaker: { state: 'CLOSED', since: null, lastErrorKind: null }, window: { calls: 1, successRate: 1 }, calls: 1, errors: 0 });
    expect(simulated?.window.p95Ms).toBeGreaterThanOrEqual(0);
  });

  it('shows the breaker open since it opened, and counts no call it refused', async () => {
    const { market, statusOf } = gateway();
    quoteDown();
    const before = new Date();
    for (let call = 0; call < 4; call++) await market.getQuotes([`AAPL`]);
    expect(upstream.count(QUOTE)).toBe(3);
    const fmp = await statusOf('fmp');
    expect(fmp).toMatchObject({ breaker: { state: 'OPEN', lastErrorKind: 'UNAVAILABLE' }, window: { calls: 3, successRate: 0, p50Ms: null }, calls: 3, errors: 3 });
    expect(fmp?.breaker.since?.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });
});

describe('resetBreaker', () => {
  it('closes an open breaker through its state-change event, tells who asked, and lets calls through again', async () => {
    const { market, registry, breakerEvents, resets, statusOf } = gateway();
    quoteDown();
    for (let call = 0; call < 3; call++) await market.getQuotes(['AAPL']);
    const opened = (await statusOf('fmp'))?.breaker.since;

    const status = await registry.resetBreaker('fmp');
    expect(status.breaker.state).toBe('CLOSED');
    expect(status.breaker.since?.getTime()).toBeGreaterThanOrEqual(opened?.getTime() ?? Infinity);
    // Isolate-and-release: the gauge's last word is CLOSED (0).
    expect(breakerEvents.at(-1)).toBe('CLOSED');
    expect(resets).toEqual([{ provider: 'fmp', previous: 'OPEN' }]);

    upstream.reset();
    quoteOk();
    const [quote] = await market.getQuotes(['AAPL']);
    expect(quote).toMatchObject({ source: 'fmp' });
    expect(upstream.count(QUOTE)).toBe(1);
  });

  it('keeps the failure count: a provider still failing opens the breaker again at its next counted failure', async () => {
    const { market, registry, pipeline } = gateway();
    quoteDown();
    for (let call = 0; call < 3; call++) await market.getQuotes(['AAPL']);
    await registry.resetBreaker('fmp');
    await market.getQuotes(['AAPL']);
    expect(pipeline.breakerState()).toBe('OPEN');
  });

  it('does nothing to a closed breaker: no state change, no since', async () => {
    const { registry, breakerEvents, resets } = gateway();
    const status = await registry.resetBreaker('fmp');
    expect(status.breaker).toEqual({ state: 'CLOSED', since: null, lastErrorKind: null });
    expect(breakerEvents).toEqual([]);
    expect(resets).toEqual([{ provider: 'fmp', previous: 'CLOSED' }]);
  });

  it('answers the simulated market unchanged, and refuses a provider the gateway does not run', async () => {
    const { registry, resets, statusOf } = gateway();
    expect(await registry.resetBreaker('simulated')).toEqual(await statusOf('simulated'));
    expect(resets).toEqual([{ provider: 'simulated', previous: null }]);

    const refusal = await registry.resetBreaker('polygon').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(MarketError);
    expect(refusal).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, details: { provider: 'polygon', enabled: ['fmp', 'simulated'] } });
  });
});

describe('keys', () => {
  it('shows what the key pool says, each key masked to its last 4 characters at most', async () => {
    const pool: KeyStatusSource = {
      snapshot: async () => [
        { key: 'real-secret-key-9876', state: 'ACTIVE', remaining: { second: 5, minute: 250, day: 9_000 } },
        { key: '…0002', state: 'RESTING', remaining: { minute: 0 } },
        { key: 'abc', state: 'RETIRED', remaining: null },
      ],
    };
    const { statusOf } = gateway(FAST, { keyStatus: new Map([['fmp', pool]]) });
    expect((await statusOf('fmp'))?.keys).toEqual([
      { key: '…9876', state: 'ACTIVE', remainingPerMinute: 250, remainingPerDay: 9_000 },
      { key: '…0002', state: 'RESTING', remainingPerMinute: 0, remainingPerDay: null },
      { key: '****', state: 'RETIRED', remainingPerMinute: null, remainingPerDay: null },
    ]);
    expect((await statusOf('simulated'))?.keys).toEqual([]);
  });
});
