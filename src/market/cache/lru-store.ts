import { LRUCache } from 'lru-cache';

export interface LruStoreOptions {
  /** Most entries held before the least recently used is evicted. */
  readonly maxEntries: number;
  /**
   * Most bytes held, as `sizeOf` counts them (by default the JSON length of a value, or a
   * string's length): a bound on what the cached data weighs, not a heap measurement.
   */
  readonly maxBytes?: number;
}

/** Size of a value when the caller gives none: what it weighs as JSON (at least 1). */
export function jsonSize(value: unknown): number {
  if (typeof value === 'string') return Math.max(1, value.length);
  try {
    return Math.max(1, JSON.stringify(value)?.length ?? 1);
  } catch {
    // Cyclic or BigInt: not JSON, so no better estimate than a nominal kilobyte.
    return 1024;
  }
}

/**
 * The in-process store: an LRU bounded by entry count and by bytes. It is a keyv store (keyv calls
 * `set(key, value, ttlMs)`, while lru-cache takes `set(key, value, { ttl })`: given a bare number
 * it throws, and keyv swallows the error, every write silently lost), and the market cache's L1
 * uses it directly, synchronously, so a hit costs a map lookup.
 */
export class LruStore<V extends object | string> {
  private readonly lru: LRUCache<string, V>;
  private readonly bounded: boolean;
  /** Set by keyv when it wraps the store; the store itself keeps one namespace per instance. */
  namespace: string | undefined;

  constructor(options: LruStoreOptions | number) {
    const { maxEntries, maxBytes } = typeof options === 'number' ? { maxEntries: options, maxBytes: undefined } : options;
    this.bounded = Boolean(maxBytes);
    this.lru = new LRUCache<string, V>({
      max: maxEntries,
      ttlAutopurge: false,
      ...(maxBytes ? { maxSize: maxBytes, sizeCalculation: (value: V, key: string) => jsonSize(value) + key.length } : {}),
    });
  }

  get(key: string): V | undefined {
    return this.lru.get(key);
  }

  /** `size` (bytes) spares the JSON measurement when the caller knows it; an entry over the byte bound is not kept. */
  set(key: string, value: V, ttlMs?: number, size?: number): boolean {
    this.lru.set(key, value, {
      ...(ttlMs && ttlMs > 0 ? { ttl: ttlMs } : {}),
      // lru-cache refuses a size unless it bounds bytes.
      ...(size !== undefined && this.bounded ? { size: Math.max(1, Math.ceil(size) + key.length) } : {}),
    });
    return true;
  }

  delete(key: string): boolean {
    return this.lru.delete(key);
  }

  has(key: string): boolean {
    return this.lru.has(key);
  }

  clear(): void {
    this.lru.clear();
  }

  /** Entries held (expired ones count until they are read or evicted). */
  get size(): number {
    return this.lru.size;
  }

  /** Bytes held, as counted; 0 when the store has no byte bound. */
  get bytes(): number {
    return this.lru.calculatedSize ?? 0;
  }
}
