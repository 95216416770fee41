import { z } from 'zod';
import { ProviderIdSchema } from '../domain/index.js';

/**
 * Every setting of the gateway, as one zod schema over the environment. Defaults run offline on
 * the simulated market. Each part of the app receives only its own slice (see `app.ts`).
 */

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'expected true or false',
  })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Shared cache, quotas and fan-out across instances; without it everything stays in process. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Ordered provider chain; the simulated market unless told otherwise. */
  PROVIDERS: providerList.default(['simulated']),
  /** Seconds each kind of data stays fresh in the cache. */
  CACHE_TTL_QUOTES: integer(0, 86_400).default(5),
  CACHE_TTL_HISTORY: integer(0, 604_800).default(3_600),
  CACHE_TTL_PROFILES: integer(0, 604_800).default(86_400),
  CACHE_TTL_STATEMENTS: integer(0, 604_800).default(21_600),
  CACHE_TTL_SEARCH: integer(0, 604_800).default(3_600),
  /** Most entries the in-process cache holds before evicting the least recently used. */
  CACHE_MAX_ENTRIES: integer(100, 10_000_000).default(50_000),
  /** Seed of the simulated market: same seed and time, same prices. */
  SIM_SEED: integer(0, 2 ** 31 - 1).default(42),
  /** Milliseconds between simulated live ticks. */
  SIM_TICK_MS: integer(10, 60_000).default(1_000),
  /** Schema introspection; on unless NODE_ENV=production. */
  INTROSPECTION: boolean.optional(),
  /** Apollo Sandbox on GET /graphql; on unless NODE_ENV=production. */
  SANDBOX: boolean.optional(),
  /** How long in-flight requests may run after SIGTERM before sockets are closed. */
  SHUTDOWN_GRACE_MS: integer(0, 120_000).default(10_000),
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
  };
  readonly log: { readonly level: Env['LOG_LEVEL'] };
  readonly redisUrl: string | undefined;
  readonly providers: Env['PROVIDERS'];
  readonly cache: {
    readonly maxEntries: number;
    /** Freshness per kind of data, in milliseconds. */
    readonly ttlMs: {
      readonly quote: number;
      readonly history: number;
      readonly profile: number;
      readonly statements: number;
      readonly search: number;
    };
  };
  readonly simulated: { readonly seed: number; readonly tickMs: number };
}

export function toConfig(env: Env): Config {
  const production = env.NODE_ENV === 'production';
  return {
    server: {
      port: env.PORT,
      host: env.HOST,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      introspection: env.INTROSPECTION ?? !production,
      sandbox: env.SANDBOX ?? !production,
      production,
    },
    log: { level: env.LOG_LEVEL },
    redisUrl: env.REDIS_URL,
    providers: env.PROVIDERS,
    cache: {
      maxEntries: env.CACHE_MAX_ENTRIES,
      ttlMs: {
        quote: env.CACHE_TTL_QUOTES * 1000,
        history: env.CACHE_TTL_HISTORY * 1000,
        profile: env.CACHE_TTL_PROFILES * 1000,
        statements: env.CACHE_TTL_STATEMENTS * 1000,
        search: env.CACHE_TTL_SEARCH * 1000,
      },
    },
    simulated: { seed: env.SIM_SEED, tickMs: env.SIM_TICK_MS },
  };
}
