import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config/index.js';
import type { ProviderId } from '../domain/index.js';
import type { ProviderRegistry } from '../market/routing/registry.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderAdapter, TickSource } from '../providers/adapter.js';
import type { StreamEvents } from '../providers/kit/stream-events.js';
import type { RedisLink } from '../stores/redis-link.js';
import { createClusterSource, type ClusterSource } from '../streaming/cluster/cluster-source.js';
import { createPollSource, type PollSource } from '../streaming/sources/poll-source.js';
import { breakerHealth, streamSourceHealth, type OwnedSourceHealth } from '../streaming/sources/routed-health.js';
import { createRoutedSource, type RoutedCandidate, type RoutedSource } from '../streaming/sources/routed-source.js';

/** Where the hub's live quotes come from, and the parts metrics watch. */
export interface LiveQuoteSources {
  /** What the hub watches; undefined when no provider can stream or poll. */
  readonly source: TickSource | undefined;
  readonly routed: RoutedSource | undefined;
  /** With Redis: the fan-out that keeps one upstream subscription per symbol across instances. */
  readonly cluster: ClusterSource | undefined;
  /** Each provider's websocket feed, by provider, for metrics. */
  readonly streams: ReadonlyMap<ProviderId, StreamEvents>;
  /** Each provider's polling feed, by provider, for metrics. */
  readonly polls: ReadonlyMap<ProviderId, PollSource>;
  close(): Promise<void>;
}

type LiveQuoteSettings = Pick<Config, 'providers' | 'remote' | 'streaming' | 'redisKeys'>;

/**
 * The stream chain, in the providers' configured order: each provider gives its websocket feed
 * (or the simulated market's ticks) and then, when it has REST quotes, a polling feed paced to a
 * share of its quota, so symbols beyond a socket's cap, or of a provider without a feed, still
 * stream. A routed source (streaming/sources/routed-source.ts) serves each symbol from the first
 * candidate that can and fails over without the client noticing more than `source`; with Redis,
 * the cluster source (streaming/cluster/) makes one instance own each symbol's upstream and fans
 * its ticks out to every instance.
 */
export function createLiveQuoteSources(
  config: LiveQuoteSettings,
  parts: { readonly adapters: readonly ProviderAdapter[]; readonly registry: ProviderRegistry; readonly redis: RedisLink | undefined; readonly logger: Logger },
): LiveQuoteSources {
  const streams = new Map<ProviderId, StreamEvents>();
  const polls = new Map<ProviderId, PollSource>();
  const healths: OwnedSourceHealth[] = [];
  const chain: RoutedCandidate[] = [];
  for (const id of config.providers) {
    const adapter = parts.adapters.find((candidate) => candidate.id === id);
    if (!adapter) continue;
    if (adapter.stream) {
      const events = eventsOf(adapter.stream);
      const health = events ? streamSourceHealth(events) : undefined;
      if (events) streams.set(id, events);
      if (health) healths.push(health);
      chain.push({ provider: id, label: `${id} stream`, source: adapter.stream, ...(health ? { health } : {}) });
    }
    // The simulated market streams every symbol it knows: polling it would add nothing.
    if (adapter.quote && id !== 'simulated') {
      const poll = createPollSource({
        provider: id,
        fetcher: adapter.quote,
        quota: { limits: config.remote[id].quota, keys: config.remote[id].keys.length },
        share: config.streaming.pollShare,
      });
      polls.set(id, poll);
      const pipeline = parts.registry.pipeline(id);
      const health = pipeline ? breakerHealth(pipeline) : undefined;
      if (health) healths.push(health);
      chain.push({ provider: id, label: `${id} poll`, source: poll, ...(health ? { health } : {}) });
    }
  }
  const routed = chain.length > 0 ? createRoutedSource({ chain, graceMs: config.streaming.failoverGraceMs, recoverMs: config.streaming.recoverMs }) : undefined;
  const cluster =
    routed && parts.redis
      ? createClusterSource({
          link: parts.redis,
          local: routed,
          prefix: config.redisKeys.streams,
          leaseMs: config.streaming.leaseMs,
          instanceId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
          log: parts.logger,
        })
      : undefined;
  return {
    source: cluster ?? routed,
    routed,
    cluster,
    streams,
    polls,
    async close() {
      await cluster?.close();
      routed?.close();
      for (const poll of polls.values()) poll.close();
      for (const health of healths) health.dispose();
    },
  };
}

/** The typed events of a provider's websocket feed (the stream kit's StreamSource), if it has them. */
function eventsOf(source: TickSource): StreamEvents | undefined {
  const events = (source as { readonly events?: unknown }).events;
  return events !== null && typeof events === 'object' && 'onStateChange' in events ? (events as StreamEvents) : undefined;
}
