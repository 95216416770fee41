import { LRUCache } from 'lru-cache';

/**
 * The in-process keyv store: an LRU bounded by entry count. keyv calls `set(key, value, ttlMs)`,
 * while lru-cache takes `set(key, value, { ttl })` (given a bare number it throws, and keyv
 * swallows the error: every write silently lost). This adapter is that translation and nothing more.
 */
export class LruStore<V extends object> {
  private readonly lru: LRUCache<string, V>;

  constructor(maxEntries: number) {
    this.lru = new LRUCache<string, V>({ max: maxEntries, ttlAutopurge: false });
  }

  get(key: string): V | undefined {
    return this.lru.get(key);
  }

  set(key: string, value: V, ttlMs?: number): boolean {
    this.lru.set(key, value, ttlMs && ttlMs > 0 ? { ttl: ttlMs } : undefined);
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

  get size(): number {
    return this.lru.size;
  }
}
