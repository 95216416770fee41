import { z } from 'zod';
import { ProviderIdSchema, type ProviderId } from '../domain/index.js';
import { DEFAULT_QUOTAS, parseQuota, type QuotaSetting } from './quota.js';
import { boolean, delayList, integer, keyList } from './fields.js';
import { envPrefix, providerEnv, REMOTE_PROVIDERS, type RemoteProviderId } from './providers.js';
import { redisKeyEnv, redisKeys, type RedisKeys } from './redis.js';
import { DEVELOPMENT_ORIGINS, originEntryProblem, publicOrigin, publicOriginProblem } from './cors.js';
import { MAX_SYMBOLS_PER_LIST, perProfile, profileLimits, profileList, type LimitSettings } from './limits.js';
import { anonymousProfile, anonymousProfileSetting, apiKeysSetting, DEFAULT_PROFILES, JWT_SECRET_MIN_LENGTH, jwksSetting, profilesSetting, type AuthSettings } from './auth.js';

/**
 * Every setting of the gateway, as one zod schema over the environment. Defaults run offline on
 * the simulated market. Each part of the app receives only its own slice (see `app.ts`).
 */

const providerList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(ProviderIdSchema).min(1, 'name at least one provider'));

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** TCP port of the HTTP and WebSocket server. */
  PORT: integer(0, 65_535).default(4000),
  /** Interface to listen on. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /**
   * Reverse proxies in front of the gateway that append to X-Forwarded-For. With 0 the header is
   * ignored (anyone can write it); the client address throttles callers without credentials.
   */
  TRUST_PROXY_HOPS: integer(0, 10).default(0),
  /**
   * Browser origins that may call the gateway, comma-separated: `*`, exact origins, or `*` for the
   * leftmost host label or the port. Unset: local dev servers and Apollo Studio outside
   * production, none (same origin only) in production.
   */
  CORS_ORIGINS: keyList
    .check((context) => {
      for (const entry of context.value) {
        const problem = originEntryProblem(entry);
        if (problem) context.issues.push({ code: 'custom', message: problem, input: context.value });
      }
    })
    .optional(),
  /**
   * The gateway's own origin as browsers reach it (`https://api.example.com`). When set, a page
   * counts as same-origin (allowed over HTTP and WebSocket without a CORS_ORIGINS entry) only if
   * its Origin is exactly this; unset, it is compared with the request's Host, which a
   * DNS-rebinding page controls.
   */
  PUBLIC_ORIGIN: z
    .string()
    .check((context) => {
      const problem = publicOriginProblem(context.value);
      if (problem) context.issues.push({ code: 'custom', message: problem, input: context.value });
    })
    .transform(publicOrigin)
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Shared cache, quotas and fan-out across instances; without it everything stays in process. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** REDIS_PREFIX, CACHE_REDIS_PREFIX, AUDIT_STREAM_KEY: where each family of keys lives in Redis (config/redis.ts). */
  ...redisKeyEnv,
  /** Ordered provider chain; default: every provider with a key, then the simulated market. */
  PROVIDERS: providerList.optional(),
  ...providerEnv,
  /** Alpha Vantage premium keys may use REALTIME_BULK_QUOTES (100 symbols a call). */
  ALPHAVANTAGE_PREMIUM: boolean.default(false),
  /** `stable` (default) or `v3` for FMP keys made before August 2025 on the legacy API. */
  FMP_API: z.enum(['stable', 'v3']).default('stable'),
  /** FMP plans with batch quotes (Starter and up) answer many symbols a call. */
  FMP_BATCH_QUOTES: boolean.default(false),
  /** Seconds each kind of data stays fresh in the cache. */
  CACHE_TTL_QUOTES: integer(0, 86_400).default(5),
  CACHE_TTL_HISTORY: integer(0, 604_800).default(3_600),
  CACHE_TTL_PROFILES: integer(0, 604_800).default(86_400),
  CACHE_TTL_STATEMENTS: integer(0, 604_800).default(21_600),
  CACHE_TTL_SEARCH: integer(0, 604_800).default(3_600),
  CACHE_TTL_ECONOMIC: integer(0, 604_800).default(21_600),
  /** Most entries the in-process cache (L1) holds before evicting the least recently used. */
  CACHE_MAX_ENTRIES: integer(100, 10_000_000).default(50_000),
  /** Most bytes the in-process cache (L1) holds, counted as the cached values' JSON length (default 128 MiB). */
  CACHE_MAX_BYTES: integer(1_048_576, 68_719_476_736).default(134_217_728),
  /**
   * Seconds past its freshness during which a read answers the cached value at once (not marked
   * stale: only once a refresh found no provider to answer) and refreshes it in the background
   * (stale-while-revalidate), per kind of data.
   * Default: STALE_WINDOW. 0 turns it off for that kind: a read past freshness asks the providers.
   */
  CACHE_STALE_QUOTES: integer(0, 30 * 86_400).optional(),
  CACHE_STALE_HISTORY: integer(0, 30 * 86_400).optional(),
  CACHE_STALE_PROFILES: integer(0, 30 * 86_400).optional(),
  CACHE_STALE_STATEMENTS: integer(0, 30 * 86_400).optional(),
  CACHE_STALE_SEARCH: integer(0, 30 * 86_400).optional(),
  CACHE_STALE_ECONOMIC: integer(0, 30 * 86_400).optional(),
  /** Seconds a provider's NOT_FOUND (unknown symbol or series) is remembered; 0 remembers none. */
  CACHE_NEGATIVE_TTL: integer(0, 86_400).default(600),
  /** With REDIS_URL: longest wait for one L2 cache call before answering without it (and leaving Redis alone for a second). */
  CACHE_REDIS_TIMEOUT_MS: integer(5, 5_000).default(250),
  /**
   * Whole-response cache of market-data queries (never mutations or provider status), in the
   * shared store, per rights scope; an answer is kept no longer than the CACHE_TTL_* of its data.
   */
  RESPONSE_CACHE: boolean.default(true),
  /** Automatic persisted queries (send the sha256 hash instead of the query text), in the shared store. */
  APQ: boolean.default(true),
  /** Seconds a persisted query is kept after it was last registered. */
  APQ_TTL: integer(60, 30 * 86_400).default(86_400),
  /** Latency budget of one trip down the provider chain, fallbacks included. */
  CHAIN_BUDGET_MS: integer(100, 60_000).default(3_000),
  /**
   * With REDIS_URL, a miss is fetched by one instance of the cluster while the others wait for its
   * answer; this is how long that instance's claim holds, so a fetcher that died blocks the others
   * no longer. Default: 5 s, or CHAIN_BUDGET_MS + 2 s if longer, so a live fetcher is never overtaken.
   */
  CLUSTER_FLIGHT_LEASE_MS: integer(100, 120_000).optional(),
  /** Seconds a cache entry is kept past its freshness, to be served stale when providers fail. */
  STALE_WINDOW: integer(0, 30 * 86_400).default(86_400),
  /**
   * Failed background work (the refresh of an answer served stale) is retried after each of these
   * delays, then parked as failed for `replayDeadLetters`.
   */
  DLQ_RETRY_DELAYS_MS: delayList.optional(),
  /** Most dead letters per provider: queued plus parked in memory, and the length of its Redis list. */
  DLQ_MAX_PER_PROVIDER: integer(1, 100_000).default(1_000),
  /** Retries of a provider call that failed with an outage (backoff doubles with full jitter). */
  RETRY_MAX: integer(0, 10).default(3),
  RETRY_BASE_MS: integer(1, 60_000).default(1_000),
  RETRY_MAX_DELAY_MS: integer(1, 300_000).default(4_000),
  /** `consecutive`: open after BREAKER_THRESHOLD failures in a row; `sampling`: open when the failure rate over BREAKER_WINDOW_MS passes BREAKER_FAILURE_RATE. */
  BREAKER: z.enum(['consecutive', 'sampling']).default('consecutive'),
  BREAKER_THRESHOLD: integer(1, 1_000).default(3),
  BREAKER_FAILURE_RATE: z.coerce.number().gt(0).lte(1).default(0.5),
  BREAKER_WINDOW_MS: integer(1_000, 3_600_000).default(30_000),
  BREAKER_OPEN_MS: integer(100, 3_600_000).default(60_000),
  /** Calls in flight to one provider at once, and calls allowed to wait for a slot. */
  BULKHEAD_CONCURRENCY: integer(1, 1_000).default(10),
  BULKHEAD_QUEUE: integer(0, 100_000).default(100),
  /**
   * Provider calls one batch (a `quotes(symbols:)` miss, the profiles of its companies) keeps in
   * flight at once; the bulkhead bounds all calls together. Where a provider answers one symbol a
   * call, this sets how many round trips a cold batch takes.
   */
  BATCH_CONCURRENCY: integer(1, 100).default(4),
  /** Seed of the simulated market: same seed and time, same prices. */
  SIM_SEED: integer(0, 2 ** 31 - 1).default(42),
  /** Milliseconds between simulated live ticks. */
  SIM_TICK_MS: integer(10, 60_000).default(1_000),
  /**
   * The gateway's clock for market data starts at this instant (ISO 8601 with a zone, e.g.
   * `2026-12-02T15:00:00Z`) and runs on in real time: a weekday session on a weekend for a demo
   * of the simulated market, or a pinned calendar for tests. Unset: the system clock.
   */
  SIMULATED_NOW: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 instant with a zone, like 2026-12-02T15:00:00Z' }).optional(),
  /** Schema introspection; on unless NODE_ENV=production. */
  INTROSPECTION: boolean.optional(),
  /** Apollo Sandbox on GET /graphql; on unless NODE_ENV=production. */
  SANDBOX: boolean.optional(),
  /** How long in-flight requests may run after SIGTERM before sockets are closed. */
  SHUTDOWN_GRACE_MS: integer(0, 120_000).default(10_000),
  /**
   * What a field the consumer lacks the right for does: `field` (default) answers it null with a
   * FORBIDDEN error and the rest of the request normally; `request` refuses the whole request.
   */
  RIGHTS_DENIAL: z.enum(['field', 'request']).default('field'),
  /** Approximate cap of the audit stream (XADD MAXLEN ~), and of the in-memory trail without Redis. */
  AUDIT_STREAM_MAX: integer(100, 10_000_000).default(100_000),
  /** Profiles that may introspect the schema while INTROSPECTION is off (by default in production), comma-separated. */
  INTROSPECTION_PROFILES: profileList.default(new Set(['admin'])),
  /** Deepest field nesting of an operation; introspection fields are not counted. */
  LIMIT_MAX_DEPTH: integer(1, 100).default(10),
  /** Most aliased fields in one operation (fragments counted where spread). */
  LIMIT_MAX_ALIASES: integer(0, 1_000).default(30),
  /** Most lexical tokens in a GraphQL document; parsing stops past it. */
  LIMIT_MAX_TOKENS: integer(100, 1_000_000).default(5_000),
  /** Most symbols in one `symbols:` list (the schema's 200 is the ceiling). */
  LIMIT_MAX_SYMBOLS: integer(1, MAX_SYMBOLS_PER_LIST).default(MAX_SYMBOLS_PER_LIST),
  /** Largest HTTP request body, in bytes (413 past it). */
  LIMIT_MAX_BODY_BYTES: integer(1_024, 64 * 1024 * 1024).default(1024 * 1024),
  /** Largest cost of one operation per profile, `public=1000,pro=20000,*=5000` (defaults in config/limits.ts). */
  LIMIT_COST_BUDGET: perProfile(100_000_000).optional(),
  /** GraphQL operations per minute per consumer, by profile: `public=600,pro=6000`. */
  THROTTLE_REQUESTS_PER_MIN: perProfile(100_000_000).optional(),
  /** Provider calls per minute per consumer, by profile: `public=120,pro=1200`. */
  THROTTLE_PROVIDER_CALLS_PER_MIN: perProfile(100_000_000).optional(),
  /** Subscriptions open at once on one graphql-ws connection; past it a subscribe is refused (RATE_LIMITED). */
  LIMIT_SUBSCRIPTIONS_PER_SOCKET: integer(1, 100_000).default(100),
  /** Subscriptions a consumer may hold open at once on one instance, by profile: `public=10,pro=200`. */
  LIMIT_SUBSCRIPTIONS_PER_CONSUMER: perProfile(1_000_000).optional(),
  /** graphql-ws messages (pings included) per second per connection, sustained; past it and the burst, the connection is closed with 4429. */
  LIMIT_WS_MESSAGES_PER_SECOND: integer(1, 1_000_000).default(50),
  /** graphql-ws messages a connection may send at once above the sustained rate (a client subscribing to many things at connect). */
  LIMIT_WS_MESSAGE_BURST: integer(1, 1_000_000).default(200),
  /** HS256 secret that consumer JWTs are signed with (at least 32 characters); never logged. */
  AUTH_JWT_SECRET: z.string().min(JWT_SECRET_MIN_LENGTH, `use at least ${JWT_SECRET_MIN_LENGTH} characters`).optional(),
  /** RS256/ES256 verification keys: a JWKS https URL (fetched and cached) or a JWKS file path. */
  AUTH_JWKS: jwksSetting.optional(),
  /** Accepted JWT issuers (`iss`), comma-separated; unchecked when unset. */
  AUTH_ISSUER: keyList.optional(),
  /** Accepted JWT audiences (`aud`), comma-separated; unchecked when unset. */
  AUTH_AUDIENCE: keyList.optional(),
  /** Seconds of clock skew allowed when checking `exp` and `nbf`. */
  AUTH_CLOCK_TOLERANCE_S: integer(0, 300).default(5),
  /** API keys, stored hashed: `<sha256 hex>:<consumer id>:<profile>`, comma-separated. */
  AUTH_API_KEYS: apiKeysSetting.optional(),
  /** Refuse callers without credentials (401) instead of serving them the `public` profile. */
  AUTH_REQUIRED: boolean.default(false),
  /** Rights of profiles, as JSON `{"basic":["QUOTES_DELAYED","HISTORY"]}`: replaces built-in ones, adds new ones. */
  AUTH_PROFILES: profilesSetting.optional(),
  /**
   * Profile of callers without credentials. Default `public`; but outside production with no
   * AUTH_JWT_SECRET, AUTH_JWKS or AUTH_API_KEYS the gateway runs in open development mode and
   * anonymous callers get `admin` (every right), with a warning at start-up.
   */
  AUTH_ANONYMOUS_PROFILE: anonymousProfileSetting.optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  readonly server: {
    readonly port: number;
    readonly host: string;
    readonly shutdownGraceMs: number;
    readonly introspection: boolean;
    readonly sandbox: boolean;
    readonly production: boolean;
    /** TRUST_PROXY_HOPS: how far back in X-Forwarded-For the client's address is (src/server/client-address.ts). */
    readonly trustedProxyHops: number;
    /** CORS_ORIGINS, or its default for the environment (src/server/cors.ts). */
    readonly corsOrigins: readonly string[];
    /** PUBLIC_ORIGIN, normalised; absent: same-origin pages are told by the Host they sent. */
    readonly publicOrigin: string | undefined;
  };
  readonly log: { readonly level: Env['LOG_LEVEL'] };
  /** SIMULATED_NOW as epoch ms: where the market-data clock starts (src/domain/clock.ts); undefined = system clock. */
  readonly clock: { readonly startMs: number | undefined };
  /** Abuse limits and per-profile budgets (src/graphql/limits, src/resilience/consumer-throttle.ts). */
  readonly limits: LimitSettings;
  readonly redisUrl: string | undefined;
  /** The namespace of each family of Redis keys, all under REDIS_PREFIX (config/redis.ts). */
  readonly redisKeys: RedisKeys;
  /** The provider chain in priority order. */
  readonly providers: readonly ProviderId[];
  /** Settings of every HTTP provider, keyed or not; only those in `providers` are built. */
  readonly remote: Readonly<Record<RemoteProviderId, RemoteProviderSettings>>;
  readonly alphavantage: { readonly premium: boolean };
  readonly fmp: { readonly api: 'stable' | 'v3'; readonly batchQuotes: boolean };
  readonly cache: {
    readonly maxEntries: number;
    readonly maxBytes: number;
    /** Freshness per kind of data, in milliseconds. */
    readonly ttlMs: CacheKindMs;
    /** Per kind, how long past freshness a read answers stale at once and refreshes in the background, ms. */
    readonly staleMs: CacheKindMs;
    readonly negativeTtlMs: number;
    /** The shared L2 tier (used only with REDIS_URL). */
    readonly redis: { readonly prefix: string; readonly timeoutMs: number };
  };
  readonly simulated: { readonly seed: number; readonly tickMs: number };
  /** Whole responses of market-data queries answered from the shared store. */
  readonly responseCache: { readonly enabled: boolean };
  /** Automatic persisted queries: query texts by hash in the shared store. */
  readonly persistedQueries: { readonly enabled: boolean; readonly ttlSeconds: number };
  readonly resilience: {
    readonly chainBudgetMs: number;
    readonly staleWindowMs: number;
    readonly retry: { readonly maxRetries: number; readonly initialDelayMs: number; readonly maxDelayMs: number };
    readonly breaker:
      | { readonly kind: 'consecutive'; readonly threshold: number; readonly halfOpenAfterMs: number }
      | { readonly kind: 'sampling'; readonly threshold: number; readonly windowMs: number; readonly minimumRps: number; readonly halfOpenAfterMs: number };
    readonly bulkhead: { readonly maxConcurrent: number; readonly maxQueued: number };
    /** Calls of one batch in flight at once (BATCH_CONCURRENCY; `<NAME>_BATCH_CONCURRENCY` per provider). */
    readonly batchConcurrency: number;
  };
  /** Single-flight across instances (with `redisUrl`): how long a claim on a miss holds. */
  readonly clusterFlight: { readonly leaseMs: number };
  /** The dead-letter queue of failed background work. */
  /** Consumers: tokens, API keys and rights profiles (src/auth). */
  readonly auth: AuthSettings;
  /** Rights enforcement and the audit trail (src/graphql/rights, src/observability/audit.ts). */
  readonly rights: { readonly denial: 'field' | 'request' };
  readonly audit: { readonly streamKey: string; readonly maxEntries: number };
  readonly deadLetters: {
    /** Delay before each retry, in order; after the last retry fails the job is parked. */
    readonly retryDelaysMs: readonly number[];
    readonly maxPerProvider: number;
  };
}

