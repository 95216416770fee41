import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderError, ProviderFailureKind, type Quote } from '../../src/domain/index.js';
import { MarketCache } from '../../src/market/cache/cache.js';
import type { KeyStatusSource } from '../../src/market/routing/key-status.js';
import { ProviderHealth } from '../../src/market/routing/provider-health.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import { withResilience } from '../../src/market/routing/resilient-adapter.js';
import { MarketService } from '../../src/market/service.js';
import { MIN_SAMPLES, routeChain, type RoutingSources } from '../../src/market/routing/router.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { createPolygonProvider } from '../../src/providers/polygon/index.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';
import { createProviderPipeline, type ProviderPipeline } from '../../src/resilience/pipeline.js';
import { QuotaKeyPool } from '../../src/resilience/quota.js';
import type { QuotaLimit } from '../../src/resilience/quota-limits.js';
import type { ResilienceSettings } from '../../src/resilience/settings.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

/**
 * Routing of the provider chain with real parts: FMP and Polygon adapters on a fake upstream,
 * each through its own resilience pipeline and in-memory key pool, the simulated market last,
 * the registry's health trackers on a clock the test moves, and the market service on top.
 */

const FMP_QUOTE = { path: '/stable/quote' };
const POLYGON_SNAPSHOT = { path: '/v2/snapshot/locale/us/markets/stocks/tickers' };
const OPEN_MS = 150;

/** No retries (one attempt per call), a breaker that opens after `threshold` failures in a row. */
function settings(threshold = 3, halfOpenAfterMs = 60_000): ResilienceSettings {
  return {
    timeoutMs: 2_000,
    retry: { maxRetries: 0, initialDelayMs: 5, maxDelayMs: 20 },
    breaker: { kind: 'consecutive', threshold, halfOpenAfterMs },
    bulkhead: { maxConcurrent: 10, maxQueued: 100 },
  };
}

/** A clock the test moves by hand (the health windows'). */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterEach(() => upstream.reset());
afterAll(async () => upstream.close());

interface Options {
  readonly fmp?: ResilienceSettings;
  readonly polygon?: ResilienceSettings;
  readonly fmpQuota?: readonly QuotaLimit[];
  readonly withSimulated?: boolean;
}

function gateway(options: Options = {}) {
  const time = clock();
  const fmpPool = new QuotaKeyPool({ provider: 'fmp', keys: ['fmp-key-0001'], limits: options.fmpQuota ?? [] });
  const polygonPool = new QuotaKeyPool({ provider: 'polygon', keys: ['polygon-key-0002'], limits: [] });
  const fmpPipeline = createProviderPipeline('fmp', options.fmp ?? settings());
  const polygonPipeline = createProviderPipeline('polygon', options.polygon ?? settings());
  const fmp = createFmpProvider({ baseUrl: upstream.url, keys: ['fmp-key-0001'], timeoutMs: 2_000, api: 'stable', batchQuotes: false, keySource: fmpPool });
  const polygon = createPolygonProvider({ baseUrl: upstream.url, keys: ['polygon-key-0002'], timeoutMs: 2_000, keySource: polygonPool });
  const adapters = [withResilience(fmp, fmpPipeline), withResilience(polygon, polygonPipeline)];
  if (options.withSimulated ?? true) adapters.push(createSimulatedProvider({ seed: 1, tickMs: 1_000 }));
  const registry = new ProviderRegistry(
    adapters,
    new Map([
      ['fmp', fmpPipeline],
      ['polygon', polygonPipeline],
    ]),
    { now: time.now, keyStatus: new Map<'fmp' | 'polygon', KeyStatusSource>([['fmp', fmpPool], ['polygon', polygonPool]]) },
  );
  const ttl = 0;
  const cache = new MarketCache({
    maxEntries: 100,
    ttlMs: { quote: ttl, history: ttl, profile: ttl, statements: ttl, search: ttl, economicSeries: ttl },
    staleWindowMs: 0,
  });
  const market = new MarketService({ registry, cache, onProviderCall: (call) => registry.recordCall(call) });
  const order = () => registry.chain('quote').map((adapter) => adapter.id);
  const quote = async () => (await market.getQuotes(['AAPL']))[0] as Quote;
  return { registry, market, order, quote, time, fmpPool, fmpPipeline, polygonPipeline };
}

const fmpUp = () => upstream.on(FMP_QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });
const fmpDown = () => upstream.on(FMP_QUOTE, { status: 503, json: { 'Error Message': 'Service Unavailable' } });
const polygonUp = () => upstream.on(POLYGON_SNAPSHOT, { json: fixture('polygon/snapshot-tickers.json') });

