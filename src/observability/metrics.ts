import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The gateway's metrics on a registry of its own (no prom-client globals), so several gateways
 * in one test process never mix their figures.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly graphqlOperations: Counter<'operation' | 'type' | 'status'>;
  readonly refusals: Counter<'code' | 'cause'>;
  readonly graphqlDuration: Histogram<'operation' | 'type'>;
  readonly providerRequests: Counter<'provider' | 'capability' | 'status'>;
  readonly providerLatency: Histogram<'provider' | 'capability'>;
  readonly circuitBreakerState: Gauge<'provider'>;
  readonly providerErrors: Counter<'provider' | 'kind'>;
  readonly providerRetries: Counter<'provider'>;
  readonly staleServed: Counter<'kind'>;
  readonly responseCacheRequests: Counter<'result'>;
  readonly providerQuotaRemaining: Gauge<'provider' | 'key' | 'window'>;
  readonly deadLetterDepth: Gauge<'provider'>;
  readonly deadLetterJobs: Counter<'provider' | 'outcome'>;
  readonly singleflightCoalesced: Counter<'scope' | 'kind'>;
  readonly streamFeeds: Gauge;
  readonly streamWatchers: Gauge;
  readonly cacheRequests: Counter<'kind' | 'tier' | 'result'>;
  readonly cacheEntries: Gauge<'tier'>;
}

/** Lookups of the market cache so far, per kind of data, tier (l1, l2) and result (hit, miss, stale). */
export interface CacheRequestReading {
  readonly kind: string;
  readonly tier: string;
  readonly result: string;
  readonly count: number;
}

/** Entries held by one cache tier. */
export interface CacheEntriesReading {
  readonly tier: string;
  readonly count: number;
}

/** What is left of one quota window of one API key (key masked). */
export interface QuotaReading {
  readonly provider: string;
  readonly key: string;
  readonly window: string;
  readonly remaining: number;
}

/** How many failed jobs of one provider are parked in the dead-letter queue. */
export interface DeadLetterReading {
  readonly provider: string;
  readonly depth: number;
}

/** Live figures read at scrape time rather than pushed on every change. */
export interface MetricProbes {
  readonly streamFeeds: () => number;
  readonly streamWatchers: () => number;
  readonly quotaRemaining?: () => Promise<readonly QuotaReading[]>;
  readonly deadLetterDepth?: () => Promise<readonly DeadLetterReading[]>;
  /** Counted by the cache in plain numbers, so a cache hit never touches prom-client. */
  readonly cacheRequests?: () => readonly CacheRequestReading[];
  readonly cacheEntries?: () => Promise<readonly CacheEntriesReading[]>;
}

