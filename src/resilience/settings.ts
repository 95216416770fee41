/**
 * How calls to one provider are protected. Defaults follow the providers' behaviour seen in
 * practice: answers within a second or two when healthy (FRED is slower), outages that last
 * minutes rather than seconds.
 */
export interface ResilienceSettings {
  /** Each attempt's limit; the adapter's own HTTP timeout should not be shorter. */
  readonly timeoutMs: number;
  readonly retry: {
    /** Retries after the first attempt, only for UNAVAILABLE failures. */
    readonly maxRetries: number;
    /** First backoff; doubles each retry, with full jitter, up to maxDelayMs. */
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
  };
  readonly breaker:
    | {
        /** Opens after `threshold` counted failures in a row. */
        readonly kind: 'consecutive';
        readonly threshold: number;
        readonly halfOpenAfterMs: number;
      }
    | {
        /** Opens when the failure rate over `windowMs` passes `threshold` (0..1). */
        readonly kind: 'sampling';
        readonly threshold: number;
        readonly windowMs: number;
        readonly minimumRps: number;
        readonly halfOpenAfterMs: number;
      };
  readonly bulkhead: {
    /** Calls in flight to this provider at once. */
    readonly maxConcurrent: number;
    /** Calls waiting for a slot; past it a call fails at once rather than pile up. */
    readonly maxQueued: number;
  };
}

export const DEFAULT_RESILIENCE: ResilienceSettings = {
  timeoutMs: 5_000,
  retry: { maxRetries: 3, initialDelayMs: 1_000, maxDelayMs: 4_000 },
  breaker: { kind: 'consecutive', threshold: 3, halfOpenAfterMs: 60_000 },
  bulkhead: { maxConcurrent: 10, maxQueued: 100 },
};
