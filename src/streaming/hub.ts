import { ErrorCode, MarketError, ProviderError, ProviderFailureKind, toClientError, type Quote } from '../domain/index.js';
import type { TickSource } from '../providers/adapter.js';

/** One item of a live stream: a quote, or an error about one symbol that leaves the stream open. */
export type StreamItem = Quote | MarketError;

export interface QuoteHubOptions {
  /** Where live ticks come from: the first adapter of the chain that can stream, if any. */
  readonly source: TickSource | undefined;
  /** Told when an upstream feed starts or stops (metrics, logs). */
  readonly onFeedChange?: (event: { readonly symbol: string; readonly active: boolean; readonly feeds: number }) => void;
}

type Listener = (item: StreamItem) => void;

interface Feed {
  readonly stop: () => void;
  readonly listeners: Set<Listener>;
}

/**
 * Live quotes, independent of any transport. One upstream feed per symbol however many clients
 * watch it; the feed stops when its last watcher leaves.
 *
 * Each watcher keeps only the newest item per symbol until it reads: a slow client gets the
 * latest price, not a growing backlog of old ones, so memory stays bounded whatever the tick rate.
 * Per watcher and symbol, timestamps never go backwards.
 */
export class QuoteHub {
  private readonly feeds = new Map<string, Feed>();
  /** How to end each open watch, for `close()`. */
  private readonly openWatches = new Set<() => void>();

  constructor(private readonly options: QuoteHubOptions) {}

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
   * `view`, when given, is what this watcher sees of each live item (a delayed stream sees the
   * quote of 15 minutes ago), or nothing; it applies before the rules above. `current` is given
   * as the watcher sees it already.
   */
  watch(
    symbols: readonly string[],
    current: ReadonlyMap<string, Quote> = new Map(),
    view?: (item: StreamItem) => StreamItem | undefined,
  ): AsyncIterableIterator<StreamItem> {
    const source = this.options.source;
    if (!source) throw new MarketError(ErrorCode.PROVIDER_UNAVAILABLE, 'No enabled provider can stream live quotes.');

    const pending = new Map<string, StreamItem>();
    /** Per symbol, the timestamp of the newest quote queued or served. */
    const newest = new Map<string, number>();
    // Every read waiting for an item; all are woken and each looks again, so none is forgotten.
    const waiting: Array<() => void> = [];
    const wakeAll = (): void => {
      for (const resolve of waiting.splice(0)) resolve();
    };
    const offer = (symbol: string, item: StreamItem): void => {
      if (!(item instanceof Error)) {
        const at = item.timestamp.getTime();
        if (at < (newest.get(symbol) ?? Number.NEGATIVE_INFINITY)) return;
        newest.set(symbol, at);
      }
      // Re-inserting moves the symbol to the back, so symbols are served in order of arrival.
      pending.delete(symbol);
      pending.set(symbol, item);
      wakeAll();
    };
    const unique = [...new Set(symbols)];
    for (const symbol of unique) {
      const quote = current.get(symbol);
      if (quote) offer(symbol, quote);
    }
    let done = false;
    const seen = view
      ? (symbol: string, item: StreamItem): void => {
          const shown = view(item);
          if (shown !== undefined) offer(symbol, shown);
        }
      : offer;
    const detachers = unique.map((symbol) => this.attach(source, symbol, (item) => seen(symbol, item)));

    const finish = (): IteratorResult<StreamItem> => {
      if (!done) {
        done = true;
        this.openWatches.delete(finish);
        for (const detach of detachers) detach();
        pending.clear();
        wakeAll();
      }
      return { value: undefined, done: true };
    };

    this.openWatches.add(finish);

    const iterator: AsyncIterableIterator<StreamItem> = {
      next: async () => {
        while (!done) {
          const first = pending.entries().next();
          if (!first.done) {
            const [symbol, item] = first.value;
            pending.delete(symbol);
            return { value: item, done: false };
          }
          await new Promise<void>((resolve) => waiting.push(resolve));
        }
        return { value: undefined, done: true };
      },
      return: async () => finish(),
      throw: async (error?: unknown) => {
        finish();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** Stops every feed and ends every watch: a pending read returns done. Used at shutdown. */
  close(): void {
    for (const finish of [...this.openWatches]) finish();
    for (const [symbol, feed] of this.feeds) {
      feed.stop();
      feed.listeners.clear();
      this.feeds.delete(symbol);
    }
  }

  private attach(source: TickSource, symbol: string, listener: Listener): () => void {
    let feed = this.feeds.get(symbol);
    if (feed) feed.listeners.add(listener);
    else {
      // Listen before starting: a source may report an unknown symbol synchronously.
      const listeners = new Set<Listener>([listener]);
      const started: Feed = { listeners, stop: () => undefined };
      this.feeds.set(symbol, started);
      const stop = source.start(
        symbol,
        (quote) => listeners.forEach((notify) => notify(quote)),
        (error) => listeners.forEach((notify) => notify(feedError(symbol, error))),
      );
      feed = { listeners, stop };
      this.feeds.set(symbol, feed);
      this.options.onFeedChange?.({ symbol, active: true, feeds: this.feeds.size });
    }
    const owned = feed;
    return () => {
      owned.listeners.delete(listener);
      if (owned.listeners.size === 0 && this.feeds.get(symbol) === owned) {
        owned.stop();
        this.feeds.delete(symbol);
        this.options.onFeedChange?.({ symbol, active: false, feeds: this.feeds.size });
      }
    };
  }
}

/** A feed failure as a client sees it; a NOT_FOUND names the symbol in our words. */
function feedError(symbol: string, error: Error): MarketError {
  if (error instanceof ProviderError && error.kind === ProviderFailureKind.NOT_FOUND) {
    return new MarketError(ErrorCode.NOT_FOUND, `No live quotes for symbol "${symbol}".`, { symbol });
  }
  return toClientError(error);
}
