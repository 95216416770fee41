import { CompanyProfileSchema, type CompanyProfile } from '../../domain/index.js';
import type { BatchFetcher } from '../adapter.js';
import { answerEach, batchFetcher } from './batch.js';
import { PROVIDER_ID, type FmpClient } from './client.js';
import { toFmpSymbol } from './symbols.js';
import type { FmpApi, FmpProfile } from './wire.js';

/**
 * Company profiles: `/stable/profile?symbol=` or `/api/v3/profile/SYMBOL`, one symbol a call
 * (FMP documents neither as taking a list). The profile carries no timestamp of its own, so
 * `asOf` is the time of the call.
 */
export function createProfileFetcher(client: FmpClient, api: FmpApi): BatchFetcher<CompanyProfile> {
  return batchFetcher(1, async (symbols, options) => {
    const [symbol = ''] = symbols;
    const body = await client.get(api.profile(toFmpSymbol(symbol)), `profile ${symbol}`, options);
    const now = new Date();
    return answerEach(
      client,
      symbols,
      body,
      api.profileRow,
      (asked, row) => client.checked(CompanyProfileSchema, toProfile(asked, row, now), `profile ${asked}`),
      'profile',
    );
  });
}

function toProfile(symbol: string, row: FmpProfile, now: Date): CompanyProfile {
  return {
    symbol,
    name: row.name,
    exchange: row.exchange,
    sector: row.sector,
    industry: row.industry,
    country: row.country,
    currency: row.currency,
    description: row.description,
    // FMP writes 0 for funds and delisted symbols whose market value it does not know.
    marketCap: row.marketCap !== null && row.marketCap > 0 ? row.marketCap : null,
    source: PROVIDER_ID,
    asOf: now,
    stale: false,
  };
}
