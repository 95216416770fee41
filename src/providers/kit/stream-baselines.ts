import { ErrorCode, MarketError, ProviderError, ProviderFailureKind, type Quote } from '../../domain/index.js';
import type { StreamClock, StreamTimer } from './stream-clock.js';

/**
 * Every watched symbol costs one REST quote (its baseline), on the same keys and quota as the
 * gateway's queries. Asked all at once (a burst of new symbols, a cluster takeover, a reconnect
 * of a lease holder), they would spend a key's whole quota in one go, and, refused together,
 * come back together a retry period later and spend it again. The gate asks at most
 * `concurrency` at a time, and after a RATE_LIMITED answer asks nothing more until the
 * provider's retryAfter (or `restMs`) has passed: the queued symbols wait instead of each
 * spending a call on a refusal.
 */
export interface BaselineGateOptions {
  readonly baseline: (symbol: string) => Promise<Quote>;
  readonly clock: StreamClock;
  /** Baselines in flight at once. Default 4. */
  readonly concurrency?: number;
  /** Pause after a RATE_LIMITED answer that names no retryAfter. Default 5 s. */
  readonly restMs?: number;
}

/** What a queued baseline ends as: its quote, why it failed, or `dropped` when no longer wanted. */
export type BaselineOutcome = { readonly quote: Quote } | { readonly error: unknown } | 'dropped';

interface Ask {
  readonly symbol: string;
  readonly wanted: () => boolean;
  readonly done: (outcome: BaselineOutcome) => void;
}

export class BaselineGate {
  private readonly queue: Ask[] = [];
  private inFlight = 0;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private wake: StreamTimer | undefined;
  private readonly concurrency: number;

  constructor(private readonly options: BaselineGateOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
  }

  /** Queued baselines, for tests and metrics. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Asks `symbol`'s baseline when the gate lets it; `wanted` is checked again then, so a symbol left meanwhile costs nothing. */
  ask(symbol: string, wanted: () => boolean, done: (outcome: BaselineOutcome) => void): void {
    this.queue.push({ symbol, wanted, done });
    this.pump();
  }

  close(): void {
    this.wake?.cancel();
    this.wake = undefined;
    this.queue.length = 0;
  }

  private pump(): void {
    const now = this.options.clock.now();
    if (now < this.pausedUntil) {
      this.wake ??= this.options.clock.setTimer(() => {
        this.wake = undefined;
        this.pump();
      }, this.pausedUntil - now);
      return;
    }
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const ask = this.queue.shift() as Ask;
      if (!ask.wanted()) {
        ask.done('dropped');
        continue;
      }
      this.inFlight += 1;
      this.options.baseline(ask.symbol).then(
        (quote) => this.settle(ask, { quote }),
        (error: unknown) => {
          const rest = rateLimitRest(error, this.options.restMs ?? 5_000);
          if (rest !== undefined) this.pausedUntil = Math.max(this.pausedUntil, this.options.clock.now() + rest);
          this.settle(ask, { error });
        },
      );
    }
  }

  private settle(ask: Ask, outcome: BaselineOutcome): void {
    this.inFlight -= 1;
    ask.done(outcome);
    this.pump();
  }
}

/** How long a RATE_LIMITED answer asks us to wait (its retryAfter, else `fallbackMs`); undefined for any other failure. */
export function rateLimitRest(error: unknown, fallbackMs: number): number | undefined {
  if (error instanceof ProviderError && error.kind === ProviderFailureKind.RATE_LIMITED) return error.options.retryAfterMs ?? fallbackMs;
  if (error instanceof MarketError && error.code === ErrorCode.RATE_LIMITED) {
    const seconds = error.details?.['retryAfter'];
    return typeof seconds === 'number' ? seconds * 1000 : fallbackMs;
  }
  return undefined;
}
