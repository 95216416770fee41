import { noteOnRead } from '../read-span.js';
import { CACHE_KINDS, decodeEntry, encodeEntry, type CacheEntry, type CacheKind, type NotFoundNote } from './cache-codec.js';
import type { RedisNamespace } from './cache-l2.js';
import { LruStore } from './lru-store.js';

export type { CacheEntry, CacheKind, NotFoundNote } from './cache-codec.js';

export interface MarketCacheOptions {
  /** Most entries held in process (L1) before the least recently used is evicted. */
  readonly maxEntries: number;
  /** Most bytes held in process (L1), counted as the values' JSON length. Default: no byte bound. */
  readonly maxBytes?: number;
  /** Freshness per kind, in ms. 0 turns caching of that kind off, negative caching included. */
  readonly ttlMs: Readonly<Record<CacheKind, number>>;
  /**
   * How long past its freshness an entry is kept to be served, marked stale, when no provider
   * can answer (the last resort). 0 keeps nothing past freshness.
   */
  readonly staleWindowMs?: number;
  /**
   * Per kind, how long past its freshness a read answers at once with the entry while the caller
   * refreshes it in the background (stale-while-revalidate; the caller marks it stale only once a
   * refresh found no provider to answer). Missing or 0: off, a read past freshness is a miss.
   * Entries are kept for the longer of this and `staleWindowMs`.
   */
  readonly revalidateWindowMs?: Readonly<Partial<Record<CacheKind, number>>>;
  /** How long a provider's NOT_FOUND is remembered, in ms. Missing or 0: not remembered. */
  readonly negativeTtlMs?: number;
  /** The shared tier (Redis). Without it the cache is L1 only. */
  readonly l2?: RedisNamespace;
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

/**
 * What a lookup finds for a key: a fresh value; a value past freshness but inside the kind's
 * revalidation window (`stale`: answer it, refresh in the background); a remembered NOT_FOUND;
 * or nothing worth answering (`undefined`).
 */
export type CacheLookup<T> =
  | { readonly state: 'fresh' | 'stale'; readonly value: T; readonly storedAt: number }
  | { readonly state: 'notFound'; readonly notFound: NotFoundNote; readonly storedAt: number };

export type CacheTier = 'l1' | 'l2';
export type CacheResult = 'hit' | 'miss' | 'stale';

/** How many lookups of one kind one tier answered one way, since start. */
export interface CacheRequestCount {
  readonly kind: CacheKind;
  readonly tier: CacheTier;
  readonly result: CacheResult;
  readonly count: number;
}

type Tally = Record<CacheTier, Record<CacheResult, number>>;

const tally = (): Tally => ({ l1: { hit: 0, miss: 0, stale: 0 }, l2: { hit: 0, miss: 0, stale: 0 } });

/**
 * The market service's cache, in two tiers. L1 is in process, bounded by entries and bytes, and
 * keeps live objects (no serialisation), so a hit costs a map lookup and Dates stay Dates. L2 is
 * Redis, shared by every instance, holding JSON that is validated against the domain schemas on
 * the way back (anything else is dropped, never served); it is asked only when L1 has nothing
 * fresh, and what it answers fills L1. Each slot holds an envelope recording when the value was
 * fetched, so freshness, the revalidation window and the last-resort window are judged by us,
 * not by a store's expiry. Counts of every lookup, per kind, tier and result, are kept in plain
 * numbers for the metrics to read at scrape time.
 */
export class MarketCache {
  private readonly l1: LruStore<CacheEntry>;
  private readonly now: () => number;
  private readonly counts: Record<CacheKind, Tally>;
  /** Per kind: how long an entry is worth keeping past its freshness. */
  private readonly keepMs: Record<CacheKind, number>;

  constructor(private readonly options: MarketCacheOptions) {
    this.now = options.now ?? Date.now;
    this.l1 = new LruStore<CacheEntry>({ maxEntries: options.maxEntries, ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) });
    this.counts = Object.fromEntries(CACHE_KINDS.map((kind) => [kind, tally()])) as Record<CacheKind, Tally>;
    this.keepMs = Object.fromEntries(
      CACHE_KINDS.map((kind) => [kind, Math.max(options.staleWindowMs ?? 0, options.revalidateWindowMs?.[kind] ?? 0)]),
    ) as Record<CacheKind, number>;
  }