/** Milliseconds per kind of cached data. */
export interface CacheKindMs {
  readonly quote: number;
  readonly history: number;
  readonly profile: number;
  readonly statements: number;
  readonly search: number;
  readonly economicSeries: number;
}

export interface RemoteProviderSettings {
  readonly keys: readonly string[];
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** The plan's limits per key (`<NAME>_QUOTA`), counted before every call. */
  readonly quota: readonly QuotaSetting[];
  /** Retry, breaker and bulkhead for this provider: the global settings with its own overrides. */
  readonly policy: Pick<Config['resilience'], 'retry' | 'breaker' | 'bulkhead' | 'batchConcurrency'>;
}

/** The free tier's limits, parsed: the defaults are written as users write them. */
function defaultQuota(id: RemoteProviderId): readonly QuotaSetting[] {
  const parsed = parseQuota(DEFAULT_QUOTAS[id]);
  if (typeof parsed === 'string') throw new Error(`default quota of ${id}: ${parsed}`);
  return parsed;
}

function globalPolicy(env: Env): Config['resilience'] {
  return {
    chainBudgetMs: env.CHAIN_BUDGET_MS,
    staleWindowMs: env.STALE_WINDOW * 1000,
    retry: { maxRetries: env.RETRY_MAX, initialDelayMs: env.RETRY_BASE_MS, maxDelayMs: env.RETRY_MAX_DELAY_MS },
    breaker:
      env.BREAKER === 'consecutive'
        ? { kind: 'consecutive', threshold: env.BREAKER_THRESHOLD, halfOpenAfterMs: env.BREAKER_OPEN_MS }
        : { kind: 'sampling', threshold: env.BREAKER_FAILURE_RATE, windowMs: env.BREAKER_WINDOW_MS, minimumRps: 0.1, halfOpenAfterMs: env.BREAKER_OPEN_MS },
    bulkhead: { maxConcurrent: env.BULKHEAD_CONCURRENCY, maxQueued: env.BULKHEAD_QUEUE },
    batchConcurrency: env.BATCH_CONCURRENCY,
  };
}

