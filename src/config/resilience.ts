import { z } from 'zod';
import { delayList, integer } from './fields.js';

/**
 * How the gateway bears failing providers: the chain's budget, retries, breakers, bulkheads,
 * serving stale, the dead-letter queue, and single-flight across instances.
 */

const resilienceEnvSchema = z.object({
  /** Latency budget of one trip down the provider chain, fallbacks included. */
  CHAIN_BUDGET_MS: integer(100, 60_000).default(3_000),
  /**
   * With REDIS_URL, a miss is fetched by one instance of the cluster while the others wait for its
   * answer; this is how long that instance's claim holds, so a fetcher that died blocks the others
   * no longer. Default: 5 s, or CHAIN_BUDGET_MS + 2 s if longer, so a live fetcher is never overtaken.
   */
  CLUSTER_FLIGHT_LEASE_MS: integer(100, 120_000).optional(),
  /** Seconds a cache entry is kept past its freshness, to be served stale when providers fail. */
  STALE_WINDOW: integer(0, 30 * 86_400).default(86_400),
  /**
   * Failed background work (the refresh of an answer served stale) is retried after each of these
   * delays, then parked as failed for `replayDeadLetters`.
   */
  DLQ_RETRY_DELAYS_MS: delayList.optional(),
  /** Most dead letters per provider: queued plus parked in memory, and the length of its Redis list. */
  DLQ_MAX_PER_PROVIDER: integer(1, 100_000).default(1_000),
  /** Retries of a provider call that failed with an outage (backoff doubles with full jitter). */
  RETRY_MAX: integer(0, 10).default(3),
  RETRY_BASE_MS: integer(1, 60_000).default(1_000),
  RETRY_MAX_DELAY_MS: integer(1, 300_000).default(4_000),
  /** `consecutive`: open after BREAKER_THRESHOLD failures in a row; `sampling`: open when the failure rate over BREAKER_WINDOW_MS passes BREAKER_FAILURE_RATE. */
  BREAKER: z.enum(['consecutive', 'sampling']).default('consecutive'),
  BREAKER_THRESHOLD: integer(1, 1_000).default(3),
  BREAKER_FAILURE_RATE: z.coerce.number().gt(0).lte(1).default(0.5),
  BREAKER_WINDOW_MS: integer(1_000, 3_600_000).default(30_000),
  BREAKER_OPEN_MS: integer(100, 3_600_000).default(60_000),
  /** Calls in flight to one provider at once, and calls allowed to wait for a slot. */
  BULKHEAD_CONCURRENCY: integer(1, 1_000).default(10),
  BULKHEAD_QUEUE: integer(0, 100_000).default(100),
  /**
   * Provider calls one batch (a `quotes(symbols:)` miss, the profiles of its companies) keeps in
   * flight at once; the bulkhead bounds all calls together. Where a provider answers one symbol a
   * call, this sets how many round trips a cold batch takes.
   */
  BATCH_CONCURRENCY: integer(1, 100).default(4),
});

export const resilienceEnv = resilienceEnvSchema.shape;
export type ResilienceEnv = z.infer<typeof resilienceEnvSchema>;

export interface ResilienceSettings {
  readonly chainBudgetMs: number;
  readonly staleWindowMs: number;
  readonly retry: { readonly maxRetries: number; readonly initialDelayMs: number; readonly maxDelayMs: number };
  readonly breaker:
    | { readonly kind: 'consecutive'; readonly threshold: number; readonly halfOpenAfterMs: number }
    | { readonly kind: 'sampling'; readonly threshold: number; readonly windowMs: number; readonly minimumRps: number; readonly halfOpenAfterMs: number };
  readonly bulkhead: { readonly maxConcurrent: number; readonly maxQueued: number };
  /** Calls of one batch in flight at once (BATCH_CONCURRENCY; `<NAME>_BATCH_CONCURRENCY` per provider). */
  readonly batchConcurrency: number;
}

/** Retry, breaker and bulkhead for one provider: the global settings with its own overrides. */
export type ProviderPolicy = Pick<ResilienceSettings, 'retry' | 'breaker' | 'bulkhead' | 'batchConcurrency'>;

/** The dead-letter queue of failed background work. */
export interface DeadLetterSettings {
  /** Delay before each retry, in order; after the last retry fails the job is parked. */
  readonly retryDelaysMs: readonly number[];
  readonly maxPerProvider: number;
}

export function globalPolicy(env: ResilienceEnv): ResilienceSettings {
  return {
    chainBudgetMs: env.CHAIN_BUDGET_MS,
    staleWindowMs: env.STALE_WINDOW * 1000,
    retry: { maxRetries: env.RETRY_MAX, initialDelayMs: env.RETRY_BASE_MS, maxDelayMs: env.RETRY_MAX_DELAY_MS },
    breaker:
      env.BREAKER === 'consecutive'
        ? { kind: 'consecutive', threshold: env.BREAKER_THRESHOLD, halfOpenAfterMs: env.BREAKER_OPEN_MS }
        : { kind: 'sampling', threshold: env.BREAKER_FAILURE_RATE, windowMs: env.BREAKER_WINDOW_MS, minimumRps: 0.1, halfOpenAfterMs: env.BREAKER_OPEN_MS },
    bulkhead: { maxConcurrent: env.BULKHEAD_CONCURRENCY, maxQueued: env.BULKHEAD_QUEUE },
    batchConcurrency: env.BATCH_CONCURRENCY,
  };
}

/** The global policy with one provider's `<NAME>_…` overrides applied. */
export function providerPolicy(env: ResilienceEnv, prefix: string): ProviderPolicy {
  const own = (name: string): number | undefined => (env as Record<string, unknown>)[`${prefix}_${name}`] as number | undefined;
  const { retry, breaker, bulkhead, batchConcurrency } = globalPolicy(env);
  return {
    retry: { ...retry, maxRetries: own('RETRY_MAX') ?? retry.maxRetries },
    breaker: {
      ...breaker,
      // In sampling mode the threshold is a failure rate, which has no per-provider override.
      ...(breaker.kind === 'consecutive' ? { threshold: own('BREAKER_THRESHOLD') ?? breaker.threshold } : {}),
      halfOpenAfterMs: own('BREAKER_OPEN_MS') ?? breaker.halfOpenAfterMs,
    },
    bulkhead: {
      maxConcurrent: own('BULKHEAD_CONCURRENCY') ?? bulkhead.maxConcurrent,
      maxQueued: own('BULKHEAD_QUEUE') ?? bulkhead.maxQueued,
    },
    batchConcurrency: own('BATCH_CONCURRENCY') ?? batchConcurrency,
  };
}

/** Single-flight across instances: the lease outlasts the chain budget, so a live holder is never overtaken. */
export function clusterFlightSettings(env: ResilienceEnv): { readonly leaseMs: number } {
  return { leaseMs: env.CLUSTER_FLIGHT_LEASE_MS ?? Math.max(5_000, env.CHAIN_BUDGET_MS + 2_000) };
}

export function deadLetterSettings(env: ResilienceEnv): DeadLetterSettings {
  return { retryDelaysMs: env.DLQ_RETRY_DELAYS_MS ?? [1_000, 2_000, 4_000], maxPerProvider: env.DLQ_MAX_PER_PROVIDER };
}
