import { z } from 'zod';
import { CompanyProfileSchema, type CompanyProfile } from '../../domain/index.js';
import type { BatchFetcher } from '../adapter.js';
import { inTurn, oneSymbolPerCall } from '../kit/per-symbol.js';
import { describeIssues } from '../kit/payload.js';
import { positiveOrNull } from '../kit/quote-figures.js';
import { optionalNumber, optionalText } from '../parse.js';
import { PROVIDER_ID, type AlphaVantageCall, type AlphaVantageClient } from './client.js';
import { toProviderSymbol } from './symbols.js';

/**
 * OVERVIEW: a flat object of strings ("MarketCapitalization": "197991563000", "None" for gaps).
 * An unknown symbol gets `{}`, which the client already turns into NOT_FOUND.
 */
const OverviewSchema = z.object({
  Name: optionalText,
  Exchange: optionalText,
  Sector: optionalText,
  Industry: optionalText,
  Country: optionalText,
  Currency: optionalText,
  Description: optionalText,
  MarketCapitalization: optionalNumber,
});

/**
 * Company profiles through OVERVIEW, one symbol per call. Sector and industry are Alpha Vantage's
 * own words (often upper case, e.g. "TECHNOLOGY"); the overview carries no time of its own, so
 * `asOf` is the time of the call.
 */
export function createOverviewFetcher(client: AlphaVantageClient): BatchFetcher<CompanyProfile> {
  return oneSymbolPerCall(inTurn, async (symbol, signal) => {
    const call: AlphaVantageCall = { function: 'OVERVIEW', params: { symbol: toProviderSymbol(symbol) }, symbol };
    const body = await client.query(call, signal);
    const overview = client.parse(OverviewSchema, body, call);
    if (overview.Name === null) throw client.badResponse(call, 'the overview has no company name');
    const profile = CompanyProfileSchema.safeParse({
      symbol,
      name: overview.Name,
      exchange: overview.Exchange,
      sector: overview.Sector,
      industry: overview.Industry,
      country: overview.Country,
      currency: overview.Currency,
      description: overview.Description,
      marketCap: positiveOrNull(overview.MarketCapitalization),
      source: PROVIDER_ID,
      asOf: new Date(client.now),
      stale: false,
    });
    if (!profile.success) throw client.badResponse(call, describeIssues(profile.error));
    return profile.data;
  });
}
