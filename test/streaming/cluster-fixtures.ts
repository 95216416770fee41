import type { Quote } from '../../src/domain/index.js';
import type { TickSource } from '../../src/providers/adapter.js';
import type { ClusterSource } from '../../src/streaming/cluster/cluster-source.js';

/** The fakes of the cluster fan-out tests: an upstream per simulated instance, and watchers. */

const TICK_MS = 20;

/** An upstream that ticks every symbol it is asked for, counting starts and running feeds. */
export class CountingUpstream implements TickSource {
  /** `lagMs`: how far behind the wall clock its ticks are stamped (an upstream that is late). */
  constructor(private readonly lagMs = 0) {}

  readonly starts = new Map<string, number>();
  readonly running = new Map<string, number>();
  /** Every tick emitted, per symbol (timestamps). */
  readonly emitted = new Map<string, number[]>();

  start(symbol: string, onTick: (quote: Quote) => void): () => void {
    this.starts.set(symbol, (this.starts.get(symbol) ?? 0) + 1);
    this.running.set(symbol, (this.running.get(symbol) ?? 0) + 1);
    let price = 100;
    const timer = setInterval(() => {
      price += 0.01;
      const now = new Date(Date.now() - this.lagMs);
      this.emitted.set(symbol, [...(this.emitted.get(symbol) ?? []), now.getTime()]);
      onTick({ symbol, price, change: 0, changePercent: 0, open: null, high: null, low: null, previousClose: null, volume: null, timestamp: now, source: 'fake', asOf: now, stale: false });
    }, TICK_MS);
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      this.running.set(symbol, (this.running.get(symbol) ?? 1) - 1);
    };
  }

  get totalStarts(): number {
    return [...this.starts.values()].reduce((sum, count) => sum + count, 0);
  }

  get totalRunning(): number {
    return [...this.running.values()].reduce((sum, count) => sum + count, 0);
  }
}

/** One watcher: what it received per symbol, any tick older than the one before, any error, how old each tick's upstream receipt was. */
export class Watcher {
  readonly received = new Map<string, number[]>();
  older = 0;
  /** Per tick, ms since its owner received it from upstream (NaN: the tick did not say). */
  readonly receiptAges: number[] = [];
  readonly errors: Error[] = [];
  private readonly stops = new Map<string, () => void>();

  constructor(source: ClusterSource, symbols: readonly string[]) {
    for (const symbol of symbols) {
      const stop = source.start(
        symbol,
        (quote, receivedAt) => {
          this.receiptAges.push(receivedAt === undefined ? Number.NaN : performance.now() - receivedAt);
          const seen = this.received.get(symbol) ?? [];
          if (seen.length > 0 && quote.timestamp.getTime() < seen[seen.length - 1]!) this.older += 1;
          seen.push(quote.timestamp.getTime());
          this.received.set(symbol, seen);
        },
        (error) => this.errors.push(error),
      );
      this.stops.set(symbol, stop);
    }
  }

  count(symbol: string): number {
    return this.received.get(symbol)?.length ?? 0;
  }

  stop(symbol?: string): void {
    for (const [name, stop] of this.stops) if (symbol === undefined || name === symbol) stop();
  }
}
