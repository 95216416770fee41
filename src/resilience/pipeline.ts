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
  type IPolicy,
  type RetryPolicy,
} from 'cockatiel';
import { asProviderError, countsAgainstBreaker, isRetryable } from './failures.js';
import type { ResilienceSettings } from './settings.js';

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** One provider's policies, composed, with the parts observability subscribes to. */
export interface ProviderPipeline {
  /** bulkhead → circuit breaker → retry → timeout, as one policy. */
  readonly policy: IPolicy;
  /** Runs one provider call through the policies; failures come out in the taxonomy. */
  run<T>(call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly breaker: CircuitBreakerPolicy;
  readonly retry: RetryPolicy;
  /** The breaker's state in the words of the schema and the metrics. */
  breakerState(): BreakerState;
  /** Closes the breaker by hand (an operator who knows the provider is back). */
  resetBreaker(): void;
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
  return {
    policy,
    async run(call, signal) {
      try {
        return await policy.execute(({ signal: attemptSignal }) => call(attemptSignal), signal);
      } catch (error) {
        throw asProviderError(error, provider);
      }
    },
    breaker,
    retry: retryPolicy,
    breakerState: () => stateName[breaker.state],
    resetBreaker() {
      // cockatiel has no public close(); isolating and releasing resets the breaker's state.
      const hold = breaker.isolate();
      hold.dispose();
    },
  };
}
