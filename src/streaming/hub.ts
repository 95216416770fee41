import { ErrorCode, MarketError, ProviderError, ProviderFailureKind, toClientError, type Quote } from '../domain/index.js';
import type { TickSource } from '../providers/adapter.js';

/** One item of a live stream: a quote, or an error about one symbol that leaves the stream open. */
export type StreamItem = Quote | MarketError;

/**
 * What a transport learns from one watcher, and gives it: the hub reports, the transport (which
 * knows when an item reached its client) turns the reports into its own events.
 */
export interface WatchTap {
  /** An unread item was replaced by a newer one of the same symbol (latest-value-wins, or a throttle). */
  conflated(): void;
  /**
   * An item was handed to the reader: `receivedAt` is when the tick entered the hub
   * (`performance.now()`), undefined for an item that did not come from upstream (the snapshot).
   */
  read(receivedAt: number | undefined): void;
}

/** How one watcher reads, beside what it watches. */
export interface WatchOptions {
  /** What this watcher sees of each live item (a delayed stream, the quote of 15 minutes ago), or nothing. */
  readonly view?: ((item: StreamItem) => StreamItem | undefined) | undefined;
  /** At most one item per symbol per this many ms; newer ones replace the waiting one. 0 or absent: no cap. */
  readonly throttleMs?: number | undefined;
  readonly tap?: WatchTap | undefined;
}

export interface QuoteHubOptions {
  /** Where live ticks come from: the first adapter of the chain that can stream, if any. */
  readonly source: TickSource | undefined;
  /** Told when an upstream feed starts or stops (metrics, logs). */
  readonly onFeedChange?: (event: { readonly symbol: string; readonly active: boolean; readonly feeds: number }) => void;
  /** Monotonic ms, for receipt stamps and throttles (default `performance.now`); tests pass their own. */
  readonly now?: () => number;
}

/** `receivedAt`: when the item entered the hub, told beside it so the Quote type stays the domain's. */
type Listener = (item: StreamItem, receivedAt: number) => void;

/** One symbol's newest unread item. */
interface Pending {
  item: StreamItem;
  receivedAt: number | undefined;
}

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

  private readonly now: () => number;

  constructor(private readonly options: QuoteHubOptions) {
    this.now = options.now ?? (() => performance.now());
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
    const source = this.options.source;
    if (!source) throw new MarketError(ErrorCode.PROVIDER_UNAVAILABLE, 'No enabled provider can stream live quotes.');
    const { view, tap } = options;
    const throttleMs = options.throttleMs ?? 0;
    const now = this.now;

    const pending = new Map<string, Pending>();
    /** Per symbol, the timestamp of the newest quote queued or served. */
    const newest = new Map<string, number>();
    /** With a throttle: per symbol, when its last item was read. */
    const readAt = throttleMs > 0 ? new Map<string, number>() : undefined;
    // Every read waiting for an item; all are woken and each looks again, so none is forgotten.
    const waiting: Array<() => void> = [];
    const wakeAll = (): void => {
      for (const resolve of waiting.splice(0)) resolve();
    };
    const offer = (symbol: string, item: StreamItem, receivedAt: number | undefined): void => {
      if (!(item instanceof Error)) {
        const at = item.timestamp.getTime();
        if (at < (newest.get(symbol) ?? Number.NEGATIVE_INFINITY)) return;
        newest.set(symbol, at);
      }
      const unread = pending.get(symbol);
      if (unread) tap?.conflated();
      // Re-inserting moves the symbol to the back, so symbols are served in order of arrival.
      pending.delete(symbol);
      pending.set(symbol, { item, receivedAt });
      wakeAll();
    };
    const unique = [...new Set(symbols)];
    for (const symbol of unique) {
      const quote = current.get(symbol);
      if (quote) offer(symbol, quote, undefined);
    }
    let done = false;
    const seen: (symbol: string, item: StreamItem, receivedAt: number) => void = view
      ? (symbol, item, receivedAt) => {
          const shown = view(item);
          if (shown !== undefined) offer(symbol, shown, receivedAt);
        }
      : offer;
    const detachers = unique.map((symbol) => this.attach(source, symbol, (item, receivedAt) => seen(symbol, item, receivedAt)));

    const finish = (): IteratorResult<StreamItem> => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        this.openWatches.delete(finish);
        for (const detach of detachers) detach();
        pending.clear();
        wakeAll();
      }
      return { value: undefined, done: true };
    };

    this.openWatches.add(finish);

    // One timer per throttled watcher at most, moved earlier when a symbol comes free sooner.
    let timer: NodeJS.Timeout | undefined;
    let timerDue = Number.POSITIVE_INFINITY;
    const wakeIn = (ms: number): void => {
      const due = now() + ms;
      if (timer && timerDue <= due) return;
      clearTimeout(timer);
      timerDue = due;
      timer = setTimeout(() => {
        timer = undefined;
        timerDue = Number.POSITIVE_INFINITY;
        wakeAll();
      }, Math.ceil(ms));
    };

    /** The first unread item its throttle lets out now (errors always pass), or how long until one may go. */
    const take = (): Pending | number => {
      if (!readAt) {
        const first = pending.entries().next();
        if (first.done) return Number.POSITIVE_INFINITY;
        pending.delete(first.value[0]);
        return first.value[1];
      }
      const at = now();
      let wait = Number.POSITIVE_INFINITY;
      for (const [symbol, entry] of pending) {
        const free = entry.item instanceof Error ? at : (readAt.get(symbol) ?? Number.NEGATIVE_INFINITY) + throttleMs;
        if (free <= at) {
          pending.delete(symbol);
          if (!(entry.item instanceof Error)) readAt.set(symbol, at);
          return entry;
        }
        wait = Math.min(wait, free - at);
      }
      return wait;
    };

    const iterator: AsyncIterableIterator<StreamItem> = {
      next: async () => {
        while (!done) {
          const taken = take();
          if (typeof taken !== 'number') {
            tap?.read(taken.receivedAt);
            return { value: taken.item, done: false };
          }
          // Held back by the throttle only: woken when the first symbol is free again, or by a new item.
          if (taken !== Number.POSITIVE_INFINITY) wakeIn(taken);
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
        (quote) => {
          // Stamped once as it enters, for every watcher: the start of tick-to-client latency.
          const receivedAt = this.now();
          listeners.forEach((notify) => notify(quote, receivedAt));
        },
        (error) => {
          const receivedAt = this.now();
          listeners.forEach((notify) => notify(feedError(symbol, error), receivedAt));
        },
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
