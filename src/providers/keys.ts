/**
 * The API keys of one provider, used in turn so that several keys share the load. Resilience
 * (quotas, resting a rate-limited key, retiring a revoked one) builds on this.
 */
export class KeyRing {
  private next = 0;

  constructor(private readonly keys: readonly string[]) {
    if (keys.length === 0) throw new Error('a key ring needs at least one key');
  }

  /** The key for the next call. */
  take(): string {
    const key = this.keys[this.next % this.keys.length] as string;
    this.next = (this.next + 1) % this.keys.length;
    return key;
  }

  get size(): number {
    return this.keys.length;
  }
}
