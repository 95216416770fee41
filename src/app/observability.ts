import type { Config } from '../config/index.js';
import { clockStartingAt, systemClock, type Clock } from '../domain/index.js';
import { createLogger, type Logger } from '../observability/logger.js';
import {
  createMetrics,
  type CacheEntriesReading,
  type CacheRequestReading,
  type DeadLetterReading,
  type MetricProbes,
  type Metrics,
  type QuotaReading,
} from '../observability/metrics.js';
import type { PipelineSink } from '../resilience/observe.js';
import type { BreakerState } from '../resilience/pipeline.js';

/** Stage 1: what every later stage reports into. */
export interface ObservabilityParts {
  readonly logger: Logger;
  /** "Now" for market data: the system clock, or one starting at SIMULATED_NOW. */
  readonly clock: Clock;
  readonly metrics: Metrics;
  /** Where the market stage plugs the live figures read at scrape time. */
  readonly probes: ProbeBoard;
}

export function observabilityStage(config: Pick<Config, 'log' | 'clock'>, logger = createLogger(config.log.level)): ObservabilityParts {
  const clock = config.clock.startMs === undefined ? systemClock : clockStartingAt(config.clock.startMs);
  if (config.clock.startMs !== undefined) {
    const now = new Date(clock()).toISOString();
    logger.warn({ simulatedNow: now }, `SIMULATED_NOW: market data is priced and judged as of ${now}, not the system clock`);
  }
  const probes = new ProbeBoard();
  return { logger, clock, metrics: createMetrics(probes), probes };
}

/**
 * The live figures metrics read at scrape time (feeds, quotas, queue depths, cache counts) belong
 * to parts built after the metrics, which every part reports into. The board stands in for them
 * until the market stage attaches them: a scrape before that reads nothing, as an idle gateway would.
 */
export class ProbeBoard implements MetricProbes {
  private parts: MetricProbes | undefined;

  attach(parts: MetricProbes): void {
    this.parts = parts;
  }

  readonly streamFeeds = (): number => this.parts?.streamFeeds() ?? 0;
  readonly streamWatchers = (): number => this.parts?.streamWatchers() ?? 0;
  readonly quotaRemaining = async (): Promise<readonly QuotaReading[]> => (await this.parts?.quotaRemaining?.()) ?? [];
  readonly deadLetterDepth = async (): Promise<readonly DeadLetterReading[]> => (await this.parts?.deadLetterDepth?.()) ?? [];
  readonly cacheRequests = (): readonly CacheRequestReading[] => this.parts?.cacheRequests?.() ?? [];
  readonly cacheEntries = async (): Promise<readonly CacheEntriesReading[]> => (await this.parts?.cacheEntries?.()) ?? [];
  readonly redisConnected = (): number | undefined => this.parts?.redisConnected?.();
}

const breakerGauge: Record<BreakerState, number> = { CLOSED: 0, OPEN: 1, HALF_OPEN: 2 };

/** Policy events of the providers' pipelines as metrics and log lines. */
export function pipelineSink(metrics: Metrics, logger: Logger): PipelineSink {
  return {
    breakerChanged(provider, state) {
      reportBreaker(metrics, provider, state);
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

/** A breaker's state on its gauge: at start-up (so every breaker is reported, not only after its first change) and on each change. */
export function reportBreaker(metrics: Metrics, provider: string, state: BreakerState): void {
  metrics.circuitBreakerState.set({ provider }, breakerGauge[state]);
}
