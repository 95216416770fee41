import { z } from 'zod';
import { boolean, integer } from './fields.js';

/** The market-data cache (L1 in process, L2 in Redis), the whole-response cache and persisted queries. */

const cacheEnvSchema = z.object({
  /** Seconds each kind of data stays fresh in the cache. */
  CACHE_TTL_QUOTES: integer(0, 86_400).default(5),
  CACHE_TTL_HISTORY: integer(0, 604_800).default(3_600),
  CACHE_TTL_PROFILES: integer(0, 604_800).default(86_400),
  CACHE_TTL_STATEMENTS: integer(0, 604_800).default(21_600),
  CACHE_TTL_SEARCH: integer(0, 604_800).default(3_600),
  CACHE_TTL_ECONOMIC: integer(0, 604_800).default(21_600),
  /** Most entries the in-process cache (L1) holds before evicting the least recently used. */
  CACHE_MAX_ENTRIES: integer(100, 10_000_000).default(50_000),
  /** Most bytes the in-process cache (L1) holds, counted as the cached values' JSON length (default 128 MiB). */
  CACHE_MAX_BYTES: integer(1_048_576, 68_719_476_736).default(134_217_728),
  /**
   * Seconds past its freshness during which a read answers the cached value at once (not marked
   * stale: only once a refresh found no provider to answer) and refreshes it in the background
   * (stale-while-revalidate), per kind of data.
   * Default: STALE_WINDOW. 0 turns it off for that kind: a read past freshness asks the providers.
   */
  CACHE_STALE_QUOTES: integer(0, 30 * 86_400).optional(),
  CACHE_STALE_HISTORY: integer(0, 30 * 86_400).optional(),
  CACHE_STALE_PROFILES: integer(0, 30 * 86_400).optional(),
  CACHE_STALE_STATEMENTS: integer(0, 30 * 86_400).optional(),
  CACHE_STALE_SEARCH: integer(0, 30 * 86_400).optional(),
  CACHE_STALE_ECONOMIC: integer(0, 30 * 86_400).optional(),
  /** Seconds a provider's NOT_FOUND (unknown symbol or series) is remembered; 0 remembers none. */
  CACHE_NEGATIVE_TTL: integer(0, 86_400).default(600),
  /** With REDIS_URL: longest wait for one L2 cache call before answering without it (and leaving Redis alone for a second). */
  CACHE_REDIS_TIMEOUT_MS: integer(5, 5_000).default(250),
  /**
   * Whole-response cache of market-data queries (never mutations or provider status), in the
   * shared store, per rights scope; an answer is kept no longer than the CACHE_TTL_* of its data.
   */
  RESPONSE_CACHE: boolean.default(true),
  /** Automatic persisted queries (send the sha256 hash instead of the query text), in the shared store. */
  APQ: boolean.default(true),
  /** Seconds a persisted query is kept after it was last registered. */
  APQ_TTL: integer(60, 30 * 86_400).default(86_400),
});

export const cacheEnv = cacheEnvSchema.shape;
/** STALE_WINDOW (a resilience setting) is the default of every CACHE_STALE_*. */
type CacheEnv = z.infer<typeof cacheEnvSchema> & { readonly STALE_WINDOW: number };

/** Milliseconds per kind of cached data. */
export interface CacheKindMs {
  readonly quote: number;
  readonly history: number;
  readonly profile: number;
  readonly statements: number;
  readonly search: number;
  readonly economicSeries: number;
}

export interface CacheSettings {
  readonly maxEntries: number;
  readonly maxBytes: number;
  /** Freshness per kind of data, in milliseconds. */
  readonly ttlMs: CacheKindMs;
  /** Per kind, how long past freshness a read answers stale at once and refreshes in the background, ms. */
  readonly staleMs: CacheKindMs;
  readonly negativeTtlMs: number;
  /** The shared L2 tier (used only with REDIS_URL). */
  readonly redis: { readonly prefix: string; readonly timeoutMs: number };
}

/** `redisPrefix`: the cache's family of Redis keys (config/redis.ts). */
export function cacheSettings(env: CacheEnv, redisPrefix: string): CacheSettings {
  return {
    maxEntries: env.CACHE_MAX_ENTRIES,
    maxBytes: env.CACHE_MAX_BYTES,
    ttlMs: {
      quote: env.CACHE_TTL_QUOTES * 1000,
      history: env.CACHE_TTL_HISTORY * 1000,
      profile: env.CACHE_TTL_PROFILES * 1000,
      statements: env.CACHE_TTL_STATEMENTS * 1000,
      search: env.CACHE_TTL_SEARCH * 1000,
      economicSeries: env.CACHE_TTL_ECONOMIC * 1000,
    },
    staleMs: {
      quote: (env.CACHE_STALE_QUOTES ?? env.STALE_WINDOW) * 1000,
      history: (env.CACHE_STALE_HISTORY ?? env.STALE_WINDOW) * 1000,
      profile: (env.CACHE_STALE_PROFILES ?? env.STALE_WINDOW) * 1000,
      statements: (env.CACHE_STALE_STATEMENTS ?? env.STALE_WINDOW) * 1000,
      search: (env.CACHE_STALE_SEARCH ?? env.STALE_WINDOW) * 1000,
      economicSeries: (env.CACHE_STALE_ECONOMIC ?? env.STALE_WINDOW) * 1000,
    },
    negativeTtlMs: env.CACHE_NEGATIVE_TTL * 1000,
    redis: { prefix: redisPrefix, timeoutMs: env.CACHE_REDIS_TIMEOUT_MS },
  };
}
