import { randomUUID } from 'node:crypto';
import { describeFailure, workOf, type DeadLetterJob } from './dead-letter-job.js';
import { ParkedJobs, type ParkedJobsOptions } from './parked-jobs.js';

export type { DeadLetterError, DeadLetterJob, DeadLetterState } from './dead-letter-job.js';

/** Background work that failed and should be tried again without a client waiting for it. */
export interface RefreshRequest {
  /** Whose failure it is: the first provider of the chain for the capability. */
  readonly provider: string;
  readonly capability: string;
  readonly key: string;
  /** What to ask again (JSON: it may be parked in Redis). */
  readonly query: unknown;
  /** Why it failed. Only its kind and our message are kept. */
  readonly error: unknown;
}

export interface DeadLetterQueueOptions extends ParkedJobsOptions {
  /** Does the work of a job once: resolves when it succeeded, rejects with why it did not. */
  readonly run: (job: DeadLetterJob) => Promise<void>;
  /** Delay before each retry; after the last retry fails the job is parked (default 1 s, 2 s, 4 s). */
  readonly retryDelaysMs?: readonly number[];
  /** Jobs running at once; due jobs beyond it wait their turn in order (default 4). */
  readonly concurrency?: number;
  /** Wall clock of the jobs' timestamps (epoch ms); tests inject one. Delays are real timers. */
  readonly now?: () => number;
  /** A job ran out of retries and was parked as `failed`. */
  readonly onParked?: (job: DeadLetterJob) => void;
  /** A job was dropped to keep the bound: an old parked one, or a new one with no room for it. */
  readonly onDropped?: (event: { readonly provider: string; readonly count: number }) => void;
  /** A job's work succeeded (its first try, a retry or a replay). */
  readonly onRecovered?: (job: DeadLetterJob) => void;
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000];
const DEFAULT_CONCURRENCY = 4;

interface Queued {
  job: DeadLetterJob;
  /** Index in the delays of the next retry; past the end, the next failure parks the job. */
  step: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The dead-letter queue for failed background work (a refresh of a key served stale).
 *
 *   schedule  queues a job for a piece of work (capability + key) unless one for it is already
 *             queued or running in this instance; the first try is one delay later.
 *   retries   a try that fails waits the next delay (1 s, 2 s, 4 s by default); after the last
 *             the job is parked as `failed`, with its error and attempts, for review.
 *   replay    takes a provider's parked jobs (from Redis too: any instance's) and runs them now;
 *             one that fails again goes through the same retries and is parked again.
 *
 * Bounded: per provider, jobs queued here plus jobs parked in memory stay within the cap (the
 * oldest parked job makes room; with none, the new job is dropped), and the Redis list is trimmed
 * to the cap, oldest first. Every drop is told. At most `concurrency` jobs run at once. Timers are
 * unref'd, so a queue never keeps a process alive; `close()` stops them.
 */
export class DeadLetterQueue {
  private readonly parked: ParkedJobs;
  private readonly delays: readonly number[];
  private readonly concurrency: number;
  private readonly now: () => number;
  /** By work (`capability:key`): the dedup key. */
  private readonly queued = new Map<string, Queued>();
  private readonly queuedPerProvider = new Map<string, number>();
  /** Due jobs waiting for a free slot, in the order they fell due. */
  private readonly ready: Queued[] = [];
  private running = 0;
  private closed = false;

  constructor(private readonly options: DeadLetterQueueOptions) {
    this.delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    if (this.delays.length === 0 || this.delays.some((delay) => !Number.isFinite(delay) || delay < 0)) {
      throw new Error(`dead letters: retry delays ${this.delays.join(',')} must be one or more non-negative numbers`);
    }
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.now = options.now ?? Date.now;
    this.parked = new ParkedJobs(options);
  }

  /**
   * Queues the work unless it is queued already; answers whether a job was queued. The first
   * try comes one delay later, so a burst of failures for the same key costs one job.
   */
  schedule(request: RefreshRequest): boolean {
    if (this.closed || this.queued.has(workOf(request))) return false;
    if (!this.makeRoom(request.provider)) return false;
    const now = this.now();
    const delay = this.delays[0] as number;
    const job: DeadLetterJob = {
      capability: request.capability,
      key: request.key,
      id: randomUUID(),
      provider: request.provider,
      query: request.query,
      attempts: 0,
      lastError: describeFailure(request.error),
      createdAt: now,
      nextAttemptAt: now + delay,
      state: 'retrying',
    };
    const entry = this.enqueue(job);
    this.arm(entry, delay);
    return true;
  }

