import type { Config } from '../config/index.js';
import type { RedisLink } from '../stores/redis-link.js';
import type { Clock, ProviderId } from '../domain/index.js';
import type { KeyStatusSource } from '../market/routing/key-status.js';
import { withResilience } from '../market/routing/resilient-adapter.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ProviderAdapter } from '../providers/adapter.js';
import { createSimulatedProvider } from '../providers/simulated/index.js';
import { observePipeline } from '../resilience/observe.js';
import { createProviderPipeline, type ProviderPipeline } from '../resilience/pipeline.js';
import { pipelineSink, reportBreaker } from './observability.js';

/** Stage 3: the enabled providers, each remote one behind its resilience pipeline and key pool. */
export interface ProviderParts {
  /** In the configured order. */
  readonly adapters: readonly ProviderAdapter[];
  readonly pipelines: ReadonlyMap<ProviderId, ProviderPipeline>;
  /** Each provider's key pool, for `providers { keys }` and the quota gauge. */
  readonly keyStatus: ReadonlyMap<ProviderId, KeyStatusSource>;
  close(): Promise<void>;
}

type ProviderSettings = Pick<Config, 'providers' | 'remote' | 'simulated' | 'alphavantage' | 'fmp' | 'redisKeys'>;

export async function providersStage(
  config: ProviderSettings,
  parts: { readonly logger: Logger; readonly metrics: Metrics; readonly clock: Clock },
  redis: RedisLink | undefined,
): Promise<ProviderParts> {
  const pipelines = new Map<ProviderId, ProviderPipeline>();
  const keyStatus = new Map<ProviderId, KeyStatusSource>();
  const adapters = await Promise.all(
    config.providers.map(async (id) => {
      // The simulated market is in process: nothing to time out, retry or break.
      if (id === 'simulated') return createSimulatedProvider({ seed: config.simulated.seed, tickMs: config.simulated.tickMs, now: parts.clock });
      const { adapter, keys } = await createRemoteAdapter(id, config, parts.logger, redis);
      keyStatus.set(id, keys);
      const pipeline = createProviderPipeline(id, { ...config.remote[id].policy, timeoutMs: config.remote[id].timeoutMs });
      observePipeline(id, pipeline, pipelineSink(parts.metrics, parts.logger));
      reportBreaker(parts.metrics, id, pipeline.breakerState());
      pipelines.set(id, pipeline);
      return withResilience(adapter, pipeline);
    }),
  );
  return {
    adapters,
    pipelines,
    keyStatus,
    async close() {
      await Promise.all(adapters.map((adapter) => adapter.close?.()));
    },
  };
}

/**
 * Remote adapters are imported only when enabled, so a gateway on the simulated market loads no
 * HTTP client code at start-up. Keys are handed out under the plan's quotas, shared through Redis
 * when there is one.
 */
async function createRemoteAdapter(
  id: Exclude<ProviderId, 'simulated'>,
  config: ProviderSettings,
  logger: Logger,
  redis: RedisLink | undefined,
): Promise<{ adapter: ProviderAdapter; keys: KeyStatusSource }> {
  const { createKeyPool } = await import('./key-pools.js');
  const remote = config.remote[id];
  const keySource = createKeyPool({ provider: id, keys: remote.keys, quota: remote.quota, redis, redisPrefix: config.redisKeys.quota }, logger);
  const settings = { ...remote, keySource, ...(remote.wsSymbolCap === undefined ? {} : { stream: { symbolCap: remote.wsSymbolCap } }) };
  const adapter = await (async (): Promise<ProviderAdapter> => {
    switch (id) {
      case 'alphavantage':
        return (await import('../providers/alphavantage/index.js')).createAlphaVantageProvider({ ...settings, premium: config.alphavantage.premium });
      case 'fmp':
        return (await import('../providers/fmp/index.js')).createFmpProvider({ ...settings, ...config.fmp });
      case 'polygon':
        return (await import('../providers/polygon/index.js')).createPolygonProvider(settings);
      case 'finnhub':
        return (await import('../providers/finnhub/index.js')).createFinnhubProvider(settings);
      case 'twelvedata':
        return (await import('../providers/twelvedata/index.js')).createTwelveDataProvider(settings);
      case 'fred':
        return (await import('../providers/fred/index.js')).createFredProvider(settings);
    }
  })();
  return { adapter, keys: keySource };
}
