import type { ProviderError } from '../domain/index.js';

/**
 * Where an adapter gets the key for its next call, and where it tells how that call went, so
 * quotas, resting rate-limited keys and retiring refused ones live outside the adapters.
 */
export interface KeySource {
  /** The key for the next call; rejects with a RATE_LIMITED ProviderError when none may be used now. */
  acquire(): Promise<string>;
  /** How a call made with `key` ended. */
  report(key: string, outcome: 'ok' | ProviderError): void;
}

/**
 * The API keys of one provider, used in turn so that several keys share the load. The plain
 * KeySource: no quotas, no resting (see src/resilience for those).
 */
export class KeyRing implements KeySource {
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

  async acquire(): Promise<string> {
    return this.take();
  }

  report(): void {
    // A plain ring keeps no state about how keys fare.
  }

  get size(): number {
    return this.keys.length;
  }
}
