import type { KeySource } from '../providers/keys.js';
import type { QuotaLimit } from '../resilience/quota-limits.js';
import { QuotaKeyPool } from '../resilience/quota.js';
import type { RedisLink } from '../stores/redis-link.js';
import type { StoreLog } from '../stores/store-log.js';

/** What a key pool logs through: the app's logger, or anything shaped like it. */
export type KeyPoolLog = StoreLog;

export interface KeyPoolSettings {
  readonly provider: string;
  readonly keys: readonly string[];
  readonly quota: readonly QuotaLimit[];
  /** With it, every gateway instance spends one budget per key; without it each counts its own. */
  readonly redis?: RedisLink | undefined;
  /** Namespace of the pool's Redis keys (`<REDIS_PREFIX>:quota`): runs and deployments sharing one Redis keep apart by it. */
  readonly redisPrefix?: string | undefined;
}

/**
 * The key source of one remote provider: its keys under its plan's quotas, shared through Redis
 * when there is one, over the instance's Redis link (start-up never waits for it). Redis is never
 * a reason for a request to fail: while it is down, quotas are counted in memory and that is
 * logged once, as is its return. The pool never closes the link; the stores stage does, last.
 */
export function createKeyPool(settings: KeyPoolSettings, log: KeyPoolLog): QuotaKeyPool & KeySource {
  const { provider } = settings;
  const { redis } = settings;
  return new QuotaKeyPool({
    provider,
    keys: settings.keys,
    limits: settings.quota,
    ...(redis ? { redis } : {}),
    ...(settings.redisPrefix === undefined ? {} : { prefix: settings.redisPrefix }),
    onKeyRetired: ({ key, reason }) =>
      log.warn({ provider, key, reason }, `${provider} refused API key ${key} as bad: it is no longer used until restart`),
    onStoreDown: (error) =>
      log.warn({ provider, err: error }, `quota store (Redis) unavailable for ${provider}: counting quotas in this instance until it is back`),
    onStoreUp: () => log.info({ provider }, `quota store (Redis) back for ${provider}: quotas are shared again`),
  });
}