  /**
   * Replays the parked jobs of these providers now, each from the start of its retries; answers
   * how many were taken off the shelf. A job whose work is queued here already joins that job.
   */
  async replay(providers: readonly string[]): Promise<number> {
    let replayed = 0;
    for (const provider of new Set(providers)) {
      for (const job of await this.parked.take(provider)) {
        if (this.closed) break;
        if (this.queued.has(workOf(job))) {
          replayed += 1;
          continue;
        }
        // No room (told as a drop): the job is not replayed.
        if (!this.makeRoom(provider)) continue;
        replayed += 1;
        const entry = this.enqueue({ ...job, state: 'retrying', nextAttemptAt: this.now() });
        entry.step = 0;
        this.due(entry);
      }
    }
    return replayed;
  }

  /** Jobs of a provider parked as `failed` (in Redis and in this instance). */
  depth(provider: string): Promise<number> {
    return this.parked.depth(provider);
  }

  /** The parked jobs of a provider, oldest first, left in place (for review). */
  peek(provider: string): Promise<DeadLetterJob[]> {
    return this.parked.peek(provider);
  }

  /** Jobs queued or running in this instance, for one provider or all. */
  pending(provider?: string): number {
    return provider === undefined ? this.queued.size : (this.queuedPerProvider.get(provider) ?? 0);
  }

  /**
   * Stops every timer and forgets queued work (it refreshed this instance's cache, which goes too).
   * The Redis link is shared and closed by the stores stage, after every part.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.queued.values()) clearTimeout(entry.timer);
    this.queued.clear();
    this.queuedPerProvider.clear();
    this.ready.length = 0;
  }

  /**
   * Room for one more job of a provider: queued here plus parked in memory stay within the cap.
   * The oldest job parked in memory goes first; with none to drop, there is no room.
   */
  private makeRoom(provider: string): boolean {
    const max = this.parked.maxPerProvider;
    while (this.pending(provider) + this.parked.inMemory(provider) >= max) {
      if (this.parked.dropOldestInMemory(provider) === undefined) {
        this.options.onDropped?.({ provider, count: 1 });
        return false;
      }
      this.options.onDropped?.({ provider, count: 1 });
    }
    return true;
  }

  private enqueue(job: DeadLetterJob): Queued {
    const entry: Queued = { job, step: 1, timer: undefined };
    this.queued.set(workOf(job), entry);
    this.queuedPerProvider.set(job.provider, this.pending(job.provider) + 1);
    return entry;
  }

  private dequeue(entry: Queued): void {
    if (this.queued.get(workOf(entry.job)) !== entry) return;
    this.queued.delete(workOf(entry.job));
    const left = this.pending(entry.job.provider) - 1;
    if (left > 0) this.queuedPerProvider.set(entry.job.provider, left);
    else this.queuedPerProvider.delete(entry.job.provider);
  }

  /**
   * Sets the timer of the job's next attempt, `delay` from now. The delay itself, not one derived
   * from `nextAttemptAt` and a second clock read: a clock that ticked between the two reads would
   * shorten one job's delay and let it overtake jobs scheduled before it with the same delay, and
   * jobs park (newest at the head, oldest trimmed first) in the order their last tries fail.
   */
  private arm(entry: Queued, delay: number): void {
    entry.timer = setTimeout(() => this.due(entry), delay);
    entry.timer.unref();
  }

  private due(entry: Queued): void {
    entry.timer = undefined;
    if (this.closed || this.queued.get(workOf(entry.job)) !== entry) return;
    if (this.running < this.concurrency) this.start(entry);
    else this.ready.push(entry);
  }

  private start(entry: Queued): void {
    this.running += 1;
    let work: Promise<void>;
    try {
      work = this.options.run(entry.job);
    } catch (error) {
      work = Promise.reject(error);
    }
    work
      .then(
        () => this.succeeded(entry),
        (error: unknown) => this.failed(entry, error),
      )
      .catch(() => undefined)
      .finally(() => {
        this.running -= 1;
        const next = this.ready.shift();
        if (next) this.due(next);
      });
  }

  private succeeded(entry: Queued): void {
    if (this.closed) return;
    this.dequeue(entry);
    this.options.onRecovered?.(entry.job);
    // Any earlier parked job of the same work is moot now.
    void this.parked.discard(entry.job);
  }

  private async failed(entry: Queued, error: unknown): Promise<void> {
    if (this.closed) return;
    const now = this.now();
    const delay = this.delays[entry.step];
    const attempts = entry.job.attempts + 1;
    const lastError = describeFailure(error);
    if (delay !== undefined) {
      entry.step += 1;
      entry.job = { ...entry.job, attempts, lastError, nextAttemptAt: now + delay };
      this.arm(entry, delay);
      return;
    }
    this.dequeue(entry);
    const job: DeadLetterJob = { ...entry.job, attempts, lastError, nextAttemptAt: null, state: 'failed' };
    const { dropped } = await this.parked.park(job);
    this.options.onParked?.(job);
    if (dropped > 0) this.options.onDropped?.({ provider: job.provider, count: dropped });
  }
}
