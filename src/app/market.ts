import type { Config } from '../config/index.js';
import { createDeadLetterQueue } from './dead-letters.js';
import { quotaReadings } from '../market/routing/key-status.js';
import { ProviderRegistry } from '../market/routing/registry.js';
import { QuoteConsensus } from '../market/quality/consensus-reads.js';
import { QuoteGrader } from '../market/quality/quote-grader.js';
import { MarketService, type ProviderAnswer } from '../market/service.js';
import type { DeadLetterJob } from '../resilience/dead-letters.js';
import { QuoteHub } from '../streaming/hub.js';
import { createAppAudit, type AppAudit } from './audit.js';
import { createDelayedQuotes } from './delayed-quotes.js';
import { observeLiveQuotes } from './live-quote-metrics.js';
import { createLiveQuoteSources } from './live-quotes.js';
import { createAppLimits, type AppLimits } from './limits.js';
import type { ObservabilityParts } from './observability.js';
import { ProviderCalls } from './provider-calls.js';
import type { ProviderParts } from './providers.js';
import type { StoreParts } from './stores.js';

/** Stage 4: the provider-neutral market: registry, service, live quotes, and who pays for calls. */
export interface MarketParts {
  readonly registry: ProviderRegistry;
  readonly market: MarketService;
  readonly hub: QuoteHub;
  readonly delayedQuotes: ReturnType<typeof createDelayedQuotes>;
  readonly audit: AppAudit;
  readonly limits: AppLimits;
  /** Quality grades of quotes (Quote.quality, consensus, each provider's distribution). */
  readonly grader: QuoteGrader;
  readonly consensus: QuoteConsensus;
  close(): Promise<void>;
}

type MarketSettings = Pick<Config, 'deadLetters' | 'redisKeys' | 'limits' | 'resilience' | 'remote' | 'audit' | 'rights' | 'providers' | 'cache' | 'streaming' | 'quality'>;

export async function marketStage(
  config: MarketSettings,
  { logger, metrics, probes, clock }: ObservabilityParts,
  { cacheTiers, clusterFlight, redis }: StoreParts,
  { adapters, pipelines, keyStatus }: ProviderParts,
): Promise<MarketParts> {
  // The queue and the service need each other: the service parks the refreshes that failed, the
  // queue runs them again through the service. The queue comes first, with its runner bound as
  // soon as the service exists; it has no job before then, since only the service makes jobs.
  let runRefresh: ((job: DeadLetterJob) => Promise<void>) | undefined;
  const deadLetters = await createDeadLetterQueue({ ...config.deadLetters, redis, redisPrefix: config.redisKeys.deadLetters }, logger, {
    run: (job) => (runRefresh ? runRefresh(job) : Promise.reject(new Error('no market service to run the refresh with'))),
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
  // Live quotes: the stream chain (feeds, then polling, per provider) with failover, fanned out across instances with Redis.
  const live = createLiveQuoteSources(config, { adapters, registry, redis, logger });
  const hub = new QuoteHub({
    source: observeLiveQuotes(live, metrics.registry),
    onFeedChange: (event) => logger.debug(event, event.active ? 'live feed started' : 'live feed stopped'),
  });
  const cache = cacheTiers.market;
  probes.attach({
    streamFeeds: () => hub.activeFeeds,
    streamWatchers: () => hub.watchers,
    quotaRemaining: () => quotaReadings(keyStatus),
    deadLetterDepth: () => Promise.all(registry.summaries().map(async ({ id }) => ({ provider: id, depth: await deadLetters.depth(id) }))),
    cacheRequests: () => cache.requestCounts(),
    cacheEntries: () => cache.entries(),
    redisConnected: () => (redis === undefined ? undefined : redis.connected ? 1 : 0),
  });

  // Abuse limits and per-consumer budgets, and the audit trail; both learn of every provider call.
  const limits = createAppLimits(config.limits, { link: redis, prefix: config.redisKeys.throttle }, logger);
  const audit = createAppAudit(config, logger, redis);
  const providerCalls = new ProviderCalls();
  providerCalls.subscribe((event) => limits.onProviderCall(event));
  providerCalls.subscribe((event) => audit.onProviderCall(event));
  providerCalls.subscribe((event) => {
    metrics.providerRequests.inc({ provider: event.provider, capability: event.capability, status: event.outcome });
    metrics.providerLatency.observe({ provider: event.provider, capability: event.capability }, event.durationMs / 1000);
  });
  providerCalls.subscribe((event) => registry.recordCall(event));

  // Grading learns from what providers answer anyway and reads provider health: it costs no call.
  const grader = new QuoteGrader({
    policy: config.quality,
    clock,
    providers: registry,
    onGraded: (provider, grade) => metrics.qualityGrades.inc({ provider, grade }),
  });

  const market = new MarketService({
    registry,
    cache,
    ...(clusterFlight ? { clusterFlight } : {}),
    onCoalesced: ({ scope, kind }) => metrics.singleflightCoalesced.inc({ scope, kind }),
    chainBudgetMs: config.resilience.chainBudgetMs,
    batchConcurrency: (provider) => (provider === 'simulated' ? config.resilience : config.remote[provider].policy).batchConcurrency,
    onStaleServed: ({ kind }) => metrics.staleServed.inc({ kind }),
    onProviderCall: providerCalls.emit,
    onAnswered: (answer) => learnFrom(grader, answer),
    // A spent provider-call budget refuses the reads that would call a provider, not the cached ones.
    refuseProviderCall: (caller) => limits.refuseProviderCall(caller),
    onCacheError: (error) => logger.warn({ err: error }, 'cache write failed'),
    refreshes: deadLetters,
  });
  runRefresh = (job) => market.refresh(job);
  const consensus = new QuoteConsensus({
    registry,
    grader,
    budgetMs: config.resilience.chainBudgetMs,
    onProviderCall: providerCalls.emit,
    refuseProviderCall: (caller) => limits.refuseProviderCall(caller),
  });
  const delayedQuotes = createDelayedQuotes(config, {
    adapters,
    market,
    clock,
    emitProviderCall: providerCalls.emit,
    refuseProviderCall: (caller) => limits.refuseProviderCall(caller),
  });

  return {
    registry,
    market,
    hub,
    delayedQuotes,
    audit,
    limits,
    grader,
    consensus,
    async close() {
      // The hub first: its feeds stop (and the cluster's leases go) before their sources close.
      hub.close();
      await live.close();
      await limits.close();
      await audit.close();
      await deadLetters.close();
    },
  };
}

function learnFrom(grader: QuoteGrader, answer: ProviderAnswer): void {
  if (answer.kind === 'quote') grader.arrived(answer.value);
  else if (answer.kind === 'history') grader.learnHistory(answer.query.symbol, answer.query.interval, answer.value);
}