export function createMetrics(probes: MetricProbes): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    refusals: new Counter({
      name: 'graphql_refusals_total',
      help: 'Consumers refused by the gateway, over HTTP and graphql-ws, by error code and cause: an abuse limit (maxDepth, costBudget, maxBodyBytes, introspection, …), a spent budget (requests, providerCalls), an authentication reason, or a missing right (one per denied field).',
      labelNames: ['code', 'cause'],
      registers: [registry],
    }),
    graphqlOperations: new Counter({
      name: 'graphql_operations_total',
      help: 'GraphQL operations executed, by operation name, type and outcome (ok, error, partial).',
      labelNames: ['operation', 'type', 'status'],
      registers: [registry],
    }),
    graphqlDuration: new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'Time from receiving a GraphQL operation to sending its response.',
      labelNames: ['operation', 'type'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    providerRequests: new Counter({
      name: 'provider_requests_total',
      help: 'Calls made to data providers, by provider, capability and outcome.',
      labelNames: ['provider', 'capability', 'status'],
      registers: [registry],
    }),
    providerLatency: new Histogram({
      name: 'provider_latency_seconds',
      help: 'Duration of calls to data providers.',
      labelNames: ['provider', 'capability'],
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    circuitBreakerState: new Gauge({
      name: 'circuit_breaker_state',
      help: 'Circuit breaker of each provider: 0 closed, 1 open, 2 half-open.',
      labelNames: ['provider'],
      registers: [registry],
    }),
    providerErrors: new Counter({
      name: 'provider_errors_total',
      help: 'Failed provider calls (after retries), by failure kind.',
      labelNames: ['provider', 'kind'],
      registers: [registry],
    }),
    providerRetries: new Counter({
      name: 'provider_retries_total',
      help: 'Retries of provider calls after an outage.',
      labelNames: ['provider'],
      registers: [registry],
    }),
    staleServed: new Counter({
      name: 'stale_answers_total',
      help: 'Answers served from cache past their freshness, marked stale, because no provider could answer (the chain failed, or the background refresh of an entry in its revalidation window did). Reads answered while a refresh runs are not counted: cache_requests_total{result="stale"} counts those.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    responseCacheRequests: new Counter({
      name: 'response_cache_requests_total',
      help: 'Cacheable GraphQL queries, by result: hit (answered from the response cache without execution) or miss (executed).',
      labelNames: ['result'],
      registers: [registry],
    }),
    providerQuotaRemaining: new Gauge({
      name: 'provider_quota_remaining',
      help: 'Calls left in each quota window of each API key (key masked to its last 4 characters).',
      labelNames: ['provider', 'key', 'window'],
      registers: [registry],
      async collect() {
        if (!probes.quotaRemaining) return;
        this.reset();
        for (const reading of await probes.quotaRemaining()) {
          this.set({ provider: reading.provider, key: reading.key, window: reading.window }, reading.remaining);
        }
      },
    }),
    deadLetterDepth: new Gauge({
      name: 'dead_letter_depth',
      help: 'Failed background jobs (refreshes of answers served stale) parked for review in the dead-letter queue, per provider.',
      labelNames: ['provider'],
      registers: [registry],
      async collect() {
        if (!probes.deadLetterDepth) return;
        this.reset();
        for (const reading of await probes.deadLetterDepth()) this.set({ provider: reading.provider }, reading.depth);
      },
    }),
    singleflightCoalesced: new Counter({
      name: 'singleflight_coalesced_total',
      help: 'Cache misses that cost no upstream call of their own: they joined a fetch already running in this process (scope=process) or in another instance through Redis (scope=cluster), by kind of data.',
      labelNames: ['scope', 'kind'],
      registers: [registry],
    }),
    deadLetterJobs: new Counter({
      name: 'dead_letter_jobs_total',
      help: 'Dead-letter jobs by outcome: recovered (the work succeeded), parked (retries ran out), dropped (evicted to keep the queue bounded).',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    }),
    cacheRequests: new Counter({
      name: 'cache_requests_total',
      help: 'Market cache lookups by kind of data, tier (l1 in process, l2 Redis, asked only when l1 has nothing fresh) and result (hit, miss, stale: past freshness, answered while refreshed in the background).',
      labelNames: ['kind', 'tier', 'result'],
      registers: [registry],
      collect() {
        if (!probes.cacheRequests) return;
        this.reset();
        for (const reading of probes.cacheRequests()) {
          if (reading.count > 0) this.inc({ kind: reading.kind, tier: reading.tier, result: reading.result }, reading.count);
        }
      },
    }),
    cacheEntries: new Gauge({
      name: 'cache_entries',
      help: 'Entries held by each market cache tier: l1 (in process) and, while Redis answers, l2 (counted with SCAN under the cache prefix).',
      labelNames: ['tier'],
      registers: [registry],
      async collect() {
        if (!probes.cacheEntries) return;
        this.reset();
        for (const reading of await probes.cacheEntries()) this.set({ tier: reading.tier }, reading.count);
      },
    }),
    streamFeeds: new Gauge({
      name: 'stream_upstream_feeds',
      help: 'Upstream live-quote feeds running (one per watched symbol).',
      registers: [registry],
      collect() {
        this.set(probes.streamFeeds());
      },
    }),
    streamWatchers: new Gauge({
      name: 'stream_watchers',
      help: 'Open live-quote streams (one per GraphQL subscription).',
      registers: [registry],
      collect() {
        this.set(probes.streamWatchers());
      },
    }),
  };
}