/** `calls` calls straight through a pipeline (so its breaker and its health tracker see them), those `failing` picks failing. */
async function drive(pipeline: ProviderPipeline, calls: number, failing: (call: number) => boolean): Promise<void> {
  for (let call = 0; call < calls; call++) {
    await pipeline
      .run(async () => {
        if (failing(call)) throw new ProviderError(ProviderFailureKind.UNAVAILABLE, 'test', 'down');
        return 'ok';
      })
      .catch(() => undefined);
  }
}

describe('routing with every provider healthy', () => {
  it('keeps the configured priority, however much traffic each has seen', async () => {
    const { order, quote, fmpPipeline, polygonPipeline } = gateway();
    expect(order()).toEqual(['fmp', 'polygon', 'simulated']);
    await drive(fmpPipeline, MIN_SAMPLES * 2, () => false);
    await drive(polygonPipeline, MIN_SAMPLES * 2, () => false);
    expect(order()).toEqual(['fmp', 'polygon', 'simulated']);
    fmpUp();
    expect(await quote()).toMatchObject({ source: 'fmp' });
  });
});

describe('routing around an open breaker', () => {
  // The breakers' clock is Date.now() (cockatiel's, and so probeDueAt's): faked, so an open period
  // ends when the test moves the clock, and not while a slow machine is still checking the order.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('moves a provider whose breaker opened to the end, and asks it first again once the breaker is closed', async () => {
    const { registry, order, quote } = gateway();
    fmpDown();
    polygonUp();
    for (let failure = 0; failure < 3; failure++) expect(await quote()).toMatchObject({ source: 'polygon', fallbackFrom: ['fmp'] });
    expect(registry.pipeline('fmp')?.breakerState()).toBe('OPEN');
    expect(order()).toEqual(['polygon', 'simulated', 'fmp']);

    // Straight to Polygon: FMP is not even asked (not even to fail in microseconds).
    const fmpAsked = upstream.count(FMP_QUOTE);
    const answer = await quote();
    expect(answer.source).toBe('polygon');
    expect(answer.fallbackFrom).toBeUndefined();
    expect(upstream.count(FMP_QUOTE)).toBe(fmpAsked);

    await registry.resetBreaker('fmp');
    expect(order()).toEqual(['fmp', 'polygon', 'simulated']);
    fmpUp();
    expect(await quote()).toMatchObject({ source: 'fmp' });
  });

  it('asks a provider whose probe is due at its configured place, and keeps it there once the probe closed the breaker', async () => {
    // Enough failures in the window to demote FMP, were they still counted after the probe.
    const threshold = MIN_SAMPLES + 5;
    const { registry, order, quote, fmpPipeline } = gateway({ fmp: settings(threshold, OPEN_MS) });
    await drive(fmpPipeline, threshold, () => true);
    expect(fmpPipeline.breakerState()).toBe('OPEN');
    expect(order()).toEqual(['polygon', 'simulated', 'fmp']);

    vi.setSystemTime(Date.now() + OPEN_MS);
    // cockatiel still says OPEN, but the next call is the probe: FMP is asked first.
    expect(fmpPipeline.breakerState()).toBe('OPEN');
    expect(order()).toEqual(['fmp', 'polygon', 'simulated']);
    fmpUp();
    const fmpAsked = upstream.count(FMP_QUOTE);
    const answer = await quote();
    expect(answer).toMatchObject({ source: 'fmp' });
    expect(upstream.count(FMP_QUOTE)).toBe(fmpAsked + 1);
    expect(fmpPipeline.breakerState()).toBe('CLOSED');

    // The window still holds the failures that opened the breaker, but the probe wiped the slate.
    expect((await registry.status()).find((status) => status.id === 'fmp')?.window.calls).toBe(threshold + 1);
    expect(order()).toEqual(['fmp', 'polygon', 'simulated']);
  });

  it('when every provider is open, puts the one due for its probe first', async () => {
    const { order, fmpPipeline, polygonPipeline } = gateway({ polygon: settings(3, OPEN_MS), withSimulated: false });
    await drive(fmpPipeline, 3, () => true);
    await drive(polygonPipeline, 3, () => true);
    expect(order()).toEqual(['fmp', 'polygon']);
    vi.setSystemTime(Date.now() + OPEN_MS);
    expect(order()).toEqual(['polygon', 'fmp']);
  });
});

