import { z } from 'zod';
import { authEnv, authSettings, type AuthSettings } from './auth.js';
import { cacheEnv, cacheSettings, type CacheSettings } from './cache.js';
import { limitsEnv, limitSettings, type LimitSettings } from './limits.js';
import { providerEnv, providerSettings, type ProviderSettings } from './providers.js';
import { redisEnv, redisKeys, type RedisKeys } from './redis.js';
import {
  clusterFlightSettings,
  deadLetterSettings,
  globalPolicy,
  resilienceEnv,
  type DeadLetterSettings,
  type ResilienceSettings,
} from './resilience.js';
import { auditSettings, rightsEnv, rightsSettings, type AuditSettings, type RightsSettings } from './rights.js';
import { serverEnv, serverFeatureEnv, serverSettings, type LogLevel, type ServerSettings } from './server.js';
import { clockSettings, simulatedEnv, simulatedSettings, type ClockSettings, type SimulatedSettings } from './simulated.js';
import { streamingEnv, streamingSettings, type StreamingSettings } from './streaming.js';
import { qualityEnv, qualityPolicy } from './quality.js';
import { tracingEnv, tracingSettings, type TracingSettings } from './tracing.js';
import type { QualityPolicy } from '../domain/index.js';

export type { CacheKindMs } from './cache.js';
export type { RemoteProviderSettings } from './providers.js';

/**
 * Every setting of the gateway, as one zod schema over the environment. Defaults run offline on
 * the simulated market. Each part of the app receives only its own slice (see `app.ts`).
 * Each section declares its settings in its own module; they are spread here in an order that
 * must not change: it decides which of several bad settings start-up reports (`loadConfig`).
 */
export const EnvSchema = z.object({
  ...serverEnv,
  ...redisEnv,
  ...providerEnv,
  ...cacheEnv,
  ...resilienceEnv,
  ...simulatedEnv,
  ...streamingEnv,
  ...qualityEnv,
  ...tracingEnv,
  ...serverFeatureEnv,
  ...rightsEnv,
  ...limitsEnv,
  ...authEnv,
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  readonly server: ServerSettings;
  readonly log: { readonly level: LogLevel };
  /** OpenTelemetry traces (OTEL_*): off unless an OTLP endpoint is set. */
  readonly tracing: TracingSettings;
  /** SIMULATED_NOW as epoch ms: where the market-data clock starts (src/domain/clock.ts); undefined = system clock. */
  readonly clock: ClockSettings;
  /** Abuse limits and per-profile budgets (src/graphql/limits, src/resilience/consumer-throttle.ts). */
  readonly limits: LimitSettings;
  readonly redisUrl: string | undefined;
  /** The namespace of each family of Redis keys, all under REDIS_PREFIX (config/redis.ts). */
  readonly redisKeys: RedisKeys;
  /** The provider chain in priority order. */
  readonly providers: ProviderSettings['providers'];
  /** Settings of every HTTP provider, keyed or not; only those in `providers` are built. */
  readonly remote: ProviderSettings['remote'];
  readonly alphavantage: ProviderSettings['alphavantage'];
  readonly fmp: ProviderSettings['fmp'];
  readonly cache: CacheSettings;
  readonly simulated: SimulatedSettings;
  /** Live quotes: stream failover, polling, feed ownership across instances (src/streaming). */
  readonly streaming: StreamingSettings;
  /** How quotes are graded A–F and consensus's outlier band (src/domain/quality, src/market/quality). */
  readonly quality: QualityPolicy;
  /** Whole responses of market-data queries answered from the shared store. */
  readonly responseCache: { readonly enabled: boolean };
  /** Automatic persisted queries: query texts by hash in the shared store. */
  readonly persistedQueries: { readonly enabled: boolean; readonly ttlSeconds: number };
  readonly resilience: ResilienceSettings;
  /** Single-flight across instances (with `redisUrl`): how long a claim on a miss holds. */
  readonly clusterFlight: { readonly leaseMs: number };
  /** Consumers: tokens, API keys and rights profiles (src/auth). */
  readonly auth: AuthSettings;
  /** Rights enforcement and the audit trail (src/graphql/rights, src/observability/audit.ts). */
  readonly rights: RightsSettings;
  readonly audit: AuditSettings;
  /** The dead-letter queue of failed background work. */
  readonly deadLetters: DeadLetterSettings;
}

export function toConfig(env: Env): Config {
  const server = serverSettings(env);
  const { providers, remote, alphavantage, fmp } = providerSettings(env);
  const keys = redisKeys(env);
  return {
    server,
    log: { level: env.LOG_LEVEL },
    limits: limitSettings(env),
    redisUrl: env.REDIS_URL,
    redisKeys: keys,
    providers,
    remote,
    alphavantage,
    fmp,
    cache: cacheSettings(env, keys.cache),
    simulated: simulatedSettings(env),
    streaming: streamingSettings(env),
    quality: qualityPolicy(env),
    tracing: tracingSettings(env),
    clock: clockSettings(env),
    responseCache: { enabled: env.RESPONSE_CACHE },
    persistedQueries: { enabled: env.APQ, ttlSeconds: env.APQ_TTL },
    resilience: globalPolicy(env),
    clusterFlight: clusterFlightSettings(env),
    auth: authSettings(env, server.production),
    rights: rightsSettings(env),
    audit: auditSettings(env, keys.auditStream),
    deadLetters: deadLetterSettings(env),
  };
}
