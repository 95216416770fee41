/**
 * The shared key-value store as the response cache and Apollo's persisted queries see it. The
 * store is a keyv (memory in one process, memory in front of Redis when `REDIS_URL` is set: see
 * src/market/cache/keyv-store.ts, which bounds every Redis call by a timeout); these adapters also turn
 * any rejection into a miss, so a store failure makes requests slower (executed instead of
 * answered from cache, the full query text needed again), never failed.
 */

/** The part of keyv these adapters use. */
export interface KeyvLike {
  get(key: string): Promise<unknown>;
  /** `ttl` in milliseconds. */
  set(key: string, value: unknown, ttl?: number): Promise<unknown>;
  delete(key: string): Promise<boolean>;
}

export interface StoreGuard {
  /** Told of each failed read or write (the caller rate-limits its logging). */
  readonly onError: (error: unknown, operation: 'get' | 'set' | 'delete') => void;
}

/** One cached response: its data, and when it was stored and stops being fresh (epoch ms). */
export interface CachedResponse {
  readonly data: Record<string, unknown>;
  readonly storedAt: number;
  readonly expiresAt: number;
}

export interface ResponseStore {
  /** `undefined` on a miss or when the store failed (then `onError` was told). */
  get(key: string): Promise<CachedResponse | undefined>;
  /** Never rejects. */
  set(key: string, value: CachedResponse, ttlMs: number): Promise<void>;
}

/** Apollo's `KeyValueCache<string>` for `persistedQueries.cache` (ttl in seconds, as Apollo gives it). */
export interface PersistedQueryCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean | void>;
}

async function guardedGet(keyv: KeyvLike, key: string, guard: StoreGuard): Promise<unknown> {
  try {
    return await keyv.get(key);
  } catch (error) {
    guard.onError(error, 'get');
    return undefined;
  }
}

async function guardedSet(keyv: KeyvLike, key: string, value: unknown, ttlMs: number | undefined, guard: StoreGuard): Promise<void> {
  try {
    await keyv.set(key, value, ttlMs);
  } catch (error) {
    guard.onError(error, 'set');
  }
}

export function responseStore(keyv: KeyvLike, guard: StoreGuard): ResponseStore {
  return {
    async get(key) {
      const found = await guardedGet(keyv, key, guard);
      return isCachedResponse(found) ? found : undefined;
    },
    set: (key, value, ttlMs) => guardedSet(keyv, key, value, ttlMs, guard),
  };
}

export function persistedQueryCache(keyv: KeyvLike, guard: StoreGuard): PersistedQueryCache {
  return {
    async get(key) {
      const found = await guardedGet(keyv, key, guard);
      return typeof found === 'string' ? found : undefined;
    },
    set: (key, value, options) => guardedSet(keyv, key, value, typeof options?.ttl === 'number' ? options.ttl * 1000 : undefined, guard),
    async delete(key) {
      try {
        return await keyv.delete(key);
      } catch (error) {
        guard.onError(error, 'delete');
        return false;
      }
    },
  };
}

/** A store shared with other versions of the gateway may hold anything under a key: check the shape. */
function isCachedResponse(value: unknown): value is CachedResponse {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as Partial<CachedResponse>;
  return typeof entry.storedAt === 'number' && typeof entry.expiresAt === 'number' && entry.data !== null && typeof entry.data === 'object';
}
