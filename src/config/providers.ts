import { z } from 'zod';
import { ProviderIdSchema, type ProviderId } from '../domain/index.js';
import { baseUrl, boolean, integer, keyList, quota } from './fields.js';
import { DEFAULT_QUOTAS, parseQuota, type QuotaSetting } from './quota.js';
import { providerPolicy, type ProviderPolicy, type ResilienceEnv } from './resilience.js';

/** The providers reached over HTTP, and the settings each has under its own prefix (`FMP_API_KEY`, …). */

export const REMOTE_PROVIDERS = ['alphavantage', 'fmp', 'polygon', 'finnhub', 'twelvedata', 'fred'] as const;
export type RemoteProviderId = (typeof REMOTE_PROVIDERS)[number];
export const envPrefix: Record<RemoteProviderId, string> = {
  alphavantage: 'ALPHAVANTAGE',
  fmp: 'FMP',
  polygon: 'POLYGON',
  finnhub: 'FINNHUB',
  twelvedata: 'TWELVEDATA',
  fred: 'FRED',
};

/** The providers' real API bases; `<NAME>_BASE_URL` points an adapter elsewhere (a fake upstream, a proxy). */
export const DEFAULT_BASE_URLS: Record<RemoteProviderId, string> = {
  alphavantage: 'https://www.alphavantage.co',
  fmp: 'https://financialmodelingprep.com',
  polygon: 'https://api.polygon.io',
  finnhub: 'https://finnhub.io/api/v1',
  twelvedata: 'https://api.twelvedata.com',
  fred: 'https://api.stlouisfed.org',
};

/** The providers with a documented live WebSocket feed. */
export const STREAMING_PROVIDERS = ['finnhub', 'polygon', 'twelvedata', 'fmp'] as const satisfies readonly RemoteProviderId[];
type StreamingProviderId = (typeof STREAMING_PROVIDERS)[number];

/**
 * The feeds' documented URLs; `<NAME>_WS_URL` points a stream elsewhere. Polygon's default is the
 * real-time cluster; plans with 15-minute delayed data use wss://delayed.polygon.io/stocks.
 */
export const DEFAULT_WS_URLS: Record<StreamingProviderId, string> = {
  finnhub: 'wss://ws.finnhub.io',
  polygon: 'wss://socket.polygon.io/stocks',
  twelvedata: 'wss://ws.twelvedata.com/v1/quotes/price',
  fmp: 'wss://websockets.financialmodelingprep.com',
};

const wsUrl = z.url({ protocol: /^wss?$/ }).transform((value) => value.replace(/\/+$/, ''));

/** Call timeouts before resilience policies arrive: FRED is slow, the rest answer in well under a second. */
const DEFAULT_TIMEOUT_MS: Record<RemoteProviderId, number> = {
  alphavantage: 5_000,
  fmp: 5_000,
  polygon: 5_000,
  finnhub: 5_000,
  twelvedata: 5_000,
  fred: 10_000,
};

const remoteProviderEnv = Object.fromEntries(
  REMOTE_PROVIDERS.flatMap((id) => [
    [`${envPrefix[id]}_API_KEY`, keyList.optional()],
    [`${envPrefix[id]}_BASE_URL`, baseUrl.default(DEFAULT_BASE_URLS[id])],
    [`${envPrefix[id]}_TIMEOUT_MS`, z.coerce.number().int().min(50).max(120_000).default(DEFAULT_TIMEOUT_MS[id])],
    /** Limits per API key, enforced before each call; default: the provider's free tier. */
    [`${envPrefix[id]}_QUOTA`, quota.optional()],
    // Per-provider overrides of the resilience settings below (RETRY_MAX, BREAKER_*, BULKHEAD_*).
    [`${envPrefix[id]}_RETRY_MAX`, integer(0, 10).optional()],
    [`${envPrefix[id]}_BREAKER_THRESHOLD`, integer(1, 1_000).optional()],
    [`${envPrefix[id]}_BREAKER_OPEN_MS`, integer(100, 3_600_000).optional()],
    [`${envPrefix[id]}_BULKHEAD_CONCURRENCY`, integer(1, 1_000).optional()],
    [`${envPrefix[id]}_BULKHEAD_QUEUE`, integer(0, 100_000).optional()],
    [`${envPrefix[id]}_BATCH_CONCURRENCY`, integer(1, 100).optional()],
  ]),
) as Record<`${string}_API_KEY`, z.ZodOptional<typeof keyList>> &
  Record<`${string}_BASE_URL`, z.ZodDefault<typeof baseUrl>> &
  Record<`${string}_TIMEOUT_MS`, z.ZodDefault<z.ZodCoercedNumber>> &
  Record<`${string}_QUOTA`, z.ZodOptional<typeof quota>>;

/**
 * `<NAME>_WS_URL`: the live feed of the four providers that have one. Unset, it is the documented
 * URL, unless `<NAME>_BASE_URL` points the REST API elsewhere (a fake upstream, a proxy): then the
 * stream stays off rather than send that key to the real feed behind the operator's back.
 */
const streamEnv = Object.fromEntries(STREAMING_PROVIDERS.map((id) => [`${envPrefix[id]}_WS_URL`, wsUrl.optional()])) as Record<
  `${string}_WS_URL`,
  z.ZodOptional<typeof wsUrl>
>;

