import type { Caller, MarketError, ProviderFailureKind, ProviderId } from '../domain/index.js';
import type { RefreshRequest } from '../resilience/dead-letters.js';
import type { CacheKind, MarketCache } from './cache/cache.js';
import type { ClusterFlight } from './coalescing/cluster-flight.js';
import type { QueryKind, QueryOf, ValueOf } from './kinds.js';
import type { ProviderRegistry } from './routing/registry.js';

/**
 * Where the refresh of a key no provider could answer goes (the dead-letter queue fits): one
 * per key while one is queued, retried, then parked for an operator to replay.
 */
export interface RefreshScheduler {
  schedule(request: RefreshRequest): unknown;
  /** Replays the parked refreshes of these providers; answers how many. */
  replay(providers: readonly string[]): Promise<number>;
}

/** The work of one background refresh, as a dead-letter job carries it. */
export interface RefreshWork {
  readonly capability: string;
  readonly key: string;
  readonly query: unknown;
}

/** What a provider call made by the service reports, for metrics and audit. */
export interface ProviderCallEvent {
  /** Who the call was made for; absent for the gateway's own work (see `Caller`). */
  readonly caller?: Caller | undefined;
  readonly provider: string;
  readonly capability: string;
  readonly items: number;
  readonly durationMs: number;
  readonly outcome: 'ok' | ProviderFailureKind | 'ERROR';
}

/** A value a provider answered, as the chain remembers it, typed by its kind; the query too, for a query kind. */
export type ProviderAnswer = {
  [K in CacheKind]: {
    readonly kind: K;
    readonly key: string;
    readonly query: K extends QueryKind ? QueryOf<K> : undefined;
    readonly value: ValueOf<K>;
  };
}[CacheKind];

/** What `MarketService` is built with (app.ts and the tests build it); its parts each take the options they need. */
export interface MarketServiceOptions {
  readonly registry: ProviderRegistry;
  readonly cache: MarketCache;
  /** Told of every provider call, so observability needs no hooks in call sites. */
  readonly onProviderCall?: (event: ProviderCallEvent) => void;
  /** Told of every value a provider answered (quality grading learns from them); must not throw or wait. */
  readonly onAnswered?: (answer: ProviderAnswer) => void;
  /** Told when the cache fails to store; the request goes on regardless. */
  readonly onCacheError?: (error: unknown) => void;
  /** Told when an answer is served stale because no provider could answer. */
  readonly onStaleServed?: (event: { readonly kind: CacheKind; readonly key: string }) => void;
  /** Latency budget of one trip down the provider chain (default 3 s). */
  readonly chainBudgetMs?: number;
  /** Given a refresh of every key no provider could answer, so the cache is repaired once a provider is back. */
  readonly refreshes?: RefreshScheduler;
  /** With it, a miss is fetched once per cluster, not once per process (REDIS_URL). */
  readonly clusterFlight?: ClusterFlight;
  /** Told of each miss that joined a fetch already running, in this process or another instance. */
  readonly onCoalesced?: (event: { readonly scope: 'process' | 'cluster'; readonly kind: CacheKind }) => void;
  /** Chunks of one batch in flight at once, by provider (default 4); the provider's bulkhead bounds all its calls. */
  readonly batchConcurrency?: (provider: ProviderId) => number;
  /**
   * Asked before a client's read calls a provider (a miss no running fetch can answer), never for
   * a cache hit or a background refresh: an error refuses the call, and each such read answers it
   * (a consumer's spent provider-call budget) while the reads the cache answered are served.
   * `caller` is who the read is for; a read without one (the gateway's own) is never refused.
   */
  readonly refuseProviderCall?: (caller: Caller) => Promise<MarketError | undefined>;
}
