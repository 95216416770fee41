import type { CacheKind } from './cache.js';

/** When an answer served from the cache was fetched from its provider, and what kind it is. */
export interface FetchedAt {
  readonly kind: CacheKind;
  /** Epoch ms of the provider call that produced it. */
  readonly at: number;
}

/**
 * Answers served from the cache, remembered weakly with the time they were fetched, so a layer
 * that keeps answers longer (the whole-response cache) can stop serving them when the cache entry
 * they came from stops being fresh: otherwise a response cached just before its quote expired would
 * live a whole quote TTL more. An answer fetched for this very request has no entry: it is new.
 */
const fetched = new WeakMap<object, FetchedAt>();

/** Notes that `value` is a cache hit of `kind` fetched at `at`; returns it unchanged. */
export function noteFetchedAt<T>(value: T, kind: CacheKind, at: number): T {
  if (value !== null && typeof value === 'object') fetched.set(value, { kind, at });
  return value;
}

/** When `value` was fetched, if it came from the cache. */
export function fetchedAt(value: unknown): FetchedAt | undefined {
  return value !== null && typeof value === 'object' ? fetched.get(value) : undefined;
}