  /** Whether a shared tier was configured (it may be down at the moment). */
  get tiers(): 'memory' | 'memory+redis' {
    return this.options.l2 ? 'memory+redis' : 'memory';
  }

  /**
   * What the cache holds for each key, in order: fresh, stale (inside the revalidation window),
   * a remembered NOT_FOUND, or `undefined`. L2 is asked for the keys L1 has nothing fresh for.
   */
  async lookupMany<T>(kind: CacheKind, keys: readonly string[]): Promise<Array<CacheLookup<T> | undefined>> {
    const ttl = this.options.ttlMs[kind];
    if (ttl === 0 || keys.length === 0) return keys.map(() => undefined);
    const now = this.now();
    const tallied = this.counts[kind];
    const found = new Array<CacheLookup<T> | undefined>(keys.length);
    let pending: number[] | undefined;
    for (let index = 0; index < keys.length; index++) {
      const lookup = this.judge<T>(kind, this.l1.get(`${kind}:${keys[index]}`), now);
      found[index] = lookup;
      if (lookup === undefined || lookup.state === 'stale') {
        tallied.l1[lookup ? 'stale' : 'miss'] += 1;
        if (this.options.l2?.available) (pending ??= []).push(index);
      } else tallied.l1.hit += 1;
    }
    if (pending) {
      const l2Hits = await this.readL2(kind, keys, pending, found, now);
      // On the read's trace span: which tier answered.
      noteOnRead({ 'marketgraph.cache.l2_lookups': pending.length, 'marketgraph.cache.l2_hits': l2Hits });
    }
    return found;
  }

  /** Fresh entries for the given keys, in order; `undefined` where missing, expired or a remembered NOT_FOUND. */
  async getMany<T>(kind: CacheKind, keys: readonly string[]): Promise<Array<CacheHit<T> | undefined>> {
    const found = await this.lookupMany<T>(kind, keys);
    return found.map((lookup) => (lookup?.state === 'fresh' ? { value: lookup.value, storedAt: lookup.storedAt } : undefined));
  }

  async get<T>(kind: CacheKind, key: string): Promise<CacheHit<T> | undefined> {
    const [hit] = await this.getMany<T>(kind, [key]);
    return hit;
  }

  /** The last value stored for a key, fresh or within the last-resort window, from either tier. */
  async getStale<T>(kind: CacheKind, key: string): Promise<CacheHit<T> | undefined> {
    const ttl = this.options.ttlMs[kind];
    if (ttl === 0) return undefined;
    const keptAfter = this.now() - ttl - this.keepMs[kind];
    const kept = (entry: CacheEntry | undefined): entry is CacheEntry<T> & { value: T } =>
      entry !== undefined && entry.notFound === undefined && entry.storedAt > keptAfter;
    const local = this.l1.get(`${kind}:${key}`);
    if (kept(local)) return { value: local.value, storedAt: local.storedAt };
    const shared = this.options.l2?.available ? await this.readOne<T>(kind, key) : undefined;
    return kept(shared) ? { value: shared.value, storedAt: shared.storedAt } : undefined;
  }

  async set<T>(kind: CacheKind, key: string, value: T): Promise<void> {
    const ttl = this.options.ttlMs[kind];
    if (ttl === 0) return;
    await this.store(kind, key, { value, storedAt: this.now() }, ttl + this.keepMs[kind]);
  }

  /** Remembers a provider's NOT_FOUND for the negative TTL, so asking again costs no provider call. */
  async setNotFound(kind: CacheKind, key: string, notFound: NotFoundNote): Promise<void> {
    const ttl = this.options.negativeTtlMs ?? 0;
    if (ttl === 0 || this.options.ttlMs[kind] === 0) return;
    await this.store(kind, key, { notFound, storedAt: this.now() }, ttl);
  }

  /** Empties L1 (L2 is shared and left alone: other instances rely on it). */
  async clear(): Promise<void> {
    this.l1.clear();
  }

  /** Every lookup so far, by kind, tier and result. */
  requestCounts(): CacheRequestCount[] {
    const counts: CacheRequestCount[] = [];
    for (const kind of CACHE_KINDS) {
      for (const tier of ['l1', 'l2'] as const) {
        for (const result of ['hit', 'miss', 'stale'] as const) counts.push({ kind, tier, result, count: this.counts[kind][tier][result] });
      }
    }
    return counts;
  }

