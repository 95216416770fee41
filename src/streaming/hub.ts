import { ErrorCode, MarketError, ProviderError, ProviderFailureKind, toClientError, type Quote } from '../domain/index.js';
import type { TickSource } from '../providers/adapter.js';
import type { StreamItem, WatchOptions } from './watch-types.js';
import { Watch, type Feed, type FeedHost } from './watch.js';

export type { PushedStream, StreamItem, WatchOptions, WatchTap } from './watch-types.js';
export { isPushedStream } from './watch-types.js';

export interface QuoteHubOptions {
  /** Where live ticks come from: the first adapter of the chain that can stream, if any. */
  readonly source: TickSource | undefined;
  /** Told when an upstream feed starts or stops (metrics, logs). */
  readonly onFeedChange?: (event: { readonly symbol: string; readonly active: boolean; readonly feeds: number }) => void;
  /** Monotonic ms, for receipt stamps and throttles (default `performance.now`); tests pass their own. */
  readonly now?: () => number;
}

/**
 * Live quotes, independent of any transport. One upstream feed per symbol however many clients
 * watch it; the feed stops when its last watcher leaves.
 *
 * Each watcher keeps only the newest item per symbol until it reads: a slow client gets the
 * latest price, not a growing backlog of old ones, so memory stays bounded whatever the tick rate.
 * Per watcher and symbol, timestamps never go backwards. A watcher is one object (watch.ts: its
 * unread items, newest timestamps, the iterator) and one entry in each of its symbols' feeds, so
 * what it holds is under 1 KB plus one unread item per symbol, whatever the tick rate.
 */
export class QuoteHub {
  private readonly feeds = new Map<string, Feed>();
  /** Every open watch, for `close()`. */
  private readonly openWatches = new Set<Watch>();

  private readonly now: () => number;
  /** What watches call back into; built once per hub, so a watch carries no closures of its own. */
  private readonly host: FeedHost;

  constructor(private readonly options: QuoteHubOptions) {
    this.now = options.now ?? (() => performance.now());
    this.host = {
      join: (symbol, watch) => this.join(symbol, watch),
      leave: (symbol, feed, watch) => this.leave(symbol, feed, watch),
      ended: (watch) => this.openWatches.delete(watch),
    };
  }

  get canStream(): boolean {
    return this.options.source !== undefined;
  }

  /** Number of upstream feeds running now. */
  get activeFeeds(): number {
    return this.feeds.size;
  }

  /** Number of streams being watched now. */
  get watchers(): number {
    return this.openWatches.size;
  }

  /**
   * A stream of the given canonical symbols, starting with `current` (the quote of each symbol the
   * caller already holds, served first unless a newer tick replaces it before it is read). Per
   * symbol, no quote is ever older than one queued or served before it: a tick stamped earlier is
   * dropped, so a client never sees a price that the previous item already superseded. Ending the
   * iteration (`return()`, a `for await` break, a closed socket) releases the feeds.
   *
   * `options.view`, when given, is what this watcher sees of each live item (a delayed stream sees
   * the quote of 15 minutes ago), or nothing; it applies before the rules above. `current` is given
   * as the watcher sees it already. `options.throttleMs` lets at most one item per symbol out per
   * that many ms (the newest waiting); `options.tap` is told of each replaced and each read item.
   */
  watch(symbols: readonly string[], current: ReadonlyMap<string, Quote> = new Map(), options: WatchOptions = {}): AsyncIterableIterator<StreamItem> {
    if (!this.options.source) throw new MarketError(ErrorCode.PROVIDER_UNAVAILABLE, 'No enabled provider can stream live quotes.');
    const watch = new Watch(this.host, this.now, symbols, current, options);
    this.openWatches.add(watch);
    return watch;
  }

  /** Stops every feed and ends every watch: a pending read returns done. Used at shutdown. */
  close(): void {
    for (const watch of [...this.openWatches]) watch.end();
    for (const [symbol, feed] of this.feeds) {
      feed.stop();
      feed.watches.clear();
      this.feeds.delete(symbol);
    }
  }

  /** Adds `watch` to the feed of `symbol`, started if it is the first. */
  private join(symbol: string, watch: Watch): Feed {
    const source = this.options.source;
    if (!source) throw new MarketError(ErrorCode.PROVIDER_UNAVAILABLE, 'No enabled provider can stream live quotes.');
    const running = this.feeds.get(symbol);
    if (running) {
      running.watches.add(watch);
      return running;
    }
    // Listen before starting: a source may report an unknown symbol synchronously.
    const watches = new Set<Watch>([watch]);
    this.feeds.set(symbol, { watches, stop: () => undefined });
    const stop = source.start(
      symbol,
      (quote, receivedAtUpstream) => {
        // Stamped once, for every watcher: the start of tick-to-client latency, the upstream's
        // receipt when the source knows it (relayed by the cluster), else its entry here.
        const receivedAt = receivedAtUpstream ?? this.now();
        watches.forEach((each) => each.deliver(symbol, quote, receivedAt));
      },
      (error) => {
        const receivedAt = this.now();
        watches.forEach((each) => each.deliver(symbol, feedError(symbol, error), receivedAt));
      },
    );
    const feed: Feed = { watches, stop };
    this.feeds.set(symbol, feed);
    this.options.onFeedChange?.({ symbol, active: true, feeds: this.feeds.size });
    return feed;
  }

  /** Takes `watch` off `feed`; the feed stops with its last watcher (unless `close()` already dropped it). */
  private leave(symbol: string, feed: Feed, watch: Watch): void {
    feed.watches.delete(watch);
    if (feed.watches.size === 0 && this.feeds.get(symbol) === feed) {
      feed.stop();
      this.feeds.delete(symbol);
      this.options.onFeedChange?.({ symbol, active: false, feeds: this.feeds.size });
    }
  }
}

/** A feed failure as a client sees it; a NOT_FOUND names the symbol in our words. */
function feedError(symbol: string, error: Error): MarketError {
  if (error instanceof ProviderError && error.kind === ProviderFailureKind.NOT_FOUND) {
    return new MarketError(ErrorCode.NOT_FOUND, `No live quotes for symbol "${symbol}".`, { symbol });
  }
  return toClientError(error);
}
