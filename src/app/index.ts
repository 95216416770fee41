import type { Config } from '../config/index.js';
import type { ProviderRegistry } from '../market/routing/registry.js';
import { createLogger, type Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { startTracing } from '../observability/tracing.js';
import type { RunningServer } from '../server/http-server.js';
import { graphqlStage } from './graphql.js';
import { marketStage } from './market.js';
import { observabilityStage } from './observability.js';
import { providersStage } from './providers.js';
import { serverStage } from './server.js';
import { storesStage } from './stores.js';

export interface App {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly registry: ProviderRegistry;
  /** Listens, and reports one summary line once ready. */
  start(): Promise<RunningServer>;
  /** Graceful: in-flight requests finish, sockets close, feeds stop. */
  stop(): Promise<void>;
}

/**
 * The composition root: the one place that reads the whole config. It builds the gateway in
 * stages, in dependency order, each given only its slice of the config and the parts of the
 * stages before it:
 *
 *   tracing (OpenTelemetry, when OTEL_* name an endpoint) → observability (logger, clock, metrics) → stores (cache tiers, cluster flight) →
 *   providers (adapters, pipelines, key pools) → market (registry, service, hub, limits, audit) →
 *   graphql (schema, authenticator) → server (on start)
 *
 * Stopping goes the other way: the server drains first, so no request finds a part closed.
 */
export async function createApp(config: Config, options: { readonly logger?: Logger } = {}): Promise<App> {
  // Before anything else, so every span site finds the SDK registered when tracing is on.
  const tracing = await startTracing(config.tracing);
  const observability = observabilityStage(config, options.logger ?? createLogger(config.log.level, undefined, { traced: tracing.enabled }));
  const stores = await storesStage(config, observability.logger);
  const providers = await providersStage(config, observability, stores.redis);
  const market = await marketStage(config, observability, stores, providers);
  const graphql = await graphqlStage(config, market.audit.enforcement, observability.logger);

  let server: RunningServer | undefined;
  return {
    logger: observability.logger,
    metrics: observability.metrics,
    registry: market.registry,
    async start() {
      server = await serverStage({ ...config, traced: tracing.enabled }, observability, stores, market, graphql, providers.pipelines);
      return server;
    },
    async stop() {
      await server?.stop();
      await market.close();
      market.hub.close();
      await providers.close();
      // Last: every part above may still write to Redis while it drains (the audit stream does).
      await stores.close();
      await tracing.shutdown();
    },
  };
}
