import type { Quote } from '../domain/index.js';
import { UnreadItems, type SymbolSlot } from './unread-items.js';
import type { PushedStream, StreamItem, WatchOptions, WatchTap } from './watch-types.js';

/** One symbol's upstream feed in the hub, shared by every watch of the symbol. */
export interface Feed {
  readonly stop: () => void;
  readonly watches: Set<Watch>;
}

/** What a watch asks of its hub: to join a symbol's feed (started on the first), leave it, and be forgotten. */
export interface FeedHost {
  join(symbol: string, watch: Watch): Feed;
  leave(symbol: string, feed: Feed, watch: Watch): void;
  ended(watch: Watch): void;
}

/**
 * One watcher of the hub (QuoteHub.watch has the rules): the newest unread item per symbol, and
 * the iterator the transport reads. A class rather than closures: a subscription holds one of
 * these for its whole life, and a dozen closures with their contexts were ≈ 1 KB of it.
 */
export class Watch implements AsyncIterableIterator<StreamItem>, PushedStream<StreamItem> {
  /** The newest unread item per symbol, in order of arrival, with each symbol's newest timestamp (unread-items.ts). */
  private readonly unread: UnreadItems;
  private readonly view: WatchOptions['view'];
  private readonly tap: WatchTap | undefined;
  private readonly throttleMs: number;
  private readonly symbols: readonly string[];
  /** The feed of each symbol, in `symbols` order, once joined. */
  private feeds: readonly Feed[] | undefined;
  private readonly onEnd: (() => void) | undefined;
  // Every read waiting for an item; all are woken and each looks again, so none is forgotten.
  private waiting: Array<() => void> = [];
  /** Push mode's reader (`listen`), told whenever an item may be there to take. */
  private listener: (() => void) | undefined;
  private done = false;
  // One timer per throttled watcher at most, moved earlier when a symbol comes free sooner.
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Number.POSITIVE_INFINITY;

  constructor(
    private readonly host: FeedHost,
    private readonly now: () => number,
    symbols: readonly string[],
    current: ReadonlyMap<string, Quote>,
    options: WatchOptions,
  ) {
    this.view = options.view;
    this.tap = options.tap;
    this.throttleMs = options.throttleMs ?? 0;
    this.onEnd = options.onEnd;
    this.symbols = [...new Set(symbols)];
    this.unread = new UnreadItems(this.symbols);
    for (const symbol of this.symbols) {
      const quote = current.get(symbol);
      if (quote) this.offer(symbol, quote, Number.NaN);
    }
    if (!options.startOnRead) this.join();
  }

  /** A live item of `symbol`, as its feed brings it: what this watcher sees of it goes in. */
  deliver(symbol: string, item: StreamItem, receivedAt: number): void {
    if (!this.view) return this.offer(symbol, item, receivedAt);
    const shown = this.view(item);
    if (shown !== undefined) this.offer(symbol, shown, receivedAt);
  }

  /** Ends the watch now: feeds released, a pending read returns done. */
  end(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.host.ended(this);
    const feeds = this.feeds;
    if (feeds) this.symbols.forEach((symbol, index) => this.host.leave(symbol, feeds[index] as Feed, this));
    this.unread.clear();
    this.wakeAll();
    this.onEnd?.();
  }

  async next(): Promise<IteratorResult<StreamItem>> {
    if (!this.feeds && !this.done) this.join();
    while (!this.done) {
      const taken = this.take();
      if (typeof taken !== 'number') return { value: this.read(taken), done: false };
      // Held back by the throttle only: woken when the first symbol is free again, or by a new item.
      if (taken !== Number.POSITIVE_INFINITY) this.wakeIn(taken);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    return { value: undefined, done: true };
  }

  /**
   * Push mode, for a transport that writes items as they come rather than awaiting `next()` for
   * each: no promise per item. `onReady` is called whenever an item may be there to take (from
   * inside the feed's delivery, so take synchronously or not at all) and once when the watch ends;
   * `takeNow()` hands items over. Opens the feeds, as a first read does.
   */
  listen(onReady: () => void): void {
    this.listener = onReady;
    if (!this.feeds && !this.done) this.join();
  }

  /** The first unread item the throttle lets out now, or undefined: none yet (`onReady` comes when there is) or the watch ended. */
  takeNow(): StreamItem | undefined {
    if (this.done) return undefined;
    const taken = this.take();
    if (typeof taken === 'number') {
      if (taken !== Number.POSITIVE_INFINITY) this.wakeIn(taken);
      return undefined;
    }
    return this.read(taken);
  }

  get ended(): boolean {
    return this.done;
  }

  async return(): Promise<IteratorResult<StreamItem>> {
    this.end();
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<StreamItem>> {
    this.end();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StreamItem> {
    return this;
  }

  private join(): void {
    this.feeds = this.symbols.map((symbol) => this.host.join(symbol, this));
  }

  private offer(symbol: string, item: StreamItem, receivedAt: number): void {
    const offered = this.unread.offer(symbol, item, receivedAt);
    if (offered === 'dropped') return;
    if (offered === 'replaced') this.tap?.conflated();
    this.wakeAll();
  }

  /** The item of a slot just taken, its read told to the tap. */
  private read(slot: SymbolSlot): StreamItem {
    this.tap?.read(Number.isNaN(slot.receivedAt) ? undefined : slot.receivedAt);
    const item = slot.item as StreamItem;
    // Let go of it: held here until the next tick (a quarter of a second at 4 a second), a tick,
    // its shared result and its serialised payload (both kept on it) outlived a young-generation
    // collection and were copied by it; read and dropped, they die young.
    slot.item = undefined;
    return item;
  }

  private wakeAll(): void {
    if (this.waiting.length > 0) {
      const waiting = this.waiting;
      this.waiting = [];
      for (const resolve of waiting) resolve();
    }
    this.listener?.();
  }

  private wakeIn(ms: number): void {
    const due = this.now() + ms;
    if (this.timer && this.timerDue <= due) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Number.POSITIVE_INFINITY;
      this.wakeAll();
    }, Math.ceil(ms));
  }

  /** The first unread item its throttle lets out now (errors always pass), or how long until one may go. */
  private take(): SymbolSlot | number {
    return this.unread.take(this.throttleMs > 0 ? this.now() : 0, this.throttleMs);
  }
}
