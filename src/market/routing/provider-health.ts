import { ProviderError, ProviderFailureKind } from '../../domain/index.js';
import type { BreakerState, ProviderPipeline } from '../../resilience/pipeline.js';
import { BINS, binOf, mergeLatency, percentile } from './latency-histogram.js';

export type { BreakerState } from '../../resilience/pipeline.js';
/** Latency counters per bucket (the histogram's bins), for tests of the tracker's bound. */
export { BINS };

/**
 * How one provider has fared: its breaker, its calls over the last five minutes and since start.
 *
 * What counts as a call. For a provider with a resilience pipeline it is one *attempt* that
 * reached the provider, as the pipeline's innermost policy (the timeout) reports it: a retry is a
 * call of its own, and a call the open breaker or the full bulkhead refuses is none, since the
 * provider never saw it. That is the provider's health, not the gateway's: a breaker refusing
 * a hundred calls must not read as a hundred provider failures. For a provider without a pipeline
 * (the simulated market) it is one call of the market service (`onProviderCall`). One provider
 * has exactly one of the two sources (see `ProviderRegistry`), so nothing is counted twice.
 *
 * What counts as a failure. Any attempt that did not get an answer: UNAVAILABLE (outage,
 * timeout), BAD_RESPONSE, RATE_LIMITED, UNAUTHORIZED, or `ERROR` for something outside the
 * taxonomy. A NOT_FOUND is an answer (about the symbol, not the provider) and counts as a success,
 * as the breaker sees it too.
 *
 * Latency is of answered calls only. Failures are the success rate's business: fast ones (a
 * refused connection, a quota refused before any request) would drag the percentiles down, and
 * timeouts would make p95 echo the configured timeout instead of the provider's speed.
 *
 * The window, and why its memory is bounded. Time is cut into 10-second buckets; a ring of 30
 * holds the current bucket and the 29 before it, so a call counts in the window for at least 290 s
 * and less than 300 s ("the last 5 minutes" to a 10-second step). A bucket from an earlier turn of
 * the ring is cleared when its slot is reused, and ignored when read, so nothing is ever removed
 * by a timer. Each bucket keeps its call and failure counts and a latency histogram of answered
 * calls: 8 bins per doubling from 0.1 ms to 0.1 ms × 2^24 (28 min), one bin below and the top one
 * open-ended, 193 counters. So a provider costs at most 30 × 193 counters (about 23 KB, allocated
 * only for buckets that saw an answer) whatever the call rate, and recording is O(1) with no sort.
 *
 * Percentiles are nearest-rank over the window's merged histogram (latency-histogram.ts says how
 * close they come). Counts and the success rate are exact.
 */

/** Span of the sliding window. */
export const WINDOW_MS = 5 * 60_000;
/** Width of one bucket of the window. */
export const BUCKET_MS = 10_000;
/** Buckets in the ring: the current one and the 29 before it. */
export const BUCKETS = WINDOW_MS / BUCKET_MS;

interface Bucket {
  /** Which 10-second span of time this slot holds (time / BUCKET_MS, floored); -Infinity when never used. */
  index: number;
  calls: number;
  failures: number;
  /** Fastest and slowest answer in the bucket. */
  minMs: number;
  maxMs: number;
  /** Answers per latency bin; allocated on the bucket's first answer. */
  bins: Uint32Array | undefined;
}

export interface HealthSnapshot {
  readonly breaker: {
    readonly state: BreakerState;
    /** When the state last changed; null if it has not since start (or there is no breaker). */
    readonly since: Date | null;
    /** Failure kind of the most recent failed call; null if none since start. */
    readonly lastErrorKind: string | null;
  };
  readonly window: {
    /** Calls in the window. */
    readonly calls: number;
    /** Share of the window's calls that got an answer, 0..1; null without calls. */
    readonly successRate: number | null;
    /** Latency percentiles of the window's answered calls; null without answers. */
    readonly p50Ms: number | null;
    readonly p95Ms: number | null;
    readonly p99Ms: number | null;
  };
  /** Since start. */
  readonly calls: number;
  readonly errors: number;
}

