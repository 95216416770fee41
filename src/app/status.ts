import { CircuitState } from 'cockatiel';
import type { Registry } from 'prom-client';
import type { ProviderId } from '../domain/index.js';
import type { ProviderRegistry } from '../market/routing/registry.js';
import type { AuditTrail } from '../observability/audit.js';
import type { ProviderPipeline } from '../resilience/pipeline.js';
import type { StatusSnapshot, StatusSource } from '../server/status/snapshot.js';
import type { RedisLink } from '../stores/redis-link.js';

const HISTORY = 50;
/** One snapshot serves every console open within this long: each snapshot reads every metric. */
const REUSE_MS = 250;
const STATE_NAMES: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'CLOSED',
  [CircuitState.Open]: 'OPEN',
  [CircuitState.HalfOpen]: 'HALF_OPEN',
  // Held open by hand, as a reset by hand passes through (resetCircuitBreaker isolates, then releases).
  [CircuitState.Isolated]: 'ISOLATED',
};

export interface StatusParts {
  readonly registry: ProviderRegistry;
  readonly pipelines: ReadonlyMap<ProviderId, ProviderPipeline>;
  readonly metrics: Registry;
  readonly redis: RedisLink | undefined;
  readonly cacheTiers: { describe(): string };
  readonly audit: AuditTrail | undefined;
}

type Sample = { readonly value: number; readonly labels: Readonly<Record<string, string | number>> };

/**
 * The status console's source (server/status/): provider health from the registry, breaker
 * changes as the pipelines report them, and the rest from the metrics already kept (cache, live
 * feeds, refusals), so the console and /metrics can never disagree.
 */
export function statusSource(parts: StatusParts): StatusSource {
  const history: Array<{ provider: string; state: string; at: string }> = [];
  for (const [provider, pipeline] of parts.pipelines) {
    pipeline.breaker.onStateChange((state) => {
      history.unshift({ provider, state: STATE_NAMES[state], at: new Date().toISOString() });
      history.length = Math.min(history.length, HISTORY);
    });
  }
  let last: { at: number; snapshot: Promise<Omit<StatusSnapshot, 'audit'>> } | undefined;
  const shared = (): Promise<Omit<StatusSnapshot, 'audit'>> => {
    const now = performance.now();
    if (!last || now - last.at > REUSE_MS) last = { at: now, snapshot: build(parts, history) };
    return last.snapshot;
  };
  return async ({ admin }) => {
    const [snapshot, audit] = await Promise.all([shared(), admin && parts.audit ? parts.audit.read({ limit: 20 }) : Promise.resolve(null)]);
    return { ...snapshot, audit: audit && audit.map((entry) => ({ ...entry, time: entry.time.toISOString() })) };
  };
}

async function build(parts: StatusParts, history: ReadonlyArray<{ provider: string; state: string; at: string }>): Promise<Omit<StatusSnapshot, 'audit'>> {
  const samples = async (name: string): Promise<Sample[]> => ((await parts.metrics.getSingleMetric(name)?.get())?.values ?? []) as Sample[];
  const [statuses, errors, cacheRequests, entries, responseCache, connections, symbols, feeds, watchers, refusals] = await Promise.all([
    parts.registry.status(),
    samples('provider_errors_total'),
    samples('cache_requests_total'),
    samples('cache_entries'),
    samples('response_cache_requests_total'),
    samples('stream_upstream_connections'),
    samples('stream_upstream_symbols'),
    samples('stream_upstream_feeds'),
    samples('stream_watchers'),
    samples('graphql_refusals_total'),
  ]);
  const label = (sample: Sample, name: string): string => String(sample.labels[name] ?? '');
  const hitRatio = new Map<string, { kind: string; tier: string; hits: number; lookups: number }>();
  for (const sample of cacheRequests) {
    const key = `${label(sample, 'kind')}/${label(sample, 'tier')}`;
    const entry = hitRatio.get(key) ?? { kind: label(sample, 'kind'), tier: label(sample, 'tier'), hits: 0, lookups: 0 };
    entry.lookups += sample.value;
    if (label(sample, 'result') === 'hit') entry.hits += sample.value;
    hitRatio.set(key, entry);
  }
  const total = (values: Sample[], result: string): number => values.filter((sample) => label(sample, 'result') === result).reduce((sum, sample) => sum + sample.value, 0);
  return {
    at: new Date().toISOString(),
    providers: statuses.map((status) => ({
      id: status.id,
      name: status.name,
      breaker: { state: status.breaker.state, since: status.breaker.since?.toISOString() ?? null, lastErrorKind: status.breaker.lastErrorKind },
      healthScore: status.window.successRate === null ? null : Math.round(status.window.successRate * 100),
      latency: { p50Ms: round(status.window.p50Ms), p99Ms: round(status.window.p99Ms) },
      calls: status.calls,
      errorsByKind: Object.fromEntries(errors.filter((sample) => label(sample, 'provider') === status.id).map((sample) => [label(sample, 'kind'), sample.value])),
      keys: status.keys,
      deadLetters: status.deadLetters,
    })),
    breakerHistory: [...history],
    cache: {
      tiers: parts.cacheTiers.describe(),
      redis: parts.redis === undefined ? 'none' : parts.redis.connected ? 'connected' : 'away',
      hitRatio: [...hitRatio.values()],
      entries: entries.map((sample) => ({ tier: label(sample, 'tier'), count: sample.value })),
      responseCache: { hits: total(responseCache, 'hit'), misses: total(responseCache, 'miss') },
    },
    live: {
      upstreamFeeds: feeds[0]?.value ?? 0,
      subscriptions: watchers[0]?.value ?? 0,
      connections: connections.map((sample) => ({ provider: label(sample, 'provider'), state: label(sample, 'state'), count: sample.value })),
      symbols: symbols.map((sample) => ({ provider: label(sample, 'provider'), count: sample.value })),
    },
    refusals: refusals.map((sample) => ({ code: label(sample, 'code'), cause: label(sample, 'cause'), count: sample.value })),
  };
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
