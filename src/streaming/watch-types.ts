import type { MarketError, Quote } from '../domain/index.js';

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
   * An item was handed to the reader: `receivedAt` is when the tick was received from upstream (hub.ts)
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
  /**
   * Join the symbols' feeds on the first read rather than at once, so a stream that is never read
   * never starts a feed (a subscription refused or abandoned before its first item).
   */
  readonly startOnRead?: boolean | undefined;
  /** Called once when the watch ends, however it ends (returned, closed by the hub, never read and returned). */
  readonly onEnd?: (() => void) | undefined;
}

/**
 * A stream a transport may read by push instead of by `next()` (the hub's Watch): `listen` once,
 * then `takeNow()` whenever told, until `ended`. `return()` ends it, as for any async iterator.
 */
export interface PushedStream<T> {
  listen(onReady: () => void): void;
  takeNow(): T | undefined;
  readonly ended: boolean;
  return(): Promise<IteratorResult<T>>;
}

/** Whether `source` (a subscription's source stream, whatever its resolver returned) can be read by push. */
export function isPushedStream(source: unknown): source is PushedStream<unknown> {
  if (typeof source !== 'object' || source === null) return false;
  const candidate = source as Partial<PushedStream<unknown>>;
  return typeof candidate.listen === 'function' && typeof candidate.takeNow === 'function' && typeof candidate.return === 'function';
}
