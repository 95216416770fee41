import { trace } from '@opentelemetry/api';
import { maskKey } from './redact.js';
import { ProviderError } from '../domain/index.js';

/**
 * Where an adapter gets the key for its next call, and where it tells how that call went, so
 * quotas, resting rate-limited keys and retiring refused ones live outside the adapters.
 */
export interface KeySource {
  /**
   * The key for the next call; rejects with a RATE_LIMITED ProviderError when none may be used now.
   * `cost` is what the call spends of the key's quota (default 1): a FRED series is two calls on
   * one key, a Twelve Data quote one credit per symbol.
   */
  acquire(cost?: number): Promise<string>;
  /** How a call made with `key` ended. */
  report(key: string, outcome: 'ok' | ProviderError): void;
  /** Releases what the source holds (a Redis connection); the adapter calls it when it closes. */
  close?(): Promise<void>;
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

export interface WithKeyOptions<T> {
  /** Quota the call spends (default 1). */
  readonly cost?: number;
  /**
   * For calls that return a response rather than throw on a refusal: the failure the value
   * stands for, so the key source hears of a 429 or a refused key all the same.
   */
  readonly outcomeOf?: (value: T) => ProviderError | undefined;
}

/**
 * One upstream call made with a key from `source`: the key is acquired first (which may refuse at
 * once with RATE_LIMITED, costing no call) and how the call ended is reported, so every adapter
 * keeps the acquire/report pairing in one place, its client. Errors that are not ProviderErrors
 * (bugs) say nothing about the key and are not reported.
 */
export async function withKey<T>(source: KeySource, call: (key: string) => Promise<T>, options: WithKeyOptions<T> = {}): Promise<T> {
  const key = await source.acquire(options.cost ?? 1);
  // On the attempt's span, when a trace is recording: which key, never the key itself.
  trace.getActiveSpan()?.setAttribute('marketgraph.key', maskKey(key));
  let value: T;
  try {
    value = await call(key);
  } catch (error) {
    if (error instanceof ProviderError) source.report(key, error);
    throw error;
  }
  source.report(key, options.outcomeOf?.(value) ?? 'ok');
  return value;
}
