import { createSourceEventStream, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isPushedStream, type PushedStream } from '../streaming/hub.js';
import { DONE, resultFor, shareScope, SharedResultStream } from './shared-results.js';

/** Where a pushed subscription's results go: the transport's side of it. */
export interface ResultSink {
  /**
   * Whether one more result may be written now. When not, the sink calls `resume` once it may (its
   * socket drained to the mark); until then nothing more is taken, so the hub keeps only the newest
   * item per symbol for this subscriber.
   */
  hasRoom(resume: () => void): boolean;
  write(result: ExecutionResult): void;
}

/**
 * A subscription whose results are pushed to `sink` as its items come, rather than read with one
 * `next()` per item: subscribeSharingResults (shared-results.ts) without the async iteration.
 *
 * Read by pull, each item of each subscriber cost a chain of promises (the hub's `next`, the
 * executor's, graphql-ws's loop and `emit`, the write), created when the previous item went out
 * and settled when the next tick came: a quarter of a second later, at 4 ticks a second, long
 * enough to survive a young-generation collection. So most of them were promoted and died in the
 * old generation, which grew to three times what was live between major collections. Pushed,
 * a subscriber holds no promise between ticks: the hub tells it an item is there (synchronously,
 * from the feed's delivery), it takes items while its sink has room, and each is executed or its
 * shared result taken, then written. A result still executing (type-graphql's resolvers answer
 * with promises) holds the subscriber until it settles, so its items stay in order.
 *
 * What the transport iterates is a stream that yields nothing: its one `next()` settles when the
 * subscription ends (done) or fails (rejected), and `return()` ends it at once. A source that
 * cannot push (any resolver other than the hub's) is read by pull, as before.
 */
export async function subscribePushing(args: ExecutionArgs, sink: ResultSink): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  if (!isPushedStream(source)) return new SharedResultStream(source[Symbol.asyncIterator](), args, shareScope(args));
  return new PushedResults(source, args, shareScope(args), sink);
}

class PushedResults implements AsyncIterableIterator<ExecutionResult> {
  /** Taking items now, or waiting for a result to settle: a notification in between changes nothing. */
  private busy = false;
  private failure: { readonly error: unknown } | undefined;
  private settle: { resolve(step: IteratorResult<ExecutionResult>): void; reject(error: unknown): void } | undefined;
  private readonly resume = (): void => this.pump();

  constructor(
    private readonly source: PushedStream<unknown>,
    private readonly args: ExecutionArgs,
    private readonly scope: string | undefined,
    private readonly sink: ResultSink,
  ) {
    source.listen(this.resume);
    this.pump();
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.source.ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return();
    this.finish();
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return();
    this.finish();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return this;
  }

  private pump(): void {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.source.ended && this.sink.hasRoom(this.resume)) {
        const item = this.source.takeNow();
        if (item === undefined) break;
        const result = resultFor(this.args, item, this.scope);
        if ('then' in result) {
          result.then(
            (settled) => {
              if (!this.source.ended) this.sink.write(settled);
              this.busy = false;
              this.pump();
            },
            (error: unknown) => this.fail(error),
          );
          return;
        }
        this.sink.write(result);
      }
    } catch (error) {
      this.fail(error);
      return;
    }
    this.busy = false;
    if (this.source.ended) this.finish();
  }

  /** The stream ended: the transport's pending read is done. */
  private finish(): void {
    const settle = this.settle;
    this.settle = undefined;
    settle?.resolve(DONE);
  }

  /** As graphql-js's mapAsyncIterator: a failed execution ends the source, and the transport's read fails with the error. */
  private fail(error: unknown): void {
    this.failure ??= { error };
    const settle = this.settle;
    this.settle = undefined;
    void this.source.return().finally(() => settle?.reject(error));
  }
}
