import { z } from 'zod';

/**
 * Where the gateway's shared state lives in Redis (with REDIS_URL). Every key it writes is under
 * one root, REDIS_PREFIX, so deployments, or test runs, that share one Redis share no state unless
 * they are given the same prefix: not a cache entry, not a quota, not a consumer's budget, not a
 * dead letter, not an audit entry.
 */

const keyPrefix = z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'expected 1 to 64 of A-Z a-z 0-9 : _ . -');

/** The root when REDIS_PREFIX is unset: the keys every release before it wrote. */
export const DEFAULT_REDIS_PREFIX = 'mg';
/**
 * The audit stream of a deployment that sets no REDIS_PREFIX: the name it always had, so an
 * upgrade keeps reading (and appending to) the trail it already has.
 */
export const UNPREFIXED_AUDIT_STREAM_KEY = 'marketgraph:audit';

export const redisKeyEnv = {
  /**
   * With REDIS_URL: the root of every key the gateway writes, so several deployments can share one
   * Redis. Key families: `<prefix>:cache` (shared cache, persisted queries and responses, and
   * single-flight under `<prefix>:cache:flight`), `<prefix>:quota` (API key quotas and rests),
   * `<prefix>:throttle` (consumer budgets), `<prefix>:dlq` (parked dead letters), `<prefix>:stream`
   * (live-quote feed owners and tick channels) and the audit stream `<prefix>:audit`. Default `mg`, with the audit stream at its old `marketgraph:audit`
   * while this is unset, so a deployment that sets nothing keeps its keys where they were.
   */
  REDIS_PREFIX: keyPrefix.optional(),
  /**
   * With REDIS_URL: the key prefix of the shared cache (L2), persisted queries, whole responses and
   * cluster single-flight (`<prefix>:flight:…`), when it must differ from `<REDIS_PREFIX>:cache`
   * (its default).
   */
  CACHE_REDIS_PREFIX: keyPrefix.optional(),
  /**
   * Redis stream the audit trail is written to (with REDIS_URL); instances sharing it share one
   * trail. Default `<REDIS_PREFIX>:audit`, or `marketgraph:audit` when REDIS_PREFIX is unset.
   */
  AUDIT_STREAM_KEY: z.string().min(1).max(200).optional(),
};

type RedisKeyEnv = { readonly [Name in keyof typeof redisKeyEnv]?: string | undefined };

/** The namespace of each family of Redis keys; each part of the app is handed its own. */
export interface RedisKeys {
  /** REDIS_PREFIX, or `mg`. */
  readonly root: string;
  /** L2 cache `<cache>::<kind>:<key>`, persisted queries `<cache>:apq`, responses `<cache>:responses`. */
  readonly cache: string;
  /** Cluster single-flight: `<flight>:lock:…`, `<flight>:result:…` and the channel `<flight>:done`. */
  readonly flight: string;
  /** Quotas per API key: `<quota>:<provider>:<key id>:<window>` and `…:rest`. */
  readonly quota: string;
  /** Consumer budgets: `<throttle>:<budget>:<profile>:<consumer>:minute`. */
  readonly throttle: string;
  /** Parked dead letters: one list `<deadLetters>:<provider>` per provider. */
  readonly deadLetters: string;
  /** The audit trail's stream. */
  readonly auditStream: string;
  /** Live quotes across instances: owner leases `<streams>:owner:<SYMBOL>`, tick channels `<streams>:ticks:<SYMBOL>`. */
  readonly streams: string;
}

export function redisKeys(env: RedisKeyEnv): RedisKeys {
  const root = env.REDIS_PREFIX ?? DEFAULT_REDIS_PREFIX;
  const cache = env.CACHE_REDIS_PREFIX ?? `${root}:cache`;
  return {
    root,
    cache,
    // Under the cache's prefix, as it always was: CACHE_REDIS_PREFIX moves both.
    flight: `${cache}:flight`,
    quota: `${root}:quota`,
    throttle: `${root}:throttle`,
    deadLetters: `${root}:dlq`,
    streams: `${root}:stream`,
    auditStream: env.AUDIT_STREAM_KEY ?? (env.REDIS_PREFIX === undefined ? UNPREFIXED_AUDIT_STREAM_KEY : `${root}:audit`),
  };
}

/** REDIS_URL, then where each family of keys lives. */
export const redisEnv = {
  /** Shared cache, quotas and fan-out across instances; without it everything stays in process. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** REDIS_PREFIX, CACHE_REDIS_PREFIX, AUDIT_STREAM_KEY: where each family of keys lives in Redis. */
  ...redisKeyEnv,
};
