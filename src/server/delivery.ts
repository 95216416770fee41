import { EventEmitter, type Event } from 'cockatiel';
import type { GraphQLContext } from '../graphql/context.js';

/** The hub's per-watcher reports (streaming/hub.ts `WatchTap`), as the server layer may name them. */
type WatchTap = NonNullable<GraphQLContext['tap']>;

/** The transport a subscription's items travel over: the label of every delivery metric. */
export type StreamTransport = 'graphql-ws' | 'sse';

/** One item of a subscription written to its client's socket. */
export interface ItemDelivered {
  readonly transport: StreamTransport;
  /** From the tick's receipt from upstream (by its owner, when relayed over Redis) to its message written to the socket (ms); undefined for a snapshot item. */
  readonly latencyMs: number | undefined;
}

export interface TransportEvent {
  readonly transport: StreamTransport;
}

/**
 * What the streaming transports tell the world about delivery, as typed events (cockatiel
 * emitters, as the feeds' `StreamEvents`): metrics subscribe in the composition root, the
 * transports never call them.
 */
export class DeliveryEvents {
  private readonly delivered = new EventEmitter<ItemDelivered>();
  private readonly conflatedItems = new EventEmitter<TransportEvent>();
  private readonly slow = new EventEmitter<TransportEvent>();

  /** An item was written to a client's socket. */
  readonly onDelivered: Event<ItemDelivered> = this.delivered.addListener;
  /** An item waiting for a client was replaced by a newer one of its symbol before it was read. */
  readonly onConflated: Event<TransportEvent> = this.conflatedItems.addListener;
  /** A subscriber was closed for not reading fast enough (graphql-ws: `slowConsumerClose`). */
  readonly onSlowClosed: Event<TransportEvent> = this.slow.addListener;

  /** A fresh tap for one subscription over `transport`. */
  tap(transport: StreamTransport): DeliveryTap {
    return new DeliveryTap(transport, this.delivered, this.conflatedItems);
  }

  emitSlowClosed(transport: StreamTransport): void {
    this.slow.emit({ transport });
  }
}

/**
 * One subscription's tap: the hub reports items read and replaced; the transport says when the
 * message of each read item was written to the socket (`written()`), in the order it read them.
 * Reads whose messages are not written yet wait in order: a transport that does not wait for each
 * write (graphql-ws below its high-water mark) may have several on the way.
 */
export class DeliveryTap implements WatchTap {
  private readonly unwritten: Array<number | undefined> = [];
  private readonly transportEvent: TransportEvent;

  constructor(
    private readonly transport: StreamTransport,
    private readonly delivered: EventEmitter<ItemDelivered>,
    private readonly conflatedItems: EventEmitter<TransportEvent>,
  ) {
    this.transportEvent = { transport };
  }

  conflated(): void {
    this.conflatedItems.emit(this.transportEvent);
  }

  read(receivedAt: number | undefined): void {
    this.unwritten.push(receivedAt);
  }

  /** The message of the oldest item read and not yet written has been written to the socket. */
  written(): void {
    if (this.unwritten.length === 0) return;
    const receivedAt = this.unwritten.shift();
    this.delivered.emit({ transport: this.transport, latencyMs: receivedAt === undefined ? undefined : performance.now() - receivedAt });
  }
}

/** `context` with `tap` beside what it has (a subscription's own copy), or as it is without one. */
export function withTap<TContext>(context: TContext, tap: DeliveryTap | undefined): TContext {
  return tap && typeof context === 'object' && context !== null ? { ...context, tap } : context;
}

/** How the streaming transports treat a client that reads slower than its items come. */
export interface BackpressureSettings {
  /**
   * graphql-ws: bytes queued on a socket (its `bufferedAmount`, past what the kernel took) above
   * which its subscriptions read nothing more from the hub until it drains back to the mark.
   */
  readonly highWaterBytes: number;
  /**
   * How long a subscriber may stay above the mark before it is closed (graphql-ws with
   * `slowConsumerClose`; SSE: one event not taken by the socket for this long ends the response). 0: never.
   */
  readonly slowCloseMs: number;
  /** permessage-deflate on graphql-ws (off by default: it costs CPU and memory per socket). */
  readonly perMessageDeflate: boolean;
}

/** The transports' delivery settings and events (DeliveryEvents), as the server is given them. */
export interface Delivery extends BackpressureSettings {
  readonly events: DeliveryEvents;
}

/**
 * The close of a graphql-ws connection that stayed above its high-water mark for `slowCloseMs`:
 * 4508, a code of our own in the private range, that graphql-ws does not use and its client does
 * not treat as fatal, so the client reconnects (with its backoff) and starts fresh.
 */
export const slowConsumerClose = { code: 4508, reason: 'Slow consumer: the socket did not drain' } as const;
