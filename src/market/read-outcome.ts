import type { MarketError } from '../domain/index.js';

/**
 * What one trip down the provider chain came to for a key, before anyone decides what to answer:
 * a value (with `fallbackFrom` when a fallback answered), a provider's NOT_FOUND (an answer about
 * the input, in our words), or `failure`, the chain's last error, when no provider could answer.
 * This is also what travels between instances (flight-outcome.ts), so a waiter settles another
 * instance's outcome exactly as it would settle its own.
 */
export type ChainOutcome<T> = { readonly value: T } | { readonly notFound: MarketError } | { readonly failure: unknown };

/**
 * What a read settled for a key: the answer a caller gets and, when no provider could answer,
 * the chain's last error (the answer is then the stale copy or the error a client may see).
 * Flights carry this, so a background refresh that joins a request's flight still learns
 * whether the chain answered.
 */
export interface Settled<T> {
  readonly answer: T | MarketError;
  readonly failure?: unknown;
}

/** Provenance of an answer that came from a fallback: who was asked first and failed. */
export function withFallbackFrom<T>(value: T, failed: readonly string[] | undefined): T {
  if (!failed?.length || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return { ...value, fallbackFrom: [...failed] };
}
