import Keyv from 'keyv';
import type { RedisNamespace, RedisTier } from './cache-l2.js';
import { LruStore } from './lru-store.js';

export interface KeyvStoreOptions {
  /** Bounds of this namespace's in-process tier (default 10,000 entries, 64 MiB). */
  readonly maxEntries?: number;
  readonly maxBytes?: number;
}

/** What other parts (a response cache, persisted queries) are given: a Keyv of strings or JSON values. */
export type KeyvStoreFactory = <V = unknown>(namespace: string, options?: KeyvStoreOptions) => Keyv<V>;

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * A keyv store in two tiers, for namespaces other than the market cache: an in-process LRU in
 * front of the shared Redis tier when there is one. Keyv hands it serialised strings with its
 * own expiry inside, so the store needs no schema; a Redis outage reads as a miss from L2 and
 * never fails a call (the tier bounds and skips every L2 call while Redis is down).
 */
export class TieredKeyvStore {
  /** Set by keyv; each store is one namespace already, so it is not needed for the keys. */
  namespace: string | undefined;
  private readonly l1: LruStore<string>;

  constructor(
    private readonly l2: RedisNamespace | undefined,
    options: KeyvStoreOptions = {},
  ) {
    this.l1 = new LruStore<string>({ maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES, maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES });
  }

  async get(key: string): Promise<string | undefined> {
    const local = this.l1.get(key);
    if (local !== undefined || !this.l2) return local;
    const shared = await this.l2.get(key);
    // Keyv checks its own expiry inside the value; L1 keeps it until then or until evicted.
    if (typeof shared === 'string') this.l1.set(key, shared);
    return typeof shared === 'string' ? shared : undefined;
  }

  async getMany(keys: string[]): Promise<Array<string | undefined>> {
    return Promise.all(keys.map((key) => this.get(key)));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<boolean> {
    this.l1.set(key, value, ttlMs);
    if (this.l2) await this.l2.set(key, value, ttlMs ?? 0);
    return true;
  }

  async delete(key: string): Promise<boolean> {
    const local = this.l1.delete(key);
    const shared = this.l2 ? await this.l2.delete(key) : false;
    return local || shared;
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  async clear(): Promise<void> {
    this.l1.clear();
    await this.l2?.clear();
  }
}

/**
 * The factory of Keyv stores on the gateway's cache tiers: `createKeyvStore('apq')` is a Keyv
 * whose entries live in process and, with Redis, under `<prefix>:apq::<key>` for every instance.
 */
export function keyvStoreFactory(tier: RedisTier | undefined, prefix: string): KeyvStoreFactory {
  return <V = unknown>(namespace: string, options?: KeyvStoreOptions): Keyv<V> => {
    const store = new TieredKeyvStore(tier?.namespace(`${prefix}:${namespace}`), options);
    // The store is this namespace alone, so keyv's own key prefix would only lengthen every key.
    const keyv = new Keyv<V>({ store, namespace, useKeyPrefix: false });
    // A cache failure is a slower answer: keyv reports store failures as events, never to callers.
    keyv.on('error', () => undefined);
    return keyv;
  };
}
