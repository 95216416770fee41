import Keyv from 'keyv';
import { LruStore } from './lru-store.js';

/** The kinds of data the cache keeps, each with its own freshness. */
export type CacheKind = 'quote' | 'history' | 'profile' | 'statements' | 'search' | 'economicSeries';

export interface MarketCacheOptions {
  /** Most entries held in process before the least recently used is evicted. */
  readonly maxEntries: number;
  /** Freshness per kind, in ms. 0 turns caching of that kind off. */
  readonly ttlMs: Readonly<Record<CacheKind, number>>;
  /**
   * How long past its freshness an entry is kept to be served, marked stale, when no provider
   * can answer. 0 keeps nothing past freshness.
   */
  readonly staleWindowMs?: number;
  /** Clock, injectable for tests. */
  readonly now?: () => number;
  /** Told when the store fails; a cache failure is a slower answer, never a failed one. */
  readonly onError?: (error: unknown) => void;
}

/** What a read finds: the value and when it was fetched from its provider. */
export interface CacheHit<T> {
  readonly value: T;
  readonly storedAt: number;
}

interface Envelope<T> {
  readonly value: T;
  readonly storedAt: number;
}

/**
 * The market service's cache, on keyv so the store can change (memory now, Redis later) without
 * touching callers. The in-process store keeps live objects (no serialisation), so a hit costs a
 * map lookup and Dates stay Dates; an envelope records when the value was fetched so freshness
 * is judged by us, not only by the store's expiry.
 */
export class MarketCache {
  private readonly store: Keyv<Envelope<unknown>>;
  private readonly now: () => number;

  constructor(private readonly options: MarketCacheOptions) {
    this.now = options.now ?? Date.now;
    this.store = new Keyv<Envelope<unknown>>({
      store: new LruStore(options.maxEntries),
      namespace: 'mg',
      serialize: undefined,
      deserialize: undefined,
    });
    // keyv reports store failures as events, not rejections; unheard, they vanish.
    this.store.on('error', (error: unknown) => options.onError?.(error));
  }

  /** Fresh entries for the given keys, in order; `undefined` where missing or expired. */
  async getMany<T>(kind: CacheKind, keys: readonly string[]): Promise<Array<CacheHit<T> | undefined>> {
    if (this.options.ttlMs[kind] === 0 || keys.length === 0) return keys.map(() => undefined);
    const envelopes = await this.store.getMany(keys.map((key) => `${kind}:${key}`));
    const freshAfter = this.now() - this.options.ttlMs[kind];
    return envelopes.map((envelope) =>
      envelope !== undefined && envelope.storedAt > freshAfter ? (envelope as Envelope<T>) : undefined,
    );
  }

  async get<T>(kind: CacheKind, key: string): Promise<CacheHit<T> | undefined> {
    const [hit] = await this.getMany<T>(kind, [key]);
    return hit;
  }

  /** The last value stored for a key, fresh or within the stale window: the answer of last resort. */
  async getStale<T>(kind: CacheKind, key: string): Promise<CacheHit<T> | undefined> {
    if (this.options.ttlMs[kind] === 0) return undefined;
    const envelope = (await this.store.get(`${kind}:${key}`)) as Envelope<T> | undefined;
    const keptAfter = this.now() - this.options.ttlMs[kind] - (this.options.staleWindowMs ?? 0);
    return envelope !== undefined && envelope.storedAt > keptAfter ? envelope : undefined;
  }

  async set<T>(kind: CacheKind, key: string, value: T): Promise<void> {
    const ttl = this.options.ttlMs[kind];
    if (ttl === 0) return;
    await this.store.set(`${kind}:${key}`, { value, storedAt: this.now() }, ttl + (this.options.staleWindowMs ?? 0));
  }

  async clear(): Promise<void> {
    await this.store.clear();
  }
}
