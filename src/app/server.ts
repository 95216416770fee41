import type { Config } from '../config/index.js';
import { createContext } from '../graphql/context.js';
import { DeliveryEvents } from '../server/delivery.js';
import { startServer, type RunningServer } from '../server/http-server.js';
import type { GraphQLParts } from './graphql.js';
import type { MarketParts } from './market.js';
import type { ProviderParts } from './providers.js';
import { statusSource } from './status.js';
import type { ObservabilityParts } from './observability.js';
import { responseCaching } from './response-cache.js';
import type { StoreParts } from './stores.js';
import { observeDelivery } from './live-quote-metrics.js';

type ServerSettings = Pick<Config, 'server' | 'limits' | 'responseCache' | 'persistedQueries' | 'cache' | 'redisUrl'> & { readonly traced: boolean };

/** Stage 6: HTTP and graphql-ws on one port, then one summary line saying what runs. */
export async function serverStage(
  config: ServerSettings,
  { logger, metrics, clock }: ObservabilityParts,
  { cacheTiers, redis }: StoreParts,
  { market, registry, hub, delayedQuotes, audit, limits, grader, consensus }: MarketParts,
  { schema, authenticator }: GraphQLParts,
  pipelines: ProviderParts['pipelines'],
): Promise<RunningServer> {
  // The transports tell what reaches clients; metrics listen (live-quote-metrics.ts).
  const deliveryEvents = new DeliveryEvents();
  observeDelivery(deliveryEvents, metrics.registry);
  const server = await startServer({
    port: config.server.port,
    host: config.server.host,
    schema,
    context: (consumer) => createContext({ market, providers: registry, hub, delayedQuotes, grader, consensus, audit: audit.audit, clock, streamSymbols: limits.streamSymbols }, consumer),
    authenticator,
    introspection: config.server.introspection,
    sandbox: config.server.sandbox,
    production: config.server.production,
    shutdownGraceMs: config.server.shutdownGraceMs,
    trustedProxyHops: config.server.trustedProxyHops,
    corsOrigins: config.server.corsOrigins,
    publicOrigin: config.server.publicOrigin,
    maxBodyBytes: config.limits.maxBodyBytes,
    delivery: { ...config.server.backpressure, events: deliveryEvents },
    limits: limits.server,
    // Persisted queries and whole responses in the same cache tiers as market data.
    ...responseCaching(config, cacheTiers.createKeyvStore, logger, metrics),
    ...audit.server,
    readiness: () => ({ providers: registry.summaries().map((provider) => provider.id), cache: cacheTiers.describe() }),
    logger,
    metrics,
    traced: config.traced,
    status: statusSource({ registry, pipelines, metrics: metrics.registry, redis, cacheTiers, audit: audit.audit }),
  });
  const providers = registry.summaries().map((provider) => `${provider.id} (${provider.capabilities.join(', ')})`);
  logger.info(
    {
      url: server.url,
      port: server.port,
      providers: registry.summaries().map((provider) => provider.id),
      cache: cacheTiers.describe(),
      startupMs: Math.round(performance.now()),
    },
    `marketgraph ready at ${server.url} · providers: ${providers.join('; ')} · cache: ${cacheTiers.describe()}${config.redisUrl ? ' · quotas, dead letters and single-flight: shared through Redis' : ''}`,
  );
  return server;
}
