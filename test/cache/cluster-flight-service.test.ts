import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProviderError, ProviderFailureKind, type Quote } from '../../src/domain/index.js';
import { MarketCache } from '../../src/market/cache.js';
import { ClusterFlight } from '../../src/market/cluster-flight.js';
import { connectLazily } from '../../src/market/redis-connection.js';
import { ProviderRegistry } from '../../src/market/registry.js';
import { MarketService } from '../../src/market/service.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';
import { SHARED_REDIS_URL as REDIS_URL, useSharedRedis } from '../support/shared-redis.js';

/**
 * Two market services, each with a cache and a cluster flight of its own on a real Redis
 * (127.0.0.1:6379, a prefix per test), stand for two gateway instances in front of one provider
 * that counts its calls. What one instance fetched, the other answers without a call.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FIXED_NOW = Date.parse('2026-03-04T15:00:00Z');

let prefix: string;
const flights: ClusterFlight[] = [];
useSharedRedis(() => prefix, flights);

/** The simulated market's quotes, 100 ms a call, every call recorded; `failing` turns it into an outage. */
function countingProvider() {
  const simulated = createSimulatedProvider({ seed: 7, tickMs: 1_000, now: () => FIXED_NOW });
  const state = { calls: [] as string[][], failing: false };
  const adapter: ProviderAdapter = {
    id: 'simulated',
    name: 'counting simulated market',
    quote: {
      batchSize: 50,
      async fetch(symbols, options) {
        state.calls.push([...symbols]);
        await sleep(100);
        if (state.failing) throw new ProviderError(ProviderFailureKind.UNAVAILABLE, 'simulated', 'simulated: HTTP 503');
        return simulated.quote?.fetch(symbols, options) ?? new Map();
      },
    },
  };
  return { adapter, state };
}

interface Instance {
  readonly service: MarketService;
  readonly coalesced: string[];
  readonly staleServed: string[];
  /** The instance's clock, for its cache. */
  now: number;
}

function instance(adapter: ProviderAdapter, reuseMs = 1_000): Instance {
  const self = { coalesced: [] as string[], staleServed: [] as string[], now: Date.now() } as Instance & { service: MarketService };
  const flight = new ClusterFlight({ redis: connectLazily(REDIS_URL), subscriber: connectLazily(REDIS_URL), ownsRedis: true, prefix, leaseMs: 5_000, reuseMs });
  flights.push(flight);
  const cache = new MarketCache({
    maxEntries: 1_000,
    ttlMs: { quote: 1_000, history: 60_000, profile: 60_000, statements: 60_000, search: 60_000, economicSeries: 60_000 },
    staleWindowMs: 3_600_000,
    now: () => self.now,
  });
  self.service = new MarketService({
    registry: new ProviderRegistry([adapter]),
    cache,
    clusterFlight: flight,
    onCoalesced: ({ scope, kind }) => self.coalesced.push(`${scope}:${kind}`),
    onStaleServed: ({ key }) => self.staleServed.push(key),
  });
  return self;
}

describe('market service across two instances sharing Redis', () => {
  it('sends each instance’s claimed symbols in one batch and takes the others’ from the instance fetching them', async () => {
    prefix = `mgtest:flight-service:${randomUUID()}`;
    const { adapter, state } = countingProvider();
    const [a, b] = [instance(adapter), instance(adapter)];
    const first = a.service.getQuotes(['AAPL', 'MSFT']);
    await sleep(30);
    const second = await b.service.getQuotes(['msft', 'NVDA', 'MSFT']);
    const [aapl, msftOfA] = (await first) as Quote[];
    expect(state.calls).toEqual([['AAPL', 'MSFT'], ['NVDA']]);
    const [msftOfB, nvda, msftAgain] = second as Quote[];
    expect(msftOfB).toEqual(msftOfA);
    expect(msftOfB?.timestamp).toBeInstanceOf(Date);
    expect(msftAgain).toEqual(msftOfA);
    expect([aapl?.symbol, nvda?.symbol]).toEqual(['AAPL', 'NVDA']);
    expect(b.coalesced).toEqual(['cluster:quote']);
    expect(a.coalesced).toEqual([]);
    // B keeps what it received: asking again costs no call and no trip to Redis's flight.
    await b.service.getQuotes(['MSFT']);
    expect(state.calls).toHaveLength(2);
  });

  it('in an outage asks the provider once, and each instance serves its own stale copy', async () => {
    prefix = `mgtest:flight-service:${randomUUID()}`;
    const { adapter, state } = countingProvider();
    // No reuse of a settled outcome: the second phase must not be answered by the first one's.
    const [a, b] = [instance(adapter, 0), instance(adapter, 0)];
    await a.service.getQuotes(['AAPL']);
    await b.service.getQuotes(['AAPL']);
    expect(state.calls).toHaveLength(2);
    // Both copies are now past their freshness (1 s), and the provider is down.
    a.now += 5_000;
    b.now += 5_000;
    state.failing = true;
    const [fromA, fromB] = await Promise.all([a.service.getQuotes(['AAPL']), sleep(30).then(() => b.service.getQuotes(['AAPL']))]);
    expect(state.calls).toHaveLength(3);
    expect(fromA[0]).toMatchObject({ symbol: 'AAPL', stale: true });
    expect(fromB[0]).toMatchObject({ symbol: 'AAPL', stale: true });
    expect([a.staleServed, b.staleServed]).toEqual([['AAPL'], ['AAPL']]);
  });

  it('coalesces a query (price history) the same way: one call, the same bars on both', async () => {
    prefix = `mgtest:flight-service:${randomUUID()}`;
    const simulated = createSimulatedProvider({ seed: 7, tickMs: 1_000, now: () => FIXED_NOW });
    let calls = 0;
    const adapter: ProviderAdapter = {
      id: 'simulated',
      name: 'counting simulated market',
      history: {
        async fetch(query, options) {
          calls += 1;
          await sleep(100);
          return (await simulated.history?.fetch(query, options)) ?? [];
        },
      },
    };
    const [a, b] = [instance(adapter), instance(adapter)];
    const query = { symbol: 'AAPL', from: '2026-02-02', to: '2026-02-27', interval: 'DAY' } as const;
    const [barsOfA, barsOfB] = await Promise.all([a.service.getHistory(query), sleep(20).then(() => b.service.getHistory(query))]);
    expect(calls).toBe(1);
    expect(barsOfA.length).toBeGreaterThan(10);
    expect(barsOfB).toEqual(barsOfA);
    expect(b.coalesced).toEqual(['cluster:history']);
  });
});
