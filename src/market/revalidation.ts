import type { CacheKind } from './cache/cache.js';

/** Entries whose failed refresh is remembered at most; beyond it the oldest note is forgotten. */
const MAX_FAILED_NOTES = 10_000;

/**
 * The stale-while-revalidate bookkeeping of the market service: one background refresh per key at
 * a time, however many reads find the key past its freshness meanwhile, and which cached entries a
 * background refresh could not replace because no provider answered.
 *
 * The second part is what makes `stale` mean what the schema says. A read inside the revalidation
 * window is a normal answer while its refresh runs (nobody knows yet whether a provider will
 * answer); once a refresh of that very entry has failed, the providers were asked and could not
 * answer, so the entry is served stale until a refresh stores a newer one.
 */
export class Revalidations {
  private readonly running = new Set<string>();
  /** Per key, the `storedAt` of the entry whose last background refresh failed; oldest first. */
  private readonly failed = new Map<string, number>();

  /**
   * Whether a background refresh of this very entry (the one stored at `storedAt`) found no
   * provider to answer. A newer entry (refreshed here, by a dead-letter retry or by another
   * instance through L2) has another `storedAt`, so a note about an older one never applies to it.
   */
  failedFor(kind: CacheKind, key: string, storedAt: number): boolean {
    return this.failed.get(`${kind}:${key}`) === storedAt;
  }

  /**
   * Runs `refresh` for the entry stored at `storedAt`, unless a refresh of the key is running.
   * `refresh` answers whether a provider answered (a value or a NOT_FOUND); a rejection counts as
   * no answer.
   */
  start(kind: CacheKind, key: string, storedAt: number, refresh: () => Promise<boolean>): void {
    const slot = `${kind}:${key}`;
    if (this.running.has(slot)) return;
    this.running.add(slot);
    void refresh()
      .catch(() => false)
      .then((answered) => {
        this.failed.delete(slot);
        if (!answered) this.noteFailure(slot, storedAt);
      })
      .finally(() => this.running.delete(slot));
  }

  private noteFailure(slot: string, storedAt: number): void {
    this.failed.set(slot, storedAt);
    // Keys that failed and were never asked again would otherwise stay forever.
    if (this.failed.size > MAX_FAILED_NOTES) {
      const oldest = this.failed.keys().next().value;
      if (oldest !== undefined) this.failed.delete(oldest);
    }
  }
}