/** The global policy with one provider's `<NAME>_…` overrides applied. */
function providerPolicy(env: Env, prefix: string): RemoteProviderSettings['policy'] {
  const own = (name: string): number | undefined => (env as Record<string, unknown>)[`${prefix}_${name}`] as number | undefined;
  const { retry, breaker, bulkhead, batchConcurrency } = globalPolicy(env);
  return {
    retry: { ...retry, maxRetries: own('RETRY_MAX') ?? retry.maxRetries },
    breaker: {
      ...breaker,
      // In sampling mode the threshold is a failure rate, which has no per-provider override.
      ...(breaker.kind === 'consecutive' ? { threshold: own('BREAKER_THRESHOLD') ?? breaker.threshold } : {}),
      halfOpenAfterMs: own('BREAKER_OPEN_MS') ?? breaker.halfOpenAfterMs,
    },
    bulkhead: {
      maxConcurrent: own('BULKHEAD_CONCURRENCY') ?? bulkhead.maxConcurrent,
      maxQueued: own('BULKHEAD_QUEUE') ?? bulkhead.maxQueued,
    },
    batchConcurrency: own('BATCH_CONCURRENCY') ?? batchConcurrency,
  };
}

/** Who anonymous callers are: see AUTH_ANONYMOUS_PROFILE. */
function anonymousAccess(env: Env, production: boolean): Pick<AuthSettings, 'anonymousProfile' | 'openDevelopment'> {
  const { profile, openDevelopment } = anonymousProfile({
    setting: env.AUTH_ANONYMOUS_PROFILE,
    production,
    credentialsConfigured: env.AUTH_JWT_SECRET !== undefined || env.AUTH_JWKS !== undefined || (env.AUTH_API_KEYS ?? []).length > 0,
  });
  return { anonymousProfile: profile, openDevelopment };
}