  /** Entries held per tier; L2's only while it answers. */
  async entries(): Promise<Array<{ readonly tier: CacheTier; readonly count: number }>> {
    const shared = await this.options.l2?.count();
    return [{ tier: 'l1', count: this.l1.size }, ...(shared === undefined ? [] : [{ tier: 'l2' as const, count: shared }])];
  }

  /** How an entry reads now; `undefined` when it is worth nothing to a reader. */
  private judge<T>(kind: CacheKind, entry: CacheEntry | undefined, now: number): CacheLookup<T> | undefined {
    if (entry === undefined) return undefined;
    if (entry.notFound !== undefined) {
      return entry.storedAt > now - (this.options.negativeTtlMs ?? 0) ? { state: 'notFound', notFound: entry.notFound, storedAt: entry.storedAt } : undefined;
    }
    const age = now - entry.storedAt;
    const ttl = this.options.ttlMs[kind];
    if (age < ttl) return { state: 'fresh', value: entry.value as T, storedAt: entry.storedAt };
    if (age < ttl + (this.options.revalidateWindowMs?.[kind] ?? 0)) return { state: 'stale', value: entry.value as T, storedAt: entry.storedAt };
    return undefined;
  }

  /** Asks L2 for the keys at `indexes`; a newer answer than L1's replaces it in `found` and in L1. */
  /** Fills `found` from L2 where it has something newer; answers how many L2 hits there were. */
  private async readL2<T>(kind: CacheKind, keys: readonly string[], indexes: readonly number[], found: Array<CacheLookup<T> | undefined>, now: number): Promise<number> {
    const l2 = this.options.l2 as RedisNamespace;
    const texts = await l2.getMany(indexes.map((index) => `${kind}:${keys[index]}`));
    const tallied = this.counts[kind].l2;
    let hits = 0;
    indexes.forEach((index, position) => {
      const key = `${kind}:${keys[index]}`;
      const entry = this.decode<T>(kind, key, texts[position]);
      const lookup = this.judge<T>(kind, entry, now);
      // L1 again: a refresh may have landed while Redis answered, and is then the newest there is.
      const local = this.judge<T>(kind, this.l1.get(key), now) ?? found[index];
      found[index] = local;
      const result = lookup === undefined ? 'miss' : lookup.state === 'stale' ? 'stale' : 'hit';
      tallied[result] += 1;
      if (result === 'hit') hits += 1;
      if (entry === undefined || lookup === undefined || (local !== undefined && local.storedAt >= entry.storedAt)) return;
      found[index] = lookup;
      // Filled into L1 for what is left of its life, so the next read is a map lookup.
      const life = entry.notFound ? (this.options.negativeTtlMs ?? 0) : this.options.ttlMs[kind] + this.keepMs[kind];
      this.l1.set(key, entry, life - (now - entry.storedAt), textLength(texts[position]));
    });
    return hits;
  }

  private async readOne<T>(kind: CacheKind, key: string): Promise<CacheEntry<T> | undefined> {
    const slot = `${kind}:${key}`;
    return this.decode<T>(kind, slot, await (this.options.l2 as RedisNamespace).get(slot));
  }

  /** An L2 text as an entry; one that is not ours, or not valid, is dropped from L2 and reads as nothing. */
  private decode<T>(kind: CacheKind, slot: string, text: string | undefined): CacheEntry<T> | undefined {
    if (text === undefined) return undefined;
    const entry = typeof text === 'string' ? decodeEntry<T>(kind, text) : undefined;
    if (entry === undefined) {
      this.options.onError?.(new Error(`cache: dropped an invalid or foreign L2 entry for ${slot}`));
      void this.options.l2?.delete(slot);
    }
    return entry;
  }

  private async store(kind: CacheKind, key: string, entry: CacheEntry, lifeMs: number): Promise<void> {
    const slot = `${kind}:${key}`;
    const l2 = this.options.l2;
    // One JSON encoding serves both: L2's value and L1's byte count. Without L2 and a byte bound, none is needed.
    const text = l2 || this.options.maxBytes ? encodeEntry(kind, entry) : undefined;
    this.l1.set(slot, entry, lifeMs, text?.length);
    if (l2 && text !== undefined) await l2.set(slot, text, lifeMs);
  }
}

function textLength(text: string | undefined): number | undefined {
  return typeof text === 'string' ? text.length : undefined;
}
