import type { Config } from '../config/index.js';
import { isCacheKind } from '../domain/index.js';
import { createCacheTiers, type CacheTiers } from '../market/cache/cache-tiers.js';
import type { ClusterFlight } from '../market/coalescing/cluster-flight.js';
import type { Logger } from '../observability/logger.js';

/** Stage 2: where data is kept and shared: the cache tiers and, with Redis, the cluster's single-flight. */
export interface StoreParts {
  /** L1 in process; with Redis, L2 shared by every instance (down at start-up: L1 only until it is back). */
  readonly cacheTiers: CacheTiers;
  /** With Redis, a miss is fetched once in the cluster: one instance claims it, the others wait for its answer. */
  readonly clusterFlight: ClusterFlight | undefined;
  close(): Promise<void>;
}

export async function storesStage(
  config: Pick<Config, 'cache' | 'resilience' | 'redisUrl' | 'redisKeys' | 'clusterFlight'>,
  logger: Logger,
): Promise<StoreParts> {
  const cacheTiers = await createCacheTiers(
    { ...config.cache, lastResortMs: config.resilience.staleWindowMs, redis: { ...config.cache.redis, url: config.redisUrl } },
    logger,
    (error) => logger.warn({ err: error }, 'cache store failed'),
  );
  const clusterFlight = config.redisUrl
    ? await (await import('../market/coalescing/cluster-flight.js')).createClusterFlight(
        {
          redisUrl: config.redisUrl,
          prefix: config.redisKeys.flight,
          leaseMs: config.clusterFlight.leaseMs,
          // A just-settled outcome is as good as a cache entry while the data is fresh (scopes are cache kinds).
          reuseMs: (scope) => (isCacheKind(scope) ? config.cache.ttlMs[scope] : 0),
        },
        logger,
      )
    : undefined;
  return {
    cacheTiers,
    clusterFlight,
    async close() {
      await clusterFlight?.close();
      await cacheTiers.close();
    },
  };
}
