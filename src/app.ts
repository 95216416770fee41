import { createAuthenticator } from './auth/index.js';
import { ConfigError, type Config } from './config/index.js';
import { clockStartingAt, systemClock, type Clock, type ProviderId } from './domain/index.js';
import { createContext } from './graphql/context.js';
import { createSchema } from './graphql/schema.js';
import { createAppLimits } from './app-limits.js';
import { createAppRights } from './app-rights.js';
import { responseCaching } from './app-response-cache.js';
import { createCacheTiers } from './market/cache-tiers.js';
import { createDeadLetterQueue } from './market/dead-letters.js';
import { quotaReadings, type KeyStatusSource } from './market/key-status.js';
import { ProviderRegistry } from './market/registry.js';
import { withResilience } from './market/resilient-adapter.js';
import { MarketService, type ProviderCallEvent } from './market/service.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import type { ProviderAdapter } from './providers/adapter.js';
import { createSimulatedProvider } from './providers/simulated/index.js';
import { startServer, type RunningServer } from './server/http-server.js';
import { observePipeline, type PipelineSink } from './resilience/observe.js';
import { createProviderPipeline, type BreakerState, type ProviderPipeline } from './resilience/pipeline.js';
import { QuoteHub } from './streaming/hub.js';

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
 * The composition root: the one place that reads the whole config and builds every part,
 * handing each only its own slice.
 */
