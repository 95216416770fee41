import { EventEmitter } from 'cockatiel';
import type { ProviderId, Quote } from '../../../src/domain/index.js';
import type { TickSource } from '../../../src/providers/adapter.js';
import type { SourceHealth, SourceHealthChange } from '../../../src/streaming/sources/routed-health.js';
import { baselineQuote, T0 } from './harness.js';

/**
 * An in-memory TickSource driven by hand, for tests of what sits above a feed (the routed source):
 * the test emits ticks and errors per symbol and sees which symbols are running, how often each was
 * started and stopped. Nothing is async: every call reaches the watchers before it returns.
 */
export class FakeTickSource implements TickSource {
  private readonly watchers = new Map<string, Set<{ onTick: (quote: Quote) => void; onError: (error: Error) => void }>>();
  readonly starts: string[] = [];
  readonly stops: string[] = [];
  /** Fails every start of these symbols synchronously, inside `start`. */
  readonly refuseAtStart = new Map<string, Error>();

  constructor(readonly provider: ProviderId) {}

  start(symbol: string, onTick: (quote: Quote) => void, onError: (error: Error) => void): () => void {
    this.starts.push(symbol);
    const watcher = { onTick, onError };
    const set = this.watchers.get(symbol) ?? new Set();
    set.add(watcher);
    this.watchers.set(symbol, set);
    const refusal = this.refuseAtStart.get(symbol);
    if (refusal) onError(refusal);
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      this.stops.push(symbol);
      set.delete(watcher);
      if (set.size === 0) this.watchers.delete(symbol);
    };
  }

  /** Whether `symbol` has a running feed here now. */
  running(symbol: string): boolean {
    return (this.watchers.get(symbol)?.size ?? 0) > 0;
  }

  /** Symbols with a running feed. */
  get active(): string[] {
    return [...this.watchers.keys()];
  }

  /** A quote of `symbol` at `price`, stamped T0 + `atMs`, from this provider. */
  tick(symbol: string, price: number, atMs: number): void {
    const quote: Quote = { ...baselineQuote(symbol, this.provider), price, timestamp: new Date(T0 + atMs), asOf: new Date(T0 + atMs) };
    for (const watcher of [...(this.watchers.get(symbol) ?? [])]) watcher.onTick(quote);
  }

  fail(symbol: string, error: Error): void {
    for (const watcher of [...(this.watchers.get(symbol) ?? [])]) watcher.onError(error);
  }
}

/** A SourceHealth set by hand; counts its listeners so a test can see none is left behind. */
export class ManualHealth implements SourceHealth {
  private readonly emitter = new EventEmitter<SourceHealthChange>();
  private state = false;
  listeners = 0;

  get down(): boolean {
    return this.state;
  }

  readonly onChange = (listener: (change: SourceHealthChange) => void): { dispose(): void } => {
    this.listeners += 1;
    const inner = this.emitter.addListener(listener);
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this.listeners -= 1;
        inner.dispose();
      },
    };
  };

  set(down: boolean, reason = down ? 'lost' : 'back'): void {
    if (down === this.state) return;
    this.state = down;
    this.emitter.emit({ down, reason });
  }
}
