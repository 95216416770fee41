/**
 * Coalesces concurrent work for the same key into one promise, so a burst of identical cache
 * misses costs one upstream call. The entry is dropped when the work settles, so a failure is
 * not remembered: the next caller tries again.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /** The running work for `key`, or a new run of `work`. */
  run(key: string, work: () => Promise<T>): Promise<T> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  /** The running work for `key`, if any. */
  join(key: string): Promise<T> | undefined {
    return this.inFlight.get(key);
  }

  get size(): number {
    return this.inFlight.size;
  }
}
