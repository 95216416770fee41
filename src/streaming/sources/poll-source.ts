import { MarketError, ProviderError, ProviderFailureKind, type ProviderId, type Quote } from '../../domain/index.js';
import type { BatchFetcher, BatchResult, TickSource } from '../../providers/adapter.js';
import { systemStreamClock, type StreamClock, type StreamTimer } from '../../providers/kit/stream-clock.js';
import { createPollEvents, type PollEvents } from './poll-events.js';
import { checkedShare, DEFAULT_POLL_FLOOR_MS, pollPace, type PollPace, type PollQuota } from './poll-pacing.js';
import { isRateLimited, PollSymbols } from './poll-symbols.js';

export interface PollSourceOptions {
  readonly provider: ProviderId;
  /** The provider's quotes, as the routing wraps them (pipeline, key pool): one call per chunk of `batchSize`. */
  readonly fetcher: BatchFetcher<Quote>;
  /** The key's quota and the keys in the pool: what the interval is derived from (see poll-pacing.ts). */
  readonly quota: PollQuota;
  /** The most of the quota the feed may spend, in (0, 1]. Default 0.5: see DEFAULT_POLL_SHARE for why. */
  readonly share?: number;
  /** No two polls start closer than this. Default 1 s. */
  readonly floorMs?: number;
  /** A call unanswered after this is aborted and counts as failed. Default 10 s. */
  readonly timeoutMs?: number;
  /** Timers and "now"; default the process clock. Tests drive it by hand. */
  readonly clock?: StreamClock;
}

/** A TickSource that polls REST quotes, with the events metrics may subscribe to. */
export interface PollSource extends TickSource {
  readonly events: PollEvents;
  /** The pace of the next poll for the symbols watched now; undefined while nothing is watched. */
  readonly pace: PollPace | undefined;
  /** Stops polling for good; watchers hear nothing more. */
  close(): void;
}

/**
 * A live feed for a provider that has only REST quotes (or whose socket is full): while symbols
 * are watched, one poll per interval asks for all of them, in calls of the fetcher's
 * `batchSize`, however many watchers each has. Only a quote that changed reaches watchers
 * (another price, or a newer trade; never an older one), marked `feed: 'poll'`.
 *
 * The interval follows the quota and the symbols (poll-pacing.ts) and is recomputed whenever a
 * symbol comes or goes; polls start an interval apart, counted from the start of the previous
 * one, so watchers coming and going never buy an extra call. A failed call is told to the
 * watchers of its symbols once per outage (until a quote for the symbol comes back) and never
 * ends the feed: the next poll comes on schedule, or after the provider's `retryAfter` when it
 * rate limited us. When the last watcher leaves, the timer stops and a call under way is aborted.
 *
 * Nothing is fetched inside `start`: the first poll runs on a timer, so a caller always holds its
 * stop function before it hears anything.
 */
