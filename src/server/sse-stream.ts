import type { ServerResponse } from 'node:http';

/**
 * Whether the writer of one SSE response has written everything it was given. graphql-sse reads
 * an operation's results as fast as they come and queues them for the response without bound; a
 * client reading slowly would build a backlog there, and the hub's latest-value-wins conflation
 * (which works by not being read) would never apply. So the operation's iterator is read only
 * when the response is idle (`pacedStream`), as graphql-ws reads it only once the socket took the
 * previous message: a slow client gets the newest quote per symbol, never a backlog.
 */
export class WriteGate {
  // Busy until the writer first asks for a chunk, so nothing is read before anyone writes.
  private busy = true;
  private waiters: Array<() => void> = [];

  /** The writer is waiting for its next chunk. */
  idle(): void {
    this.busy = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** The writer is writing a chunk. */
  writing(): void {
    this.busy = true;
  }

  /** Resolves once the writer has written everything it was given. */
  ready(): Promise<void> {
    return this.busy ? new Promise((resolve) => this.waiters.push(resolve)) : Promise.resolve();
  }
}

/** An async generator in every respect graphql-sse checks (it calls `return()` on one when its client leaves). */
export type OperationStream<T> = AsyncGenerator<T, void, undefined>;

export interface PacedStreamOptions<T> {
  readonly gate: WriteGate;
  /** When the caller's credentials run out (ms since the epoch); the stream then ends with `expired()`. */
  readonly expiresAt?: number | undefined;
  /** The last item of a stream whose credentials ran out: a result with the error. */
  readonly expired: () => T;
}

const DONE = { done: true, value: undefined } as const;

/**
 * `inner` read through `gate`, ended by `return()` at once (a pending read included, so a client
 * leaving between ticks releases its feeds now, not at the next tick) and, when the credentials
 * expire, ended with one last item saying so, its feeds released first.
 */
export function pacedStream<T>(inner: AsyncIterator<T>, options: PacedStreamOptions<T>): OperationStream<T> {
  let finished = false;
  let expired = false;
  let stop!: () => void;
  const stopped = new Promise<'stopped'>((resolve) => (stop = () => resolve('stopped')));
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<'expired'>((resolve) => {
    if (options.expiresAt === undefined) return;
    const left = options.expiresAt - Date.now();
    // Beyond setTimeout's range (~24.8 days) the token outlives any realistic stream.
    if (left >= 2 ** 31 - 1) return;
    timer = setTimeout(() => resolve('expired'), Math.max(0, left));
    timer.unref();
  });

  const finish = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    stop();
    await inner.return?.();
  };

  const stream: OperationStream<T> = {
    async next() {
      if (finished) return DONE;
      const waited = await Promise.race([options.gate.ready().then(() => 'ready' as const), stopped, expiry]);
      if (waited === 'ready') {
        const read = await Promise.race([inner.next(), stopped, expiry]);
        if (read !== 'stopped' && read !== 'expired') {
          if (read.done) await finish();
          return read.done ? DONE : { done: false, value: read.value };
        }
        if (read === 'stopped') return DONE;
      } else if (waited === 'stopped') {
        return DONE;
      }
      // Expired: the feeds go first, then the client is told why its stream ends.
      await finish();
      if (expired) return DONE;
      expired = true;
      return { done: false, value: options.expired() };
    },
    async return() {
      await finish();
      return DONE;
    },
    async throw(error?: unknown) {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}

export interface EventWriting {
  /** Each chunk once the socket took it (delivery metrics). */
  readonly onWritten?: (() => void) | undefined;
  /**
   * A chunk the socket has not taken within this long (the kernel's buffer full: the client
   * reads slower than its items come) ends the response; 0 or absent: never.
   */
  readonly slowCloseMs?: number | undefined;
  /** Told when the response is ended for that (metrics). */
  readonly onSlowClose?: (() => void) | undefined;
}

/**
 * Writes the chunks of an SSE body to `response`, one at a time, each once the previous one was
 * handed to the socket (the write callback), telling `gate` when it waits for more. Stops when
 * the body ends or the client goes; a client going ends the body (graphql-sse then ends the
 * operation: its feeds are released). A chunk left queued past `slowCloseMs` cuts the response.
 */
export async function writeEventStream(body: AsyncGenerator<string, void, undefined>, response: ServerResponse, gate: WriteGate, writing: EventWriting = {}): Promise<void> {
  const leave = (): void => void body.return(undefined);
  response.once('close', leave);
  const slowCloseMs = writing.slowCloseMs ?? 0;
  try {
    gate.idle();
    for await (const chunk of body) {
      gate.writing();
      let stall: NodeJS.Timeout | undefined;
      const written = await new Promise<boolean>((resolve) => {
        // The response's 'close' may come after its socket stopped taking writes.
        if (!response.writable || response.destroyed) return resolve(false);
        response.write(chunk, (error) => resolve(!error));
        // Left queued (the socket took it all at once otherwise): the client has this long to make room.
        if (slowCloseMs > 0 && response.writableLength > 0) {
          stall = setTimeout(() => {
            writing.onSlowClose?.();
            response.destroy();
            resolve(false);
          }, slowCloseMs);
        }
      });
      clearTimeout(stall);
      if (!written) break;
      writing.onWritten?.();
      gate.idle();
    }
  } finally {
    response.off('close', leave);
    gate.idle();
  }
  if (!response.destroyed) await new Promise<void>((resolve) => response.end(resolve));
}
