import type { Quote } from '../../domain/index.js';
import type { OnTick, TickSource } from '../../providers/adapter.js';

/** One `start` of the source: where a symbol's ticks and errors go. */
export interface TickWatcher {
  readonly onTick: OnTick;
  readonly onError: (error: Error) => void;
}

/**
 * One watched symbol on this instance: its watchers, whether this instance owns its upstream,
 * whether its channel is listened to, its local upstream feed when running, and the newest tick
 * delivered. Whatever path a tick takes (the channel, or the local feed during an outage), it
 * reaches the watchers only through `deliver`, which drops a tick older than the newest delivered
 * (and the same tick twice), so switching paths never shows a watcher the past.
 */
export class SymbolFeed {
  owned = false;
  joined = false;
  private readonly watchers = new Set<TickWatcher>();
  private stopLocal: (() => void) | undefined;
  private newestAt = Number.NEGATIVE_INFINITY;
  private newestPrice = Number.NaN;

  constructor(readonly symbol: string) {}

  /** Adds a watcher; answers the function that removes it, which answers true when it removed the last. */
  add(watcher: TickWatcher): () => boolean {
    // Wrapped: the same callbacks given twice are two watchers, each removed by its own stop.
    const own: TickWatcher = { onTick: (quote, receivedAt) => watcher.onTick(quote, receivedAt), onError: (error) => watcher.onError(error) };
    this.watchers.add(own);
    let removed = false;
    return () => {
      if (removed) return false;
      removed = true;
      this.watchers.delete(own);
      return this.watchers.size === 0;
    };
  }

  get upstreamRunning(): boolean {
    return this.stopLocal !== undefined;
  }

  /** Starts the local upstream feed unless it runs already. */
  startUpstream(local: TickSource, to: TickWatcher): void {
    if (this.stopLocal !== undefined) return;
    // Marked running before start: a source may report an unknown symbol synchronously.
    let stopped = false;
    this.stopLocal = () => (stopped = true);
    let stop: () => void;
    try {
      stop = local.start(this.symbol, to.onTick, to.onError);
    } catch (error) {
      // Started from a lease round or an outage, not from a watcher's call: a throw has no caller
      // to reach, so it goes to the watchers as the feed's error, as a failing feed's would.
      this.stopLocal = undefined;
      to.onError(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (stopped) stop();
    else this.stopLocal = stop;
  }

  stopUpstream(): void {
    const stop = this.stopLocal;
    this.stopLocal = undefined;
    stop?.();
  }

  /** `receivedAt`: its owner's receipt from upstream, for a tick relayed over Redis (OnTick). */
  deliver(quote: Quote, receivedAt?: number): void {
    const at = quote.timestamp.getTime();
    if (at < this.newestAt || (at === this.newestAt && quote.price === this.newestPrice)) return;
    this.newestAt = at;
    this.newestPrice = quote.price;
    for (const watcher of this.watchers) watcher.onTick(quote, receivedAt);
  }

  deliverError(error: Error): void {
    for (const watcher of this.watchers) watcher.onError(error);
  }
}