/**
 * `<NAME>_WS_SYMBOLS`: the most symbols one feed connection (one key) carries, as the plan allows
 * (1–100000). Unset: the provider's documented cap (Finnhub 50, Twelve Data 8, Polygon and FMP
 * 1,000). Beyond every key's cap a symbol goes to the next source of the stream chain.
 */
const symbolCap = integer(1, 100_000);
const streamCapEnv = Object.fromEntries(STREAMING_PROVIDERS.map((id) => [`${envPrefix[id]}_WS_SYMBOLS`, symbolCap.optional()])) as Record<
  `${string}_WS_SYMBOLS`,
  z.ZodOptional<typeof symbolCap>
>;

const providerList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(ProviderIdSchema).min(1, 'name at least one provider'));

/** The chain and the provider-specific switches, declared apart so the `<NAME>_…` settings keep their place between them in the schema's key order. */
const chainEnvSchema = z.object({
  /** Ordered provider chain; default: every provider with a key, then the simulated market. */
  PROVIDERS: providerList.optional(),
});
const providerSwitchEnvSchema = z.object({
  /** Alpha Vantage premium keys may use REALTIME_BULK_QUOTES (100 symbols a call). */
  ALPHAVANTAGE_PREMIUM: boolean.default(false),
  /** `stable` (default) or `v3` for FMP keys made before August 2025 on the legacy API. */
  FMP_API: z.enum(['stable', 'v3']).default('stable'),
  /** FMP plans with batch quotes (Starter and up) answer many symbols a call. */
  FMP_BATCH_QUOTES: boolean.default(false),
});

/** PROVIDERS, every `<NAME>_…` setting, then ALPHAVANTAGE_PREMIUM and the FMP_* switches. */
export const providerEnv = { ...chainEnvSchema.shape, ...remoteProviderEnv, ...streamEnv, ...streamCapEnv, ...providerSwitchEnvSchema.shape };
type ProvidersEnv = z.infer<typeof chainEnvSchema> & z.infer<typeof providerSwitchEnvSchema> & ResilienceEnv;

export interface RemoteProviderSettings {
  readonly keys: readonly string[];
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** The plan's limits per key (`<NAME>_QUOTA`), counted before every call. */
  readonly quota: readonly QuotaSetting[];
  /** Retry, breaker and bulkhead for this provider: the global settings with its own overrides. */
  readonly policy: ProviderPolicy;
  /** The live feed's URL (`<NAME>_WS_URL`); undefined where the provider has none or it is off (see `streamEnv`). */
  readonly wsUrl: string | undefined;
  /** Symbols per feed connection (`<NAME>_WS_SYMBOLS`); undefined: the provider's documented cap. */
  readonly wsSymbolCap: number | undefined;
}

export interface ProviderSettings {
  /** The provider chain in priority order. */
  readonly providers: readonly ProviderId[];
  /** Settings of every HTTP provider, keyed or not; only those in `providers` are built. */
  readonly remote: Readonly<Record<RemoteProviderId, RemoteProviderSettings>>;
  readonly alphavantage: { readonly premium: boolean };
  readonly fmp: { readonly api: 'stable' | 'v3'; readonly batchQuotes: boolean };
}

/** The free tier's limits, parsed: the defaults are written as users write them. */
function defaultQuota(id: RemoteProviderId): readonly QuotaSetting[] {
  const parsed = parseQuota(DEFAULT_QUOTAS[id]);
  if (typeof parsed === 'string') throw new Error(`default quota of ${id}: ${parsed}`);
  return parsed;
}

function streamUrl(id: RemoteProviderId, own: Record<string, unknown>): string | undefined {
  const streaming = STREAMING_PROVIDERS.find((provider) => provider === id);
  if (!streaming) return undefined;
  const explicit = own[`${envPrefix[id]}_WS_URL`];
  if (typeof explicit === 'string') return explicit;
  return own[`${envPrefix[id]}_BASE_URL`] === DEFAULT_BASE_URLS[id] ? DEFAULT_WS_URLS[streaming] : undefined;
}

export function providerSettings(env: ProvidersEnv): ProviderSettings {
  // The `<NAME>_…` settings are read by name: their keys are built from REMOTE_PROVIDERS.
  const own = env as Record<string, unknown>;
  const remote = Object.fromEntries(
    REMOTE_PROVIDERS.map((id) => [
      id,
      {
        keys: own[`${envPrefix[id]}_API_KEY`] ?? [],
        baseUrl: own[`${envPrefix[id]}_BASE_URL`],
        timeoutMs: own[`${envPrefix[id]}_TIMEOUT_MS`],
        quota: own[`${envPrefix[id]}_QUOTA`] ?? defaultQuota(id),
        policy: providerPolicy(env, envPrefix[id]),
        wsUrl: streamUrl(id, own),
        wsSymbolCap: own[`${envPrefix[id]}_WS_SYMBOLS`],
      },
    ]),
  ) as unknown as Record<RemoteProviderId, RemoteProviderSettings>;
  const keyed = REMOTE_PROVIDERS.filter((id) => remote[id].keys.length > 0);
  return {
    providers: env.PROVIDERS ?? [...keyed, 'simulated'],
    remote,
    alphavantage: { premium: env.ALPHAVANTAGE_PREMIUM },
    fmp: { api: env.FMP_API, batchQuotes: env.FMP_BATCH_QUOTES },
  };
}
