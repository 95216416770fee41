import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';
import { ProviderError, ProviderFailureKind } from '../domain/index.js';

/** Failures worth another try: the provider may answer next time. */
export function isRetryable(error: Error): boolean {
  return (error instanceof ProviderError && error.kind === ProviderFailureKind.UNAVAILABLE) || error instanceof TaskCancelledError;
}

/**
 * Failures that say the provider itself is unwell, so they count towards opening its breaker
 * (the taxonomy in DESIGN.md): outages and payloads that no longer fit their schema. A rate
 * limit, an unknown symbol or a key problem says nothing about the provider's health.
 */
export function countsAgainstBreaker(error: Error): boolean {
  if (error instanceof TaskCancelledError) return true;
  return error instanceof ProviderError && (error.kind === ProviderFailureKind.UNAVAILABLE || error.kind === ProviderFailureKind.BAD_RESPONSE);
}

/** cockatiel's own errors in the taxonomy, so callers and the market chain see one error type. */
export function asProviderError(error: unknown, provider: string): unknown {
  if (error instanceof ProviderError) return error;
  if (error instanceof BrokenCircuitError) {
    return new ProviderError(ProviderFailureKind.UNAVAILABLE, provider, `${provider}: circuit open, not calling`);
  }
  if (error instanceof BulkheadRejectedError) {
    return new ProviderError(ProviderFailureKind.UNAVAILABLE, provider, `${provider}: too many calls in flight and queued`);
  }
  if (error instanceof TaskCancelledError) {
    return new ProviderError(ProviderFailureKind.UNAVAILABLE, provider, `${provider}: timed out`);
  }
  return error;
}