/** A provider's standing over the window, for quality grades (market/quality/). */
export interface ProviderStanding {
  readonly breaker: BreakerState;
  readonly calls: number;
  readonly failures: number;
}

/**
 * What routing reads of a provider's health (see src/market/routing/router.ts): the window's calls and
 * failures since its breaker last closed, and the window's p95 of answers.
 */
export interface RoutingHealth {
  /** Calls in the window made after the breaker last closed (all of the window's if it never has). */
  readonly calls: number;
  readonly failures: number;
  /** The whole window's p95 of answered calls (a closing breaker does not make answers slower or faster); null without answers. */
  readonly p95Ms: number | null;
}

/** How often routing's p95 is recomputed at most (merging the window's histograms is the one costly read). */
export const ROUTING_P95_REFRESH_MS = 1_000;

export interface ProviderHealthOptions {
  /** Milliseconds on a monotonic clock, for the window (default `performance.now`). Tests inject one. */
  readonly now?: () => number;
}

export class ProviderHealth {
  private readonly now: () => number;
  private readonly ring: Bucket[];
  private calls = 0;
  private errors = 0;
  private lastErrorKind: string | null = null;
  private state: BreakerState = 'CLOSED';
  private since: Date | null = null;
  /**
   * Where routing's evidence starts: the bucket the breaker last closed in, and that bucket's
   * counts at that moment (its later calls count, its earlier ones do not). A closing breaker is a
   * probe that got an answer, or an operator's reset: the failures that opened it have been acted
   * on, and a provider that gets no traffic while demoted could otherwise never win its place back
   * before they age out of the window.
   */
  private closedIn = Number.NEGATIVE_INFINITY;
  private closedCalls = 0;
  private closedFailures = 0;
  /** Routing's p95, recomputed at most every ROUTING_P95_REFRESH_MS of the clock. */
  private p95At = Number.NEGATIVE_INFINITY;
  private p95Ms: number | null = null;

  constructor(options: ProviderHealthOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.ring = Array.from({ length: BUCKETS }, () => ({ index: Number.NEGATIVE_INFINITY, calls: 0, failures: 0, minMs: Infinity, maxMs: 0, bins: undefined }));
  }

  /** One call: its duration and, when it failed, its failure kind (`failureKind` below says which). */
  recordCall(durationMs: number, failureKind?: string): void {
    const bucket = this.currentBucket();
    this.calls += 1;
    bucket.calls += 1;
    if (failureKind !== undefined) {
      this.errors += 1;
      bucket.failures += 1;
      this.lastErrorKind = failureKind;
      return;
    }
    const ms = Number.isFinite(durationMs) && durationMs > 0 ? durationMs : 0;
    bucket.minMs = Math.min(bucket.minMs, ms);
    bucket.maxMs = Math.max(bucket.maxMs, ms);
    const bins = (bucket.bins ??= new Uint32Array(BINS));
    const bin = binOf(ms);
    bins[bin] = (bins[bin] ?? 0) + 1;
  }

  /** The breaker's state as its change event reports it; the same state again is no change. */
  recordBreaker(state: BreakerState, at: Date): void {
    if (state === this.state) return;
    this.state = state;
    this.since = at;
    if (state === 'CLOSED') {
      const bucket = this.currentBucket();
      this.closedIn = bucket.index;
      this.closedCalls = bucket.calls;
      this.closedFailures = bucket.failures;
    }
  }

  /** Routing's view (see `RoutingHealth`): O(buckets) with no allocation but the answer, the p95 at most once a second. */
  routing(): RoutingHealth {
    const now = this.now();
    const current = Math.floor(now / BUCKET_MS);
    let calls = 0;
    let failures = 0;
    for (const bucket of this.ring) {
      if (bucket.index <= current - BUCKETS || bucket.index > current || bucket.index < this.closedIn) continue;
      const closedHere = bucket.index === this.closedIn;
      calls += closedHere ? bucket.calls - this.closedCalls : bucket.calls;
      failures += closedHere ? bucket.failures - this.closedFailures : bucket.failures;
    }
    if (now - this.p95At >= ROUTING_P95_REFRESH_MS || now < this.p95At) {
      this.p95At = now;
      this.p95Ms = percentile(mergeLatency(this.liveBuckets()), 0.95);
    }
    return { calls, failures, p95Ms: this.p95Ms };
  }

