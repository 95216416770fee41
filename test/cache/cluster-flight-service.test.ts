import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { CHANNELS, type CommandReplyEvent } from '@redis/client';
import { describe, expect, it } from 'vitest';
import { ProviderError, ProviderFailureKind, type Quote } from '../../src/domain/index.js';
import { MarketCache } from '../../src/market/cache/cache.js';
import { ClusterFlight } from '../../src/market/coalescing/cluster-flight.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import { MarketService } from '../../src/market/service.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';
import type { RedisLink } from '../../src/stores/redis-link.js';
import { openLink, useSharedRedis, type Closable } from '../support/shared-redis.js';

/**
 * Two market services, each with a cache and a cluster flight of its own on a real Redis
 * (127.0.0.1:6379, a prefix per test), stand for two gateway instances in front of one provider
 * that counts its calls. What one instance fetched, the other answers without a call.
 *
 * B must ask while A's call is still running. Rather than give A's call a latency and hope B's
 * claim lands within it, a test holds A's call until B's claim has been answered by Redis (seen
 * on B's own connection), then lets it answer.
 */

const FIXED_NOW = Date.parse('2026-03-04T15:00:00Z');

let prefix: string;
const opened: Closable[] = [];
useSharedRedis(() => prefix, opened);

/** A provider's answers held until the test lets them go (open unless a test holds it). */
function heldCalls() {
  let gate: Promise<void> = Promise.resolve();
  return {
    wait: () => gate,
    /** Holds every call from now on; answers the function that lets them all go. */
    hold(): () => void {
      let release: () => void = () => undefined;
      gate = new Promise<void>((resolve) => (release = resolve));
      return release;
    },
  };
}

/**
 * Records the commands Redis has answered on a link's command connection, by the keys they named:
 * a command naming both a key's lock and its kept result is a claim of it (or the holder's settle,
 * after its work). node-redis publishes every answered command on a diagnostics channel, with the
 * id of the client that sent it; `stop` ends the recording.
 */
function answeredCommands(link: RedisLink): { readonly answered: string[][]; stop(): void } {
  const answered: string[][] = [];
  const client = link.commands._clientId;
  const record = (message: unknown): void => {
    const reply = message as CommandReplyEvent;
    if (reply.clientId === client) answered.push(reply.args.map(String));
  };
  subscribe(CHANNELS.COMMAND_REPLY, record);
  return { answered, stop: () => unsubscribe(CHANNELS.COMMAND_REPLY, record) };
}

/** The simulated market's quotes, every call recorded; `failing` turns it into an outage, `held` holds its answers. */
function countingProvider() {
  const simulated = createSimulatedProvider({ seed: 7, tickMs: 1_000, now: () => FIXED_NOW });
  const held = heldCalls();
  const state = { calls: [] as string[][], failing: false, hold: held.hold };
  const adapter: ProviderAdapter = {
    id: 'simulated',
    name: 'counting simulated market',
    quote: {
      batchSize: 50,
      async fetch(symbols, options) {
        state.calls.push([...symbols]);
        await held.wait();
        if (state.failing) throw new ProviderError(ProviderFailureKind.UNAVAILABLE, 'simulated', 'simulated: HTTP 503');
        return simulated.quote?.fetch(symbols, options) ?? new Map();
      },
    },
  };
  return { adapter, state };
}

interface Instance {
  readonly service: MarketService;
  /** How many of this instance's claims of a key Redis has answered. */
  claims(scope: string, key: string): number;
  readonly coalesced: string[];
  readonly staleServed: string[];
  /** The instance's clock, for its cache. */
  now: number;
}

function instance(adapter: ProviderAdapter, reuseMs = 1_000): Instance {
  const self = { coalesced: [] as string[], staleServed: [] as string[], now: Date.now() } as Instance & { service: MarketService };
  // A link of its own, as the stores stage makes it, as createClusterFlight uses it: the flight's
  // own (lag-proof) 500 ms deadline bounds each command, and the flight raises the connection's
  // timeout to a 5 s backstop. A plain 500 ms client timeout fires on a busy event loop, and the
  // waiter would fetch alone.
  const link = openLink();
  const recording = answeredCommands(link);
  self.claims = (scope, key) => {
    const [lock, result] = [`${prefix}:lock:${scope}:${key}`, `${prefix}:result:${scope}:${key}`];
    return recording.answered.filter((args) => args.includes(lock) && args.includes(result)).length;
  };
  const flight = new ClusterFlight({ redis: link, prefix, leaseMs: 5_000, reuseMs });
  // As the stores stage closes them: the flight (it leaves its channel), then its link.
  opened.push({
    async close() {
      recording.stop();
      await flight.close();
      link.close();
    },
  });
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
    const release = state.hold();
    const first = a.service.getQuotes(['AAPL', 'MSFT']);
    await expect.poll(() => state.calls.length, { timeout: 5_000, interval: 5 }).toBe(1);
    const asking = b.service.getQuotes(['msft', 'NVDA', 'MSFT']);
    // B's claim is answered: B waits for MSFT (and fetches NVDA, held too); A may answer now.
    await expect.poll(() => b.claims('quote', 'MSFT'), { timeout: 5_000, interval: 5 }).toBe(1);
    release();
    const second = await asking;
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
    const release = state.hold();
    const answering = a.service.getQuotes(['AAPL']);
    await expect.poll(() => state.calls.length, { timeout: 5_000, interval: 5 }).toBe(3);
    const claimedBefore = b.claims('quote', 'AAPL');
    const asking = b.service.getQuotes(['AAPL']);
    // B's claim is answered: B waits for A's call, which may fail now.
    await expect.poll(() => b.claims('quote', 'AAPL'), { timeout: 5_000, interval: 5 }).toBe(claimedBefore + 1);
    release();
    const [fromA, fromB] = await Promise.all([answering, asking]);
    expect(state.calls).toHaveLength(3);
    expect(fromA[0]).toMatchObject({ symbol: 'AAPL', stale: true });
    expect(fromB[0]).toMatchObject({ symbol: 'AAPL', stale: true });
    expect([a.staleServed, b.staleServed]).toEqual([['AAPL'], ['AAPL']]);
  });

  it('coalesces a query (price history) the same way: one call, the same bars on both', async () => {
    prefix = `mgtest:flight-service:${randomUUID()}`;
    const simulated = createSimulatedProvider({ seed: 7, tickMs: 1_000, now: () => FIXED_NOW });
    const held = heldCalls();
    let calls = 0;
    const adapter: ProviderAdapter = {
      id: 'simulated',
      name: 'counting simulated market',
      history: {
        async fetch(query, options) {
          calls += 1;
          await held.wait();
          return (await simulated.history?.fetch(query, options)) ?? [];
        },
      },
    };
    const [a, b] = [instance(adapter), instance(adapter)];
    const query = { symbol: 'AAPL', from: '2026-02-02', to: '2026-02-27', interval: 'DAY' } as const;
    const release = held.hold();
    const answering = a.service.getHistory(query);
    await expect.poll(() => calls, { timeout: 5_000, interval: 5 }).toBe(1);
    const asking = b.service.getHistory(query);
    await expect.poll(() => b.claims('history', 'AAPL:2026-02-02:2026-02-27:DAY'), { timeout: 5_000, interval: 5 }).toBe(1);
    release();
    const [barsOfA, barsOfB] = await Promise.all([answering, asking]);
    expect(calls).toBe(1);
    expect(barsOfA.length).toBeGreaterThan(10);
    expect(barsOfB).toEqual(barsOfA);
    expect(b.coalesced).toEqual(['cluster:history']);
  });
});
