import type { Config } from '../config/index.js';
import type { KeyvStoreFactory } from '../market/cache/keyv-store.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ServerOptions } from '../server/http-server.js';
import { persistedQueryCache, responseStore, type StoreGuard } from '../server/response-cache/store.js';

/** Most GraphQL responses, and persisted query texts, each instance keeps in process (L1). */
const RESPONSES_IN_PROCESS = { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 };
const QUERIES_IN_PROCESS = { maxEntries: 5_000, maxBytes: 16 * 1024 * 1024 };
/** A failing store is told at most this often: in an outage every request would say it again. */
const WARN_EVERY_MS = 60_000;

/**
 * Part of the composition root: automatic persisted queries and the whole-response cache, both in
 * namespaces of the gateway's cache tiers (in process, and in Redis with REDIS_URL, so every
 * instance sees what any instance stored).
 */
export function responseCaching(
  config: Pick<Config, 'responseCache' | 'persistedQueries' | 'cache'>,
  createKeyvStore: KeyvStoreFactory,
  logger: Logger,
  metrics: Metrics,
): Pick<ServerOptions, 'persistedQueries' | 'responseCache'> {
  let warnedAt = -WARN_EVERY_MS;
  // Bound once: every cacheable request counts one, and prom-client hashes labels on each inc({…}).
  const lookups = { hit: metrics.responseCacheRequests.labels('hit'), miss: metrics.responseCacheRequests.labels('miss') };
  const guard: StoreGuard = {
    onError(error, operation) {
      if (performance.now() - warnedAt < WARN_EVERY_MS) return;
      warnedAt = performance.now();
      logger.warn({ err: error, operation }, 'response cache / persisted query store failed: answering without it');
    },
  };
  return {
    persistedQueries: config.persistedQueries.enabled
      ? { cache: persistedQueryCache(createKeyvStore<string>('apq', QUERIES_IN_PROCESS), guard), ttlSeconds: config.persistedQueries.ttlSeconds }
      : false,
    ...(config.responseCache.enabled
      ? {
          responseCache: {
            store: responseStore(createKeyvStore('responses', RESPONSES_IN_PROCESS), guard),
            ttlMs: config.cache.ttlMs,
            onLookup: (result) => lookups[result].inc(),
          },
        }
      : {}),
  };
}
