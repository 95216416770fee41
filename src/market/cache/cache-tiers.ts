import { MarketCache, type CacheKind } from './cache.js';
import type { RedisTier } from './cache-l2.js';
import { keyvStoreFactory, type KeyvStoreFactory } from './keyv-store.js';
import type { RedisLink } from '../../stores/redis-link.js';
import type { StoreLog } from '../../stores/store-log.js';

export interface CacheSettings {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly ttlMs: Readonly<Record<CacheKind, number>>;
  /** Per kind: past freshness, how long a read answers the entry at once and refreshes it in the background. */
  readonly staleMs: Readonly<Record<CacheKind, number>>;
  /** Kept past freshness to answer, marked stale, when no provider can (the last resort). */
  readonly lastResortMs: number;
  readonly negativeTtlMs: number;
  /** With the instance's Redis link, the shared L2 tier in Redis, its keys under `prefix`. */
  readonly redis: { readonly link: RedisLink | undefined; readonly prefix: string; readonly timeoutMs: number };
}

/** The gateway's cache tiers, built once by the composition root (src/app/stores.ts). */
export interface CacheTiers {
  readonly market: MarketCache;
  /** Keyv stores on the same tiers for other namespaces (a response cache, persisted queries). */
  readonly createKeyvStore: KeyvStoreFactory;
  /** `memory`, `memory+redis`, or `memory (redis unavailable, L1 only)` while Redis is away. */
  describe(): string;
  close(): Promise<void>;
}

/**
 * Builds L1 and, with a Redis URL, connects L2, waiting at most a second: a Redis that is down at
 * start-up leaves the gateway on L1 (said in its summary line and `/readyz`), and L2 is used as
 * soon as the client's background reconnects reach it.
 */
export async function createCacheTiers(settings: CacheSettings, log: StoreLog, onError?: (error: unknown) => void): Promise<CacheTiers> {
  const tier = await connectL2(settings.redis, log);
  const market = new MarketCache({
    maxEntries: settings.maxEntries,
    maxBytes: settings.maxBytes,
    ttlMs: settings.ttlMs,
    staleWindowMs: settings.lastResortMs,
    revalidateWindowMs: settings.staleMs,
    negativeTtlMs: settings.negativeTtlMs,
    ...(tier ? { l2: tier.namespace(settings.redis.prefix) } : {}),
    ...(onError ? { onError } : {}),
  });
  return {
    market,
    createKeyvStore: keyvStoreFactory(tier, settings.redis.prefix),
    describe: () => (tier === undefined ? 'memory' : tier.state === 'up' ? 'memory+redis' : 'memory (redis unavailable, L1 only)'),
    close: async () => tier?.close(),
  };
}

/** @keyv/redis is loaded only with a Redis link: a seventh of start-up otherwise. */
async function connectL2(redis: CacheSettings['redis'], log: StoreLog): Promise<RedisTier | undefined> {
  const { link } = redis;
  if (!link) return undefined;
  const { RedisTier: Tier } = await import('./cache-l2.js');
  return Tier.connect({
    link,
    timeoutMs: redis.timeoutMs,
    onDown: (error) => log.warn({ err: error, redis: link.target }, 'cache L2 (Redis) unavailable: answering from L1 and providers until it is back'),
    onUp: () => log.info({ redis: link.target }, 'cache L2 (Redis) back: shared cache in use again'),
  });
}