  /** The breaker and the window's calls and failures, without latency: what a quality grade reads, O(buckets), no allocation but the answer. */
  standing(): ProviderStanding {
    const current = Math.floor(this.now() / BUCKET_MS);
    let calls = 0;
    let failures = 0;
    for (const bucket of this.ring) {
      if (bucket.index <= current - BUCKETS || bucket.index > current) continue;
      calls += bucket.calls;
      failures += bucket.failures;
    }
    return { breaker: this.state, calls, failures };
  }

  snapshot(): HealthSnapshot {
    const live = this.liveBuckets();
    const calls = live.reduce((sum, bucket) => sum + bucket.calls, 0);
    const failures = live.reduce((sum, bucket) => sum + bucket.failures, 0);
    const latency = mergeLatency(live);
    return {
      breaker: { state: this.state, since: this.since, lastErrorKind: this.lastErrorKind },
      window: {
        calls,
        successRate: calls === 0 ? null : (calls - failures) / calls,
        p50Ms: percentile(latency, 0.5),
        p95Ms: percentile(latency, 0.95),
        p99Ms: percentile(latency, 0.99),
      },
      calls: this.calls,
      errors: this.errors,
    };
  }

  /** What the tracker holds, for tests of its bound: buckets in use and latency counters allocated. */
  footprint(): { readonly buckets: number; readonly counters: number } {
    const used = this.ring.filter((bucket) => bucket.index !== Number.NEGATIVE_INFINITY);
    return { buckets: used.length, counters: used.reduce((sum, bucket) => sum + (bucket.bins?.length ?? 0), 0) };
  }

  private currentBucket(): Bucket {
    const index = Math.floor(this.now() / BUCKET_MS);
    const bucket = this.ring[((index % BUCKETS) + BUCKETS) % BUCKETS] as Bucket;
    if (bucket.index !== index) {
      // A slot from an earlier turn of the ring (or a clock that went back): start it afresh.
      bucket.index = index;
      bucket.calls = 0;
      bucket.failures = 0;
      bucket.minMs = Infinity;
      bucket.maxMs = 0;
      bucket.bins?.fill(0);
    }
    return bucket;
  }

  private liveBuckets(): Bucket[] {
    const current = Math.floor(this.now() / BUCKET_MS);
    return this.ring.filter((bucket) => bucket.index > current - BUCKETS && bucket.index <= current);
  }
}

/**
 * The failure kind a call's error stands for, or undefined when the call got an answer: a
 * NOT_FOUND is the provider's answer about a symbol.
 */
export function failureKindOf(error: unknown): string | undefined {
  if (error instanceof ProviderError) return error.kind === ProviderFailureKind.NOT_FOUND ? undefined : error.kind;
  return 'ERROR';
}

/** The same for the market service's reported outcome ('ok', a failure kind, or 'ERROR'). */
export function failureKindOfOutcome(outcome: string): string | undefined {
  return outcome === 'ok' || outcome === ProviderFailureKind.NOT_FOUND ? undefined : outcome;
}

/**
 * Feeds a tracker from a pipeline's events, in the manner of `observePipeline`: each attempt's
 * outcome and duration, and each breaker change. Returns the unsubscriber.
 */
export function watchPipeline(health: ProviderHealth, pipeline: ProviderPipeline): () => void {
  const subscriptions = [
    pipeline.onAttempt(({ durationMs, error }) => health.recordCall(durationMs, error === undefined ? undefined : failureKindOf(error))),
    pipeline.breaker.onStateChange(() => health.recordBreaker(pipeline.breakerState(), new Date())),
  ];
  return () => subscriptions.forEach((subscription) => subscription.dispose());
}