export function createPollSource(options: PollSourceOptions): PollSource {
  const clock = options.clock ?? systemStreamClock;
  const share = checkedShare(options.share);
  const floorMs = Math.max(1, options.floorMs ?? DEFAULT_POLL_FLOOR_MS);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const provider = options.provider;
  const events = createPollEvents();
  const symbols = new PollSymbols(provider, events);

  let closed = false;
  let timer: StreamTimer | undefined;
  /** The poll under way: aborting it aborts its calls and its waits between calls. */
  let running: AbortController | undefined;
  /** When the last poll started; kept while idle, so a watcher coming back cannot poll sooner. */
  let lastStart: number | undefined;
  /** No poll before this: the provider asked us to wait (RATE_LIMITED with a retryAfter). */
  let notBefore = Number.NEGATIVE_INFINITY;
  let announced: string | undefined;

  const paceNow = (): PollPace | undefined => {
    const count = symbols.polled().length;
    return count === 0 ? undefined : pollPace(count, options.fetcher.batchSize, options.quota, share, floorMs);
  };

  const announce = (pace: PollPace | undefined): void => {
    const count = symbols.polled().length;
    const said = `${count}/${pace?.intervalMs}`;
    if (said === announced) return;
    announced = said;
    events.emitSchedule({ provider, symbols: count, calls: pace?.calls ?? 0, intervalMs: pace?.intervalMs });
  };

  /** Sets the timer for the next poll from the symbols watched now; none when nothing is. */
  const schedule = (): void => {
    if (closed) return;
    timer?.cancel();
    timer = undefined;
    const pace = paceNow();
    announce(pace);
    if (!pace) {
      // Nothing left to ask for: whatever is in flight is no one's any more.
      running?.abort();
      return;
    }
    if (running) return; // the poll under way schedules the next one when it ends
    const now = clock.now();
    const at = Math.max(lastStart === undefined ? now : lastStart + pace.intervalMs, notBefore, now);
    timer = clock.setTimer(() => {
      timer = undefined;
      void poll(pace);
    }, at - now);
  };

  const poll = async (pace: PollPace): Promise<void> => {
    const controller = new AbortController();
    running = controller;
    const started = clock.now();
    lastStart = started;
    const asked = symbols.polled();
    const size = Math.max(1, Math.floor(options.fetcher.batchSize));
    let calls = 0;
    let failedCalls = 0;
    let changed = 0;
    try {
      for (let from = 0; from < asked.length && !controller.signal.aborted; from += size) {
        const chunk = asked.slice(from, from + size);
        if (clock.now() < notBefore) {
          // Rate limited earlier in this poll: the rest is not asked, and hears why.
          symbols.failed(chunk, symbols.lastRateLimit);
          continue;
        }
        if (calls > 0 && pace.gapMs > 0) await wait(clock, pace.gapMs, controller.signal);
        if (controller.signal.aborted) break;
        calls += 1;
        const result = await fetchChunk(chunk, controller.signal);
        if (controller.signal.aborted || closed) break;
        const outcome = symbols.apply(chunk, result);
        changed += outcome.changed;
        if (outcome.failure) {
          failedCalls += 1;
          const retryAfterMs = retryAfterOf(outcome.failure);
          if (retryAfterMs !== undefined) notBefore = Math.max(notBefore, clock.now() + retryAfterMs);
          events.emitFailure({ provider, symbols: chunk, kind: kindOf(outcome.failure), reason: outcome.failure.message, retryAfterMs });
        }
      }
    } finally {
      if (running === controller) running = undefined;
      if (!closed) {
        events.emitPoll({ provider, symbols: asked.length, calls, failedCalls, changed, durationMs: clock.now() - started });
        schedule();
      }
    }
  };

  /** One call, its failure as a result: a thrown error fails every symbol of the chunk, nothing more. */
  const fetchChunk = async (chunk: readonly string[], signal: AbortSignal): Promise<BatchResult<Quote> | Error> => {
    const callSignal = new AbortController();
    const onAbort = (): void => callSignal.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const deadline = clock.setTimer(() => callSignal.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    // Raced against the abort: a fetcher that ignores its signal must not hold the feed.
    const aborted = new Promise<never>((_, reject) => callSignal.signal.addEventListener('abort', () => reject(callSignal.signal.reason as Error), { once: true }));
    try {
      return await Promise.race([options.fetcher.fetch(chunk, { signal: callSignal.signal }), aborted]);
    } catch (error) {
      if (callSignal.signal.aborted && !signal.aborted) return new ProviderError(ProviderFailureKind.UNAVAILABLE, provider, `quote poll of ${chunk.length} symbol(s) timed out after ${timeoutMs} ms`);
      return error instanceof Error ? error : new Error(String(error));
    } finally {
      deadline.cancel();
      signal.removeEventListener('abort', onAbort);
    }
  };

  return {
    events,
    get pace() {
      return paceNow();
    },
    start(symbol, onTick, onError) {
      if (closed) return () => undefined;
      const leave = symbols.watch(symbol, { onTick, onError });
      // Recomputed on every change; idempotent, since the next poll counts from the last one's start.
      schedule();
      let left = false;
      return () => {
        if (left || closed) return;
        left = true;
        leave();
        schedule();
      };
    },
    close() {
      closed = true;
      timer?.cancel();
      timer = undefined;
      running?.abort();
      symbols.clear();
    },
  };
}

/** Waits `ms` on the clock, or until `signal` aborts. */
function wait(clock: StreamClock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = clock.setTimer(done, ms);
    function done(): void {
      timer.cancel();
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** How long a RATE_LIMITED asks us to wait: a provider's retryAfterMs, or a routed refusal's retryAfter in seconds. */
function retryAfterOf(error: Error): number | undefined {
  if (!isRateLimited(error)) return undefined;
  const said = error instanceof ProviderError ? error.options.retryAfterMs : error instanceof MarketError ? secondsAsMs(error.details['retryAfter']) : undefined;
  // Without one it still waits: a minute is the window most plans reset in.
  return said ?? 60_000;
}

function secondsAsMs(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
}

function kindOf(error: Error): string {
  return error instanceof ProviderError ? error.kind : error instanceof MarketError ? error.code : error.name;
}
