import {
  bulkhead,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  fullJitterGenerator,
  handleWhen,
  retry,
  SamplingBreaker,
  timeout,
  TimeoutStrategy,
  wrap,
  CircuitState,
  type CircuitBreakerPolicy,
  type IDisposable,
  type IPolicy,
  type RetryPolicy,
} from 'cockatiel';
import { ProviderError, ProviderFailureKind } from '../domain/index.js';
import { inAttemptSpan } from './attempt-span.js';
import { asProviderError, countsAgainstBreaker, isRetryable } from './failures.js';
import type { ResilienceSettings } from './settings.js';

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/**
 * One attempt that reached the provider: each retry is an attempt of its own, and a call the
 * breaker or the bulkhead refuses makes none. `durationMs` is the attempt alone (no queueing, no
 * backoff); `error` is absent when it answered, else its failure in the taxonomy (a timeout is
 * UNAVAILABLE).
 */
export interface AttemptEvent {
  readonly durationMs: number;
  readonly error?: unknown;
}

/** One provider's policies, composed, with the parts observability subscribes to. */
export interface ProviderPipeline {
  /** bulkhead → circuit breaker → retry → timeout, as one policy. */
  readonly policy: IPolicy;
  /**
   * Runs one provider call through the policies; failures come out in the taxonomy. `capability`
   * names the call on each attempt's trace span (attempt-span.ts).
   */
  run<T>(call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal, capability?: string): Promise<T>;
  readonly breaker: CircuitBreakerPolicy;
  readonly retry: RetryPolicy;
  /** The breaker's state in the words of the schema and the metrics. */
  breakerState(): BreakerState;
  /** Closes the breaker by hand (an operator who knows the provider is back); nothing happens when it is closed. */
  resetBreaker(): void;
  /**
   * When the breaker lets a call through, in `Date.now()` milliseconds (cockatiel's clock): 0 while
   * it is closed; while it is open, the moment its open period ends, from which the next call is
   * let through as the half-open probe; Infinity while a probe is in flight (calls wait for its
   * outcome) or the breaker is held open by hand. For routing: one comparison, no allocation.
   */
  probeDueAt(): number;
  /** Subscribes to every attempt's outcome (the innermost policy, the timeout, reports them). */
  onAttempt(listener: (event: AttemptEvent) => void): IDisposable;
}

const stateName: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'CLOSED',
  [CircuitState.Open]: 'OPEN',
  [CircuitState.HalfOpen]: 'HALF_OPEN',
  // An isolated breaker is held open by hand.
  [CircuitState.Isolated]: 'OPEN',
};

/**
 * Small cockatiel policies composed with `wrap`, in the order DESIGN.md gives: the bulkhead
 * bounds what waits, the breaker sees one outcome per call (after retries), retries apply only
 * to outages, and the timeout bounds each attempt and aborts it through its signal.
 */
export function createProviderPipeline(provider: string, settings: ResilienceSettings): ProviderPipeline {
  const breakerSettings = settings.breaker;
  const breaker = circuitBreaker(handleWhen(countsAgainstBreaker), {
    halfOpenAfter: breakerSettings.halfOpenAfterMs,
    breaker:
      breakerSettings.kind === 'consecutive'
        ? new ConsecutiveBreaker(breakerSettings.threshold)
        : new SamplingBreaker({ threshold: breakerSettings.threshold, duration: breakerSettings.windowMs, minimumRps: breakerSettings.minimumRps }),
  });

  const retryPolicy = retry(handleWhen(isRetryable), {
    maxAttempts: settings.retry.maxRetries,
    backoff: new ExponentialBackoff({
      initialDelay: settings.retry.initialDelayMs,
      maxDelay: settings.retry.maxDelayMs,
      exponent: 2,
      generator: fullJitterGenerator,
    }),
  });
  const attemptTimeout = timeout(settings.timeoutMs, TimeoutStrategy.Aggressive);
  const gate = bulkhead(settings.bulkhead.maxConcurrent, settings.bulkhead.maxQueued);

  const policy = wrap(gate, breaker, retryPolicy, attemptTimeout);
  // cockatiel keeps the time it opened to itself; it stamps it with Date.now() just before telling
  // of the change, so ours is the same instant or a millisecond after (a probe is never due early).
  let openedAt = 0;
  breaker.onStateChange((state) => {
    if (state === CircuitState.Open) openedAt = Date.now();
  });
  return {
    policy,
    async run(call, signal, capability) {
      try {
        const execution = policy.execute(
          // A retry whose backoff outlived the caller's signal must not reach the provider.
          ({ signal: attemptSignal, attempt }: { signal: AbortSignal; attempt?: number }) =>
            attemptSignal.aborted
              ? Promise.reject(givenUp(provider))
              : inAttemptSpan({ provider, capability, attempt: (attempt ?? 0) + 1, breaker: stateName[breaker.state] }, () => call(attemptSignal)),
          signal,
        );
        return await (signal ? untilAborted(execution, signal, provider) : execution);
      } catch (error) {
        throw asProviderError(error, provider);
      }
    },
    breaker,
    retry: retryPolicy,
    breakerState: () => stateName[breaker.state],
    resetBreaker() {
      // Isolating a closed breaker would report OPEN then CLOSED for nothing.
      if (breaker.state === CircuitState.Closed) return;
      // cockatiel has no public close(); isolating and releasing resets the breaker's state.
      const hold = breaker.isolate();
      hold.dispose();
    },
    probeDueAt() {
      switch (breaker.state) {
        case CircuitState.Closed:
          return 0;
        case CircuitState.Open:
          // halfOpenAfter is a constant here (a number), as cockatiel's ConstantBackoff.
          return openedAt + breakerSettings.halfOpenAfterMs;
        default:
          return Number.POSITIVE_INFINITY;
      }
    },
    onAttempt(listener) {
      const answered = attemptTimeout.onSuccess(({ duration }) => listener({ durationMs: duration }));
      const failed = attemptTimeout.onFailure(({ duration, reason }) =>
        listener({ durationMs: duration, error: asProviderError('error' in reason ? reason.error : reason.value, provider) }),
      );
      return { dispose: () => [answered, failed].forEach((subscription) => subscription.dispose()) };
    },
  };
}

function givenUp(provider: string): ProviderError {
  return new ProviderError(ProviderFailureKind.UNAVAILABLE, provider, `${provider}: no answer before the caller's time ran out`);
}

/**
 * `work`, or a rejection as soon as `signal` aborts. cockatiel's retry sleeps its backoff without
 * watching the signal, so a caller whose latency budget ran out during a backoff would otherwise
 * wait for the whole backoff (seconds) before hearing of the failure. The policy gives up on its
 * own when the backoff ends: it sees the aborted signal and makes no further attempt.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal, provider: string): Promise<T> {
  if (signal.aborted) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(givenUp(provider));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
