import { z } from 'zod';
import { integer } from './fields.js';

/**
 * The LIMIT_* and THROTTLE_* settings: abuse limits applied to every document before execution,
 * and per-profile budgets (requests and provider calls per minute, cost per operation,
 * introspection). Per-profile numbers sit beside the rights profiles of AUTH_PROFILES, keyed by
 * the same profile names, so either can change without the other.
 */

/** What one rights profile may spend. */
export interface ProfileLimits {
  /** GraphQL operations a consumer of this profile may run per minute. */
  readonly requestsPerMinute: number;
  /** Provider calls made while resolving its operations, per minute. */
  readonly providerCallsPerMinute: number;
  /** Largest cost of one operation (see src/graphql/limits/cost.ts). */
  readonly costBudget: number;
  /** Subscriptions a consumer may hold open at once on one gateway instance, over all its connections. */
  readonly subscriptionsPerConsumer: number;
  /**
   * Distinct symbols a consumer may watch at once on one gateway instance, over all its open
   * subscriptions and both transports: what each watched symbol costs (a feed, a conflation slot
   * per watcher) grows with it, and a subscription cap alone would let a consumer watch
   * subscriptionsPerConsumer × maxSymbolsPerList symbols.
   */
  readonly streamSymbolsPerConsumer: number;
}

export interface LimitSettings {
  /** Deepest field nesting of an operation (introspection fields not counted). */
  readonly maxDepth: number;
  /** Most aliased fields in an operation, fragments counted where they are spread. */
  readonly maxAliases: number;
  /** Most lexical tokens in a document; parsing stops past it. */
  readonly maxTokens: number;
  /** Most symbols in one `symbols:` list. */
  readonly maxSymbolsPerList: number;
  /** Largest HTTP request body. */
  readonly maxBodyBytes: number;
  /** Subscriptions open at once on one graphql-ws connection. */
  readonly subscriptionsPerSocket: number;
  /** graphql-ws messages a connection may send per second, sustained, and in one burst; past them it is closed (4429). */
  readonly socketMessages: { readonly perSecond: number; readonly burst: number };
  /** Profiles that may introspect the schema when INTROSPECTION is off (production). */
  readonly introspectionProfiles: ReadonlySet<string>;
  /** Budgets by profile name. */
  readonly profiles: Readonly<Record<string, ProfileLimits>>;
  /** Budgets of a profile not named in `profiles` (one added through AUTH_PROFILES): `*=` entries, else public's. */
  readonly otherProfiles: ProfileLimits;
}

/** The built-in profiles' budgets: the anonymous public lowest, operators highest. */
export const DEFAULT_PROFILE_LIMITS: Readonly<Record<string, ProfileLimits>> = {
  public: { requestsPerMinute: 600, providerCallsPerMinute: 120, costBudget: 1_000, subscriptionsPerConsumer: 10, streamSymbolsPerConsumer: 50 },
  basic: { requestsPerMinute: 1_200, providerCallsPerMinute: 300, costBudget: 5_000, subscriptionsPerConsumer: 25, streamSymbolsPerConsumer: 200 },
  pro: { requestsPerMinute: 6_000, providerCallsPerMinute: 1_200, costBudget: 20_000, subscriptionsPerConsumer: 200, streamSymbolsPerConsumer: 1_000 },
  enterprise: { requestsPerMinute: 30_000, providerCallsPerMinute: 6_000, costBudget: 100_000, subscriptionsPerConsumer: 1_000, streamSymbolsPerConsumer: 10_000 },
  admin: { requestsPerMinute: 60_000, providerCallsPerMinute: 12_000, costBudget: 100_000, subscriptionsPerConsumer: 1_000, streamSymbolsPerConsumer: 10_000 },
};

/** Largest `symbols:` list: the schema promises 200 (`quotes`), so the setting can only tighten it. */
export const MAX_SYMBOLS_PER_LIST = 200;

const PROFILE_NAME = /^(\*|[a-z][a-z0-9_-]{0,63})$/;
export const PER_PROFILE_FORMAT = 'expected "<profile>=<number>" entries, comma-separated, like "public=60,pro=1200" ("*" names every other profile)';