export function toConfig(env: Env): Config {
  const production = env.NODE_ENV === 'production';
  const remote = Object.fromEntries(
    REMOTE_PROVIDERS.map((id) => [
      id,
      {
        keys: (env as Record<string, unknown>)[`${envPrefix[id]}_API_KEY`] ?? [],
        baseUrl: (env as Record<string, unknown>)[`${envPrefix[id]}_BASE_URL`],
        timeoutMs: (env as Record<string, unknown>)[`${envPrefix[id]}_TIMEOUT_MS`],
        quota: (env as Record<string, unknown>)[`${envPrefix[id]}_QUOTA`] ?? defaultQuota(id),
        policy: providerPolicy(env, envPrefix[id]),
      },
    ]),
  ) as unknown as Record<RemoteProviderId, RemoteProviderSettings>;
  const keyed = REMOTE_PROVIDERS.filter((id) => remote[id].keys.length > 0);
  const keys = redisKeys(env);
  return {
    server: {
      port: env.PORT,
      host: env.HOST,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      introspection: env.INTROSPECTION ?? !production,
      sandbox: env.SANDBOX ?? !production,
      production,
      trustedProxyHops: env.TRUST_PROXY_HOPS,
      corsOrigins: env.CORS_ORIGINS ?? (production ? [] : DEVELOPMENT_ORIGINS),
      publicOrigin: env.PUBLIC_ORIGIN,
    },
    log: { level: env.LOG_LEVEL },
    limits: {
      maxDepth: env.LIMIT_MAX_DEPTH,
      maxAliases: env.LIMIT_MAX_ALIASES,
      maxTokens: env.LIMIT_MAX_TOKENS,
      maxSymbolsPerList: env.LIMIT_MAX_SYMBOLS,
      maxBodyBytes: env.LIMIT_MAX_BODY_BYTES,
      subscriptionsPerSocket: env.LIMIT_SUBSCRIPTIONS_PER_SOCKET,
      socketMessages: { perSecond: env.LIMIT_WS_MESSAGES_PER_SECOND, burst: env.LIMIT_WS_MESSAGE_BURST },
      introspectionProfiles: env.INTROSPECTION_PROFILES,
      ...profileLimits({
        requestsPerMinute: env.THROTTLE_REQUESTS_PER_MIN,
        providerCallsPerMinute: env.THROTTLE_PROVIDER_CALLS_PER_MIN,
        costBudget: env.LIMIT_COST_BUDGET,
        subscriptionsPerConsumer: env.LIMIT_SUBSCRIPTIONS_PER_CONSUMER,
      }),
    },
    redisUrl: env.REDIS_URL,
    redisKeys: keys,
    providers: env.PROVIDERS ?? [...keyed, 'simulated'],
    remote,
    alphavantage: { premium: env.ALPHAVANTAGE_PREMIUM },
    fmp: { api: env.FMP_API, batchQuotes: env.FMP_BATCH_QUOTES },
    cache: {
      maxEntries: env.CACHE_MAX_ENTRIES,
      maxBytes: env.CACHE_MAX_BYTES,
      ttlMs: {
        quote: env.CACHE_TTL_QUOTES * 1000,
        history: env.CACHE_TTL_HISTORY * 1000,
        profile: env.CACHE_TTL_PROFILES * 1000,
        statements: env.CACHE_TTL_STATEMENTS * 1000,
        search: env.CACHE_TTL_SEARCH * 1000,
        economicSeries: env.CACHE_TTL_ECONOMIC * 1000,
      },
      staleMs: {
        quote: (env.CACHE_STALE_QUOTES ?? env.STALE_WINDOW) * 1000,
        history: (env.CACHE_STALE_HISTORY ?? env.STALE_WINDOW) * 1000,
        profile: (env.CACHE_STALE_PROFILES ?? env.STALE_WINDOW) * 1000,
        statements: (env.CACHE_STALE_STATEMENTS ?? env.STALE_WINDOW) * 1000,
        search: (env.CACHE_STALE_SEARCH ?? env.STALE_WINDOW) * 1000,
        economicSeries: (env.CACHE_STALE_ECONOMIC ?? env.STALE_WINDOW) * 1000,
      },
      negativeTtlMs: env.CACHE_NEGATIVE_TTL * 1000,
      redis: { prefix: keys.cache, timeoutMs: env.CACHE_REDIS_TIMEOUT_MS },
    },
    simulated: { seed: env.SIM_SEED, tickMs: env.SIM_TICK_MS },
    clock: { startMs: env.SIMULATED_NOW === undefined ? undefined : Date.parse(env.SIMULATED_NOW) },
    responseCache: { enabled: env.RESPONSE_CACHE },
    persistedQueries: { enabled: env.APQ, ttlSeconds: env.APQ_TTL },
    resilience: globalPolicy(env),
    clusterFlight: { leaseMs: env.CLUSTER_FLIGHT_LEASE_MS ?? Math.max(5_000, env.CHAIN_BUDGET_MS + 2_000) },
    auth: {
      jwt: {
        secret: env.AUTH_JWT_SECRET,
        jwks: env.AUTH_JWKS,
        issuers: env.AUTH_ISSUER ?? [],
        audiences: env.AUTH_AUDIENCE ?? [],
        clockToleranceS: env.AUTH_CLOCK_TOLERANCE_S,
      },
      apiKeys: env.AUTH_API_KEYS ?? [],
      required: env.AUTH_REQUIRED,
      profiles: env.AUTH_PROFILES ?? DEFAULT_PROFILES,
      ...anonymousAccess(env, production),
    },
    rights: { denial: env.RIGHTS_DENIAL },
    audit: { streamKey: keys.auditStream, maxEntries: env.AUDIT_STREAM_MAX },
    deadLetters: { retryDelaysMs: env.DLQ_RETRY_DELAYS_MS ?? [1_000, 2_000, 4_000], maxPerProvider: env.DLQ_MAX_PER_PROVIDER },
  };
}
