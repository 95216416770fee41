import { z } from 'zod';
import { baseUrl, integer, keyList, quota } from './fields.js';

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

/** Call timeouts before resilience policies arrive: FRED is slow, the rest answer in well under a second. */
const DEFAULT_TIMEOUT_MS: Record<RemoteProviderId, number> = {
  alphavantage: 5_000,
  fmp: 5_000,
  polygon: 5_000,
  finnhub: 5_000,
  twelvedata: 5_000,
  fred: 10_000,
};

export const providerEnv = Object.fromEntries(
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
