import type { WebSocket } from 'ws';

export interface DrainOptions {
  /** Bytes queued on the socket (`bufferedAmount`) above which nothing more is read for it. */
  readonly highWaterBytes: number;
  /** How long the socket may stay above the mark before it is closed with `close`; 0: never. */
  readonly slowCloseMs: number;
  readonly close: { readonly code: number; readonly reason: string };
  /** Told of each connection closed for staying above the mark (metrics). */
  readonly onSlowClose?: () => void;
}

/** One settled promise for every answer of "go on now": the common case allocates nothing. */
const READY: Promise<void> = Promise.resolve();

/** How long a connection closed for reading too slowly may take to let its close frame through before it is cut. */
const SLOW_CLOSE_GRACE_MS = 5_000;

/**
 * Backpressure for one WebSocket, whatever it carries: `ready()` resolves at once while the bytes
 * queued on the socket (`bufferedAmount`: what the kernel has not taken yet) are at or below the
 * high-water mark, else once writes have drained it back there. A subscription reads its next
 * item from the hub only then, so above the mark a slow client's items wait in the hub, newest per
 * symbol (conflated harder: nothing is read at all, where below it every item is), instead of
 * piling up in the socket. A socket that stays above the mark for `slowCloseMs` is closed with
 * `close`, and cut after a grace if its client does not take the close frame either; every other
 * socket is untouched.
 *
 * There is no 'drain' event on a ws WebSocket: each write's callback (`written()`) is when the
 * queue shrinks, and while the socket is above the mark its own writes are still on the way, so
 * one of them always calls back.
 */
export class SocketDrain {
  private waiters: Array<() => void> = [];
  private stall: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: DrainOptions,
  ) {}

  private get above(): boolean {
    return this.socket.bufferedAmount > this.options.highWaterBytes;
  }

  /** Whether the next item may be read now (below the mark, or the socket closed): `ready()` would resolve at once. */
  get hasRoom(): boolean {
    return this.disposed || !this.above;
  }

  /** Resolves when the next item may be read: now below the mark, else once drained to it (or closed). */
  ready(): Promise<void> {
    if (this.hasRoom) return READY;
    this.startStallTimer();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** A write finished: the queue shrank. */
  written(): void {
    // Nobody waits (the common case, below the mark): nothing to tell, no need to read the queue.
    if (this.waiters.length === 0 && !this.stall) return;
    if (this.above) return;
    this.release();
  }

  /** The socket closed: whoever waits goes on (and finds its subscription ended). */
  dispose(): void {
    this.disposed = true;
    this.release();
  }

  private release(): void {
    clearTimeout(this.stall);
    this.stall = undefined;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private startStallTimer(): void {
    if (this.stall || this.options.slowCloseMs <= 0) return;
    this.stall = setTimeout(() => {
      this.stall = undefined;
      if (this.disposed || !this.above) return;
      this.options.onSlowClose?.();
      this.socket.close(this.options.close.code, this.options.close.reason);
      // The close frame queues behind what the client has not read; a client that reads nothing more never gets it.
      setTimeout(() => this.socket.terminate(), SLOW_CLOSE_GRACE_MS).unref();
      // Its subscriptions stay held back until the socket's 'close' (dispose): nothing more is read for it.
    }, this.options.slowCloseMs);
    this.stall.unref();
  }
}