describe('routing around spent keys', () => {
  it('skips a provider whose every key is at its quota, and keeps it when it is the only one', async () => {
    const { order, quote, fmpPool } = gateway({ fmpQuota: [{ points: 2, per: 'minute' }] });
    fmpUp();
    polygonUp();
    expect(fmpPool.usableNow()).toBe(true);
    expect(await quote()).toMatchObject({ source: 'fmp' });
    expect(await quote()).toMatchObject({ source: 'fmp' });
    expect(fmpPool.usableNow()).toBe(false);
    expect(order()).toEqual(['polygon', 'simulated']);
    const fmpAsked = upstream.count(FMP_QUOTE);
    const answer = await quote();
    expect(answer.source).toBe('polygon');
    expect(answer.fallbackFrom).toBeUndefined();
    expect(upstream.count(FMP_QUOTE)).toBe(fmpAsked);
  });

  it('skips a provider whose key is resting after a 429, and one whose key was refused as bad', async () => {
    const { order, quote, fmpPool } = gateway();
    upstream.on(FMP_QUOTE, { status: 429, headers: { 'retry-after': '30' }, json: fixture('fmp/errors/limit-reach.json') });
    polygonUp();
    expect(await quote()).toMatchObject({ source: 'polygon', fallbackFrom: ['fmp'] });
    expect(order()).toEqual(['polygon', 'simulated']);

    const bad = new QuotaKeyPool({ provider: 'fmp', keys: ['fmp-key-0001'], limits: [] });
    bad.report('fmp-key-0001', new ProviderError(ProviderFailureKind.UNAUTHORIZED, 'fmp', 'Invalid API KEY.', { scope: 'key' }));
    expect(bad.usableNow()).toBe(false);
    expect(fmpPool.usableNow()).toBe(false);
  });

  it('keeps providers whose keys are spent when no other is left, so the client hears when to come back', () => {
    const spent = { usableNow: () => false };
    const chain = routeChain([{ id: 'fmp' }, { id: 'polygon' }], () => ({ keys: spent }));
    expect(chain.map((provider) => provider.id)).toEqual(['fmp', 'polygon']);
  });
});

describe('routing by health', () => {
  it('demotes a provider failing half its calls, over enough samples, below a healthy one', async () => {
    // A breaker that never opens on its own: only the health score can move FMP.
    const { order, quote, time, fmpPipeline } = gateway({ fmp: settings(1_000) });
    await drive(fmpPipeline, MIN_SAMPLES, (call) => call % 2 === 0);
    expect(order()).toEqual(['polygon', 'simulated', 'fmp']);
    fmpUp();
    polygonUp();
    expect(await quote()).toMatchObject({ source: 'polygon' });

    // Five minutes without a call to FMP: the window forgets, FMP has its place back.
    time.advance(5 * 60_000);
    expect(order()).toEqual(['fmp', 'polygon', 'simulated']);
  });

  it('does not judge a provider on fewer than MIN_SAMPLES calls, even all failed', async () => {
    const { order, fmpPipeline } = gateway({ fmp: settings(1_000) });
    await drive(fmpPipeline, MIN_SAMPLES - 1, () => true);
    expect(order()).toEqual(['fmp', 'polygon', 'simulated']);
    await drive(fmpPipeline, 1, () => true);
    expect(order()).toEqual(['polygon', 'simulated', 'fmp']);
  });

  it('orders the demoted by score, and keeps a provider that fails one call in ten', async () => {
    const { order, fmpPipeline, polygonPipeline } = gateway({ fmp: settings(1_000), polygon: settings(1_000) });
    await drive(fmpPipeline, MIN_SAMPLES, (call) => call % 10 === 0);
    expect(order()).toEqual(['fmp', 'polygon', 'simulated']);
    await drive(fmpPipeline, MIN_SAMPLES, () => true); // FMP: 18 answers in 40, 0.45
    await drive(polygonPipeline, MIN_SAMPLES, (call) => call % 2 === 0); // Polygon: 10 in 20, 0.5
    expect(order()).toEqual(['simulated', 'polygon', 'fmp']);
  });
});

describe('the latency part of the score', () => {
  /** Health trackers filled with `MIN_SAMPLES` answers of `ms` each. */
  function answering(time: ReturnType<typeof clock>, ms: number): ProviderHealth {
    const health = new ProviderHealth({ now: time.now });
    for (let call = 0; call < MIN_SAMPLES; call++) health.recordCall(ms);
    return health;
  }

  function route(p95s: Record<string, number>): string[] {
    const time = clock();
    const trackers = new Map(Object.entries(p95s).map(([id, ms]) => [id, answering(time, ms)]));
    const sources = (id: string): RoutingSources => ({ health: trackers.get(id) });
    return routeChain(Object.keys(p95s).map((id) => ({ id })), sources).map((provider) => provider.id);
  }

  it('leaves a slower provider in its place while it is within a second, or four times, of the fastest', () => {
    expect(route({ alphavantage: 900, fmp: 80 })).toEqual(['alphavantage', 'fmp']);
    expect(route({ alphavantage: 1_500, fmp: 400 })).toEqual(['alphavantage', 'fmp']);
  });

  it('demotes a provider answering every call but far slower than the alternatives', () => {
    expect(route({ alphavantage: 2_400, fmp: 120, polygon: 300 })).toEqual(['fmp', 'polygon', 'alphavantage']);
  });
});
