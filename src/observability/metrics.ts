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
  readonly qualityGrades: Counter<'provider' | 'grade'>;
  readonly responseCacheRequests: Counter<'result'>;
  readonly providerQuotaRemaining: Gauge<'provider' | 'key' | 'window'>;
  readonly providerQuotaLimit: Gauge<'provider' | 'key' | 'window'>;
  readonly redisConnected: Gauge;
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
  /** The window's calls per key, by the plan. */
  readonly limit: number;
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
  /** 1 while the Redis link's command connection is ready, 0 while not; undefined without REDIS_URL (no sample). */
  readonly redisConnected?: () => number | undefined;
}

export function createMetrics(probes: MetricProbes): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Every plain counter lives on this registry alone: said once here, not at each metric.
  const counter = <Label extends string>(name: string, help: string, labelNames: readonly Label[]): Counter<Label> =>
    new Counter({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    refusals: counter('graphql_refusals_total', 'Consumers refused by the gateway, over HTTP and graphql-ws, by error code and cause: an abuse limit (maxDepth, costBudget, maxBodyBytes, introspection, …), a spent budget (requests, providerCalls), an authentication reason, or a missing right (one per denied field).', ['code', 'cause']),
    graphqlOperations: counter('graphql_operations_total', 'GraphQL operations executed, by operation name, type and outcome (ok, error, partial).', ['operation', 'type', 'status']),
    graphqlDuration: new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'Time from receiving a GraphQL operation to sending its response.',
      labelNames: ['operation', 'type'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    providerRequests: counter('provider_requests_total', 'Calls made to data providers, by provider, capability and outcome.', ['provider', 'capability', 'status']),
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
    providerErrors: counter('provider_errors_total', 'Failed provider calls (after retries), by failure kind.', ['provider', 'kind']),
    providerRetries: counter('provider_retries_total', 'Retries of provider calls after an outage.', ['provider']),
    staleServed: counter('stale_answers_total', 'Answers served from cache past their freshness, marked stale, because no provider could answer (the chain failed, or the background refresh of an entry in its revalidation window did). Reads answered while a refresh runs are not counted: cache_requests_total{result="stale"} counts those.', ['kind']),
    responseCacheRequests: counter('response_cache_requests_total', 'Cacheable GraphQL queries, by result: hit (answered from the response cache without execution) or miss (executed).', ['result']),
    providerQuotaRemaining: probedGauge(
      registry,
      'provider_quota_remaining',
      'Calls left in each quota window of each API key (key masked to its last 4 characters).',
      ['provider', 'key', 'window'],
      probes.quotaRemaining,
      (reading) => reading.remaining,
    ),
    providerQuotaLimit: probedGauge(
      registry,
      'provider_quota_limit',
      'Calls each API key may make per quota window, by the plan (QUOTA settings): what provider_quota_remaining counts down from.',
      ['provider', 'key', 'window'],
      probes.quotaRemaining,
      (reading) => reading.limit,
    ),
    redisConnected: new Gauge({
      name: 'redis_connected',
      help: 'Whether the Redis link is up: 1 connected, 0 away (every part runs on memory meanwhile). No sample without REDIS_URL.',
      registers: [registry],
      collect() {
        this.reset();
        const connected = probes.redisConnected?.();
        if (connected !== undefined) this.set(connected);
      },
    }),
    deadLetterDepth: probedGauge(
      registry,
      'dead_letter_depth',
      'Failed background jobs (refreshes of answers served stale) parked for review in the dead-letter queue, per provider.',
      ['provider'],
      probes.deadLetterDepth,
      (reading) => reading.depth,
    ),
    singleflightCoalesced: counter('singleflight_coalesced_total', 'Cache misses that cost no upstream call of their own: they joined a fetch already running in this process (scope=process) or in another instance through Redis (scope=cluster), by kind of data.', ['scope', 'kind']),
    qualityGrades: counter(
      'data_quality_grade_total',
      'Quotes providers answered, by the A–F quality grade each got on arrival (timeliness, completeness, consistency, agreement, source reliability: see Quote.quality).',
      ['provider', 'grade'],
    ),
    deadLetterJobs: counter('dead_letter_jobs_total', 'Dead-letter jobs by outcome: recovered (the work succeeded), parked (retries ran out), dropped (evicted to keep the queue bounded).', ['provider', 'outcome']),
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
    cacheEntries: probedGauge(
      registry,
      'cache_entries',
      'Entries held by each market cache tier: l1 (in process) and, while Redis answers, l2 (counted with SCAN under the cache prefix).',
      ['tier'],
      probes.cacheEntries,
      (reading) => reading.count,
    ),
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

/**
 * A gauge of labelled readings taken from `probe` at scrape time. It is reset before each reading,
 * so a label that reads no more (a key removed, a queue emptied) does not linger at its last value;
 * without a probe (the part is not running) it has no figures at all.
 */
function probedGauge<Label extends string, Reading extends Readonly<Record<Label, string>>>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly Label[],
  probe: (() => Promise<readonly Reading[]>) | undefined,
  valueOf: (reading: Reading) => number,
): Gauge<Label> {
  const labelsOf = (reading: Reading): Partial<Record<Label, string>> => {
    const labels: Partial<Record<Label, string>> = {};
    for (const label of labelNames) labels[label] = reading[label];
    return labels;
  };
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      if (!probe) return;
      this.reset();
      for (const reading of await probe()) this.set(labelsOf(reading), valueOf(reading));
    },
  });
}
