import type { StreamItem } from './watch-types.js';

/** One symbol of a watch: its newest unread item and the stamps that decide what may go out. */
export class SymbolSlot {
  /** The newest unread item (`queued`); undefined once read. */
  item: StreamItem | undefined = undefined;
  /** When that item was received from upstream (`performance.now()`, hub.ts); NaN for one that did not come from upstream (the snapshot). */
  receivedAt = Number.NaN;
  /** Timestamp of the newest quote queued or served: an older one is dropped. */
  newest = Number.NEGATIVE_INFINITY;
  /** With a throttle: when this symbol's last item was read. */
  readAt = Number.NEGATIVE_INFINITY;
  queued = false;
  previous: SymbolSlot | undefined = undefined;
  next: SymbolSlot | undefined = undefined;

  constructor(readonly symbol: string) {}
}

/** What `offer` did with an item: queued it, replaced an unread one with it, or dropped it (older than one queued or served). */
export type Offered = 'queued' | 'replaced' | 'dropped';

/**
 * A watch's unread items: the newest per symbol, served in order of arrival (a symbol whose item
 * is replaced moves to the back). A doubly linked list through one fixed slot per symbol, so
 * offering, replacing and taking an item allocate nothing: the Maps of entries and timestamps this
 * replaces allocated an entry, a boxed timestamp and an iterator per item per subscriber, much of
 * the garbage of a tick's fan-out. A timestamp is a number field updated in place.
 */
export class UnreadItems {
  private readonly slots = new Map<string, SymbolSlot>();
  /** The slot of a one-symbol watch (most of them): found by comparing its symbol, not by a map lookup per item. */
  private readonly only: SymbolSlot | undefined;
  private head: SymbolSlot | undefined;
  private tail: SymbolSlot | undefined;

  constructor(symbols: readonly string[]) {
    for (const symbol of symbols) this.slots.set(symbol, new SymbolSlot(symbol));
    this.only = this.slots.size === 1 ? this.slots.values().next().value : undefined;
  }

  get isEmpty(): boolean {
    return this.head === undefined;
  }

  /** Queues `item` of `symbol` at the back, in place of its unread one; a quote older than the symbol's newest is dropped. */
  offer(symbol: string, item: StreamItem, receivedAt: number): Offered {
    const slot = this.only !== undefined && this.only.symbol === symbol ? this.only : this.slots.get(symbol);
    if (!slot) return 'dropped';
    if (!(item instanceof Error)) {
      const at = item.timestamp.getTime();
      if (at < slot.newest) return 'dropped';
      slot.newest = at;
    }
    const replaced = slot.queued;
    if (replaced) this.unlink(slot);
    slot.item = item;
    slot.receivedAt = receivedAt;
    this.append(slot);
    return replaced ? 'replaced' : 'queued';
  }

  /**
   * The first slot whose item may go now, taken off the queue (its item stays in it to be read),
   * or the ms until one may: with `throttleMs`, a symbol goes once per that many ms (an error
   * always goes), and taking one stamps its `readAt` with `at`. Infinity: nothing is queued.
   */
  take(at: number, throttleMs: number): SymbolSlot | number {
    let wait = Number.POSITIVE_INFINITY;
    for (let slot = this.head; slot; slot = slot.next) {
      const error = slot.item instanceof Error;
      const free = throttleMs <= 0 || error ? at : slot.readAt + throttleMs;
      if (free <= at) {
        this.unlink(slot);
        if (throttleMs > 0 && !error) slot.readAt = at;
        return slot;
      }
      wait = Math.min(wait, free - at);
    }
    return wait;
  }

  /** Forgets every unread item. */
  clear(): void {
    for (let slot = this.head; slot; slot = this.head) this.unlink(slot);
    for (const slot of this.slots.values()) slot.item = undefined;
  }

  private append(slot: SymbolSlot): void {
    slot.queued = true;
    slot.previous = this.tail;
    slot.next = undefined;
    if (this.tail) this.tail.next = slot;
    else this.head = slot;
    this.tail = slot;
  }

  private unlink(slot: SymbolSlot): void {
    slot.queued = false;
    if (slot.previous) slot.previous.next = slot.next;
    else this.head = slot.next;
    if (slot.next) slot.next.previous = slot.previous;
    else this.tail = slot.previous;
    slot.previous = undefined;
    slot.next = undefined;
  }
}