/** `public=60,pro=1200,*=300`: numbers by profile name, each 1 to `max`. */
export const perProfile = (max: number) =>
  z.string().transform((text, context): Readonly<Record<string, number>> => {
    const values: Record<string, number> = {};
    for (const entry of text.split(',').map((item) => item.trim()).filter(Boolean)) {
      const [name = '', value = '', ...rest] = entry.split('=').map((part) => part.trim());
      const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      const problem =
        rest.length > 0 || !PROFILE_NAME.test(name)
          ? `"${entry}" is not one`
          : !Number.isSafeInteger(number) || number < 1 || number > max
            ? `"${entry}": the number must be 1 to ${max}`
            : name in values
              ? `"${name}" is given twice`
              : undefined;
      if (problem) {
        context.addIssue({ code: 'custom', message: `${PER_PROFILE_FORMAT}; ${problem}` });
        return z.NEVER;
      }
      values[name] = number;
    }
    return values;
  });

export const profileList = z.string().transform((text) => new Set(text.split(',').map((item) => item.trim()).filter(Boolean)));

type Overrides = Readonly<Record<string, number>> | undefined;

/** The defaults with the THROTTLE_* / LIMIT_COST_BUDGET / LIMIT_SUBSCRIPTIONS_PER_CONSUMER / LIMIT_STREAM_SYMBOLS_PER_CONSUMER overrides applied, per profile. */
export function profileLimits(overrides: {
  readonly requestsPerMinute: Overrides;
  readonly providerCallsPerMinute: Overrides;
  readonly costBudget: Overrides;
  readonly subscriptionsPerConsumer?: Overrides;
  readonly streamSymbolsPerConsumer?: Overrides;
}): Pick<LimitSettings, 'profiles' | 'otherProfiles'> {
  const fields = ['requestsPerMinute', 'providerCallsPerMinute', 'costBudget', 'subscriptionsPerConsumer', 'streamSymbolsPerConsumer'] as const;
  const names = new Set([...Object.keys(DEFAULT_PROFILE_LIMITS), ...fields.flatMap((field) => Object.keys(overrides[field] ?? {}))]);
  names.delete('*');
  const base = DEFAULT_PROFILE_LIMITS['public'] as ProfileLimits;
  const build = (name: string): ProfileLimits => {
    const defaults = DEFAULT_PROFILE_LIMITS[name] ?? otherProfiles;
    return Object.fromEntries(fields.map((field) => [field, overrides[field]?.[name] ?? defaults[field]])) as unknown as ProfileLimits;
  };
  const otherProfiles = Object.fromEntries(fields.map((field) => [field, overrides[field]?.['*'] ?? base[field]])) as unknown as ProfileLimits;
  return { profiles: Object.fromEntries([...names].map((name) => [name, build(name)])), otherProfiles };
}

/** The budgets of a profile by name. */
export function limitsOf(settings: Pick<LimitSettings, 'profiles' | 'otherProfiles'>, profile: string): ProfileLimits {
  return Object.hasOwn(settings.profiles, profile) ? (settings.profiles[profile] as ProfileLimits) : settings.otherProfiles;
}

const limitsEnvSchema = z.object({
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
  /** Distinct symbols a consumer may watch at once over its open subscriptions on one instance, by profile: `public=20,pro=500`. */
  LIMIT_STREAM_SYMBOLS_PER_CONSUMER: perProfile(10_000_000).optional(),
  /** graphql-ws messages (pings included) per second per connection, sustained; past it and the burst, the connection is closed with 4429. */
  LIMIT_WS_MESSAGES_PER_SECOND: integer(1, 1_000_000).default(50),
  /** graphql-ws messages a connection may send at once above the sustained rate (a client subscribing to many things at connect). */
  LIMIT_WS_MESSAGE_BURST: integer(1, 1_000_000).default(200),
});

export const limitsEnv = limitsEnvSchema.shape;

export function limitSettings(env: z.infer<typeof limitsEnvSchema>): LimitSettings {
  return {
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
      streamSymbolsPerConsumer: env.LIMIT_STREAM_SYMBOLS_PER_CONSUMER,
    }),
  };
}
