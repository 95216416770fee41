import { ProviderFailureKind, type CompanyProfile } from '../../domain/index.js';
import type { BatchFetcher } from '../adapter.js';
import type { RemoteContext } from '../kit/remote-context.js';
import { PROVIDER_ID, perSymbolFetcher } from './client.js';
import { ProfileSchema, type FinnhubProfile } from './schemas.js';

/** Finnhub reports market capitalisation in millions of the listing currency. */
const MILLION = 1_000_000;

/**
 * Company profiles from `/stock/profile2?symbol=` (the free profile endpoint). It has no sector and
 * no description: `finnhubIndustry` is Finnhub's own industry classification.
 */
export function createProfileFetcher(context: RemoteContext): BatchFetcher<CompanyProfile> {
  return perSymbolFetcher(context, { path: '/stock/profile2', label: 'profile', schema: ProfileSchema }, toProfile);
}

function toProfile(context: RemoteContext, symbol: string, raw: FinnhubProfile, what: string): CompanyProfile {
  // `{}` is Finnhub's answer for a symbol it has no profile of (unknown, or an ETF/index).
  if (raw.name === null) throw context.http.failure(ProviderFailureKind.NOT_FOUND, `${what}: no profile`);
  return {
    symbol,
    name: raw.name,
    exchange: exchangeName(raw.exchange),
    sector: null,
    industry: raw.finnhubIndustry,
    country: raw.country,
    currency: raw.currency,
    description: null,
    marketCap: raw.marketCapitalization !== null && raw.marketCapitalization >= 0 ? Math.round(raw.marketCapitalization * MILLION) : null,
    source: PROVIDER_ID,
    asOf: new Date(context.now()),
    stale: false,
  };
}

/**
 * Finnhub names US venues by their registered titles ("NASDAQ NMS - GLOBAL MARKET", "NEW YORK
 * STOCK EXCHANGE, INC."); other providers and the simulated market say NASDAQ and NYSE, so the
 * common ones are shortened and anything else passes through as Finnhub wrote it.
 */
function exchangeName(exchange: string | null): string | null {
  if (exchange === null) return null;
  const upper = exchange.toUpperCase();
  if (upper.startsWith('NASDAQ')) return 'NASDAQ';
  if (upper.startsWith('NEW YORK STOCK EXCHANGE')) return 'NYSE';
  if (upper.startsWith('NYSE MKT') || upper.startsWith('NYSE AMERICAN')) return 'NYSE American';
  if (upper.startsWith('NYSE ARCA')) return 'NYSE Arca';
  return exchange;
}
