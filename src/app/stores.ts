import type { Config } from '../config/index.js';
import { isCacheKind } from '../domain/index.js';
import { createCacheTiers, type CacheTiers } from '../market/cache/cache-tiers.js';
import type { ClusterFlight } from '../market/coalescing/cluster-flight.js';
import type { Logger } from '../observability/logger.js';
import type { RedisLink } from '../stores/redis-link.js';

/** Stage 2: where data is kept and shared: the Redis link, the cache tiers and, with Redis, the cluster's single-flight. */
export interface StoreParts {
  /**
   * With REDIS_URL, the instance's one link to Redis (one command connection, one subscriber
   * connection when pub/sub is first needed), shared by every Redis-backed part of later stages.
   */
  readonly redis: RedisLink | undefined;
  /** L1 in process; with Redis, L2 shared by every instance (down at start-up: L1 only until it is back). */
  readonly cacheTiers: CacheTiers;
  /** With Redis, a miss is fetched once in the cluster: one instance claims it, the others wait for its answer. */
  readonly clusterFlight: ClusterFlight | undefined;
  /** Closes the link too: call it after every part that writes to Redis has drained. */
  close(): Promise<void>;
}

export async function storesStage(
  config: Pick<Config, 'cache' | 'resilience' | 'redisUrl' | 'redisKeys' | 'clusterFlight'>,
  logger: Logger,
): Promise<StoreParts> {
  // node-redis is loaded only with a Redis URL: a gateway on memory alone never pays its start-up.
  const redis = config.redisUrl ? (await import('../stores/redis-link.js')).RedisLink.open({ url: config.redisUrl }) : undefined;
  const cacheTiers = await createCacheTiers(
    { ...config.cache, lastResortMs: config.resilience.staleWindowMs, redis: { ...config.cache.redis, link: redis } },
    logger,
    (error) => logger.warn({ err: error }, 'cache store failed'),
  );
  const clusterFlight = redis
    ? await (await import('../market/coalescing/cluster-flight.js')).createClusterFlight(
        {
          redis,
          prefix: config.redisKeys.flight,
          leaseMs: config.clusterFlight.leaseMs,
          // A just-settled outcome is as good as a cache entry while the data is fresh (scopes are cache kinds).
          reuseMs: (scope) => (isCacheKind(scope) ? config.cache.ttlMs[scope] : 0),
        },
        logger,
      )
    : undefined;
  return {
    redis,
    cacheTiers,
    clusterFlight,
    async close() {
      await clusterFlight?.close();
      await cacheTiers.close();
      redis?.close();
    },
  };
}