export async function createApp(config: Config, options: { readonly logger?: Logger } = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.log.level);
  const clock = config.clock.startMs === undefined ? systemClock : clockStartingAt(config.clock.startMs);
  if (config.clock.startMs !== undefined) {
    logger.warn({ simulatedNow: new Date(clock()).toISOString() }, `SIMULATED_NOW: market data is priced and judged as of ${new Date(clock()).toISOString()}, not the system clock`);
  }
  // Probes are read at scrape time, by when the hub exists.
  const metrics = createMetrics({
    streamFeeds: () => hub.activeFeeds,
    streamWatchers: () => hub.watchers,
    quotaRemaining: () => quotaReadings(keyStatus),
    deadLetterDepth: () => Promise.all(registry.summaries().map(async ({ id }) => ({ provider: id, depth: await deadLetters.depth(id) }))),
    cacheRequests: () => cache.requestCounts(),
    cacheEntries: () => cache.entries(),
  });
  const pipelines = new Map<ProviderId, ProviderPipeline>();
  /** Each provider's key pool, for `providers { keys }`: `keyStatus.set(id, pool)` where a pool is built. */
  const keyStatus = new Map<ProviderId, KeyStatusSource>();
  const adapters = await Promise.all(
    config.providers.map(async (id) => {
      const adapter = await createAdapter(id, config, logger, keyStatus, clock);
      // The simulated market is in process: nothing to time out, retry or break.
      if (id === 'simulated') return adapter;
      const pipeline = createProviderPipeline(id, { ...config.remote[id].policy, timeoutMs: config.remote[id].timeoutMs });
      observePipeline(id, pipeline, pipelineMetrics(metrics, logger));
      // The gauge reports every breaker from the start, not only after its first change.
      metrics.circuitBreakerState.set({ provider: id }, breakerGauge[pipeline.breakerState()]);
      pipelines.set(id, pipeline);
      return withResilience(adapter, pipeline);
    }),
  );
  // Failed background work (the refresh of an answer served stale) is retried, then parked for replay.
  const deadLetters = await createDeadLetterQueue({ ...config.deadLetters, redisUrl: config.redisUrl, redisPrefix: config.redisKeys.deadLetters }, logger, {
    run: (job) => market.refresh(job),
    onRecovered: (job) => {
      metrics.deadLetterJobs.inc({ provider: job.provider, outcome: 'recovered' });
      logger.info({ provider: job.provider, capability: job.capability, key: job.key, attempts: job.attempts }, `background refresh of ${job.capability} ${job.key} succeeded`);
    },
    onParked: (job) => {
      metrics.deadLetterJobs.inc({ provider: job.provider, outcome: 'parked' });
      logger.warn(
        { provider: job.provider, capability: job.capability, key: job.key, attempts: job.attempts, lastError: job.lastError },
        `background refresh of ${job.capability} ${job.key} parked as failed after ${job.attempts} attempts (${job.lastError.kind}): replayDeadLetters(provider: ${job.provider.toUpperCase()}) retries it`,
      );
    },
    onDropped: ({ provider, count }) => {
      metrics.deadLetterJobs.inc({ provider, outcome: 'dropped' }, count);
      logger.warn({ provider, count }, `dead-letter queue of ${provider} is full: ${count} job(s) dropped, oldest parked first`);
    },
  });
  const registry = new ProviderRegistry(adapters, pipelines, {
    keyStatus,
    deadLetters,
    onBreakerReset: ({ provider, previous }) => logger.warn({ provider, previous }, `circuit breaker of ${provider} reset by hand`),
  });
  const hub = new QuoteHub({
    source: registry.chain('stream')[0]?.stream,
    onFeedChange: (event) => logger.debug(event, event.active ? 'live feed started' : 'live feed stopped'),
  });
  // L1 in process; with Redis, L2 shared by every instance (down at start-up: L1 only until it is back).
  const cacheTiers = await createCacheTiers(
    { ...config.cache, lastResortMs: config.resilience.staleWindowMs, redis: { ...config.cache.redis, url: config.redisUrl } },
    logger,
    (error) => logger.warn({ err: error }, 'cache store failed'),
  );
  const cache = cacheTiers.market;
  // With Redis, a miss is fetched once in the cluster: one instance claims it, the others wait for its answer.
  const clusterFlight = config.redisUrl
    ? await (await import('./market/cluster-flight.js')).createClusterFlight(
        {
          redisUrl: config.redisUrl,
          prefix: config.redisKeys.flight,
          leaseMs: config.clusterFlight.leaseMs,
          // A just-settled outcome is as good as a cache entry while the data is fresh (scopes are cache kinds).
          reuseMs: (scope) => (scope in config.cache.ttlMs ? config.cache.ttlMs[scope as keyof typeof config.cache.ttlMs] : 0),
        },
        logger,
      )
    : undefined;
  // Abuse limits and per-consumer budgets; provider calls are charged to the consumer that made them.
  const limits = createAppLimits(config.limits, { url: config.redisUrl, prefix: config.redisKeys.throttle }, logger);
  // Audit trail, rights reporting and delayed quotes; provider calls are recorded for the consumer that made them.
  const rights = createAppRights(config, logger, adapters, () => market, (event) => reportProviderCall(event), clock, () => limits.refuseProviderCall());
  /** Every provider call, the market service's and delayed quotes' own: throttle, audit, metrics, health. */
  const reportProviderCall = (event: ProviderCallEvent): void => {
    limits.onProviderCall();
    rights.onProviderCall(event);
    metrics.providerRequests.inc({ provider: event.provider, capability: event.capability, status: event.outcome });
    metrics.providerLatency.observe({ provider: event.provider, capability: event.capability }, event.durationMs / 1000);
    registry.recordCall(event);
  };
  const market = new MarketService({
    registry,
    cache,
    ...(clusterFlight ? { clusterFlight } : {}),
    onCoalesced: ({ scope, kind }) => metrics.singleflightCoalesced.inc({ scope, kind }),
    chainBudgetMs: config.resilience.chainBudgetMs,
    batchConcurrency: (provider) => (provider === 'simulated' ? config.resilience : config.remote[provider].policy).batchConcurrency,
    onStaleServed: ({ kind }) => metrics.staleServed.inc({ kind }),
    onProviderCall: (event) => reportProviderCall(event),
    // A spent provider-call budget refuses the reads that would call a provider, not the cached ones.
    refuseProviderCall: () => limits.refuseProviderCall(),
    onCacheError: (error) => logger.warn({ err: error }, 'cache write failed'),
    refreshes: deadLetters,
  });
  const schema = await createSchema(rights.enforcement);
  // A JWKS file that cannot be read is a setting the gateway refuses to start with (exit 2).
  const authenticator = await createAuthenticator(config.auth, {
    onVerifierUnavailable: (error) => logger.warn({ err: error }, 'a consumer token could not be verified: the JWKS is unreachable or invalid'),
  }).catch((error: unknown) => {
    throw error instanceof Error && error.message.startsWith('AUTH_JWKS') ? new ConfigError(`Invalid ${error.message}`) : error;
  });
  if (config.auth.openDevelopment) {
    logger.warn('open development mode: no AUTH_JWT_SECRET, AUTH_JWKS or AUTH_API_KEYS, so callers without credentials get the admin profile (set AUTH_ANONYMOUS_PROFILE=public, or configure credentials, to stop this)');
  }

  let server: RunningServer | undefined;
  return {
    logger,
    metrics,
    registry,
    async start() {
      server = await startServer({
        port: config.server.port,
        host: config.server.host,
        schema,
        context: (consumer) => createContext({ market, providers: registry, hub, delayedQuotes: rights.delayedQuotes, audit: rights.audit, clock }, consumer),
        authenticator,
        introspection: config.server.introspection,
        sandbox: config.server.sandbox,
        production: config.server.production,
        shutdownGraceMs: config.server.shutdownGraceMs,
        trustedProxyHops: config.server.trustedProxyHops,
        corsOrigins: config.server.corsOrigins,
        publicOrigin: config.server.publicOrigin,
        maxBodyBytes: config.limits.maxBodyBytes,
        limits: limits.server,
        // Persisted queries and whole responses in the same cache tiers as market data.
        ...responseCaching(config, cacheTiers.createKeyvStore, logger, metrics),
        ...rights.server,
        readiness: () => ({ providers: registry.summaries().map((provider) => provider.id), cache: cacheTiers.describe() }),
        logger,
        metrics,
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
    },
    async stop() {
      await server?.stop();
      await limits.close();
      await rights.close();
      await deadLetters.close();
      await clusterFlight?.close();
      await cacheTiers.close();
      hub.close();
      await Promise.all(adapters.map((adapter) => adapter.close?.()));
    },
  };
}

const breakerGauge: Record<BreakerState, number> = { CLOSED: 0, OPEN: 1, HALF_OPEN: 2 };

/** Policy events as metrics and log lines. */
function pipelineMetrics(metrics: Metrics, logger: Logger): PipelineSink {
  return {
    breakerChanged(provider, state) {
      metrics.circuitBreakerState.set({ provider }, breakerGauge[state]);
      logger.warn({ provider, state }, `circuit breaker of ${provider} is ${state}`);
    },
    callFailed(provider, kind) {
      metrics.providerErrors.inc({ provider, kind });
    },
    retried(provider) {
      metrics.providerRetries.inc({ provider });
    },
  };
}

/**
 * Remote adapters are imported only when enabled, so a gateway on the simulated market loads no
 * HTTP client code at start-up.
 */
async function createAdapter(
  id: ProviderId,
  config: Config,
  logger: Logger,
  keyStatus: Map<ProviderId, KeyStatusSource>,
  clock: Clock,
): Promise<ProviderAdapter> {
  if (id === 'simulated') return createSimulatedProvider({ seed: config.simulated.seed, tickMs: config.simulated.tickMs, now: clock });
  // Keys are handed out under the plan's quotas, shared through Redis when there is one.
  const { createKeyPool } = await import('./market/key-pools.js');
  const remote = config.remote[id];
  const keySource = createKeyPool({ provider: id, keys: remote.keys, quota: remote.quota, redisUrl: config.redisUrl, redisPrefix: config.redisKeys.quota }, logger);
  keyStatus.set(id, keySource);
  const settings = { ...remote, keySource };
  switch (id) {
    case 'alphavantage':
      return (await import('./providers/alphavantage/index.js')).createAlphaVantageProvider({ ...settings, premium: config.alphavantage.premium });
    case 'fmp':
      return (await import('./providers/fmp/index.js')).createFmpProvider({ ...settings, ...config.fmp });
    case 'polygon':
      return (await import('./providers/polygon/index.js')).createPolygonProvider(settings);
    case 'finnhub':
      return (await import('./providers/finnhub/index.js')).createFinnhubProvider(settings);
    case 'twelvedata':
      return (await import('./providers/twelvedata/index.js')).createTwelveDataProvider(settings);
    case 'fred':
      return (await import('./providers/fred/index.js')).createFredProvider(settings);
  }
}
