import type { CompanyProfile } from '../../domain/index.js';
import type { BatchFetcher } from '../adapter.js';
import { fewAtATime, oneSymbolPerCall } from '../kit/per-symbol.js';
import { endpointUrl, type RemoteContext } from '../kit/remote-context.js';
import { getPayload, PROVIDER_ID, segment } from './client.js';
import { invalidPayload } from './errors.js';
import { exchangeName } from './exchanges.js';
import { TickerDetailsResponseSchema } from './schemas.js';
import { toPolygonTicker } from './symbols.js';

/**
 * Company profiles from ticker details, one ticker per call (Polygon has no batch form of it).
 *
 * Polygon classifies companies by SIC code only: its description becomes the industry, and the
 * sector stays null rather than a guess at another scheme's sector. Its `locale` names the market
 * of the listing, not the company's home (TSM's is "us" too), so the country is read from the SEC
 * business address instead: US when its state is a US state, else unknown.
 */
export function createProfileFetcher(context: RemoteContext): BatchFetcher<CompanyProfile> {
  return oneSymbolPerCall(fewAtATime, (symbol, signal) => fetchProfile(context, symbol, signal));
}

async function fetchProfile(context: RemoteContext, symbol: string, signal?: AbortSignal): Promise<CompanyProfile> {
  const what = `ticker details of ${symbol}`;
  const url = endpointUrl(context, `/v3/reference/tickers/${segment(toPolygonTicker(symbol))}`);
  const payload = TickerDetailsResponseSchema.safeParse(await getPayload(context, url, what, signal));
  if (!payload.success) throw invalidPayload(context.http, what, payload.error);
  const details = payload.data.results;
  return {
    symbol,
    name: details.name,
    exchange: exchangeName(details.primary_exchange),
    sector: null,
    industry: details.sic_description === null ? null : titleCase(details.sic_description),
    country: countryOf(details.address?.state ?? null),
    currency: details.currency_name === null ? null : details.currency_name.toUpperCase(),
    description: details.description,
    marketCap: details.market_cap !== null && details.market_cap >= 0 ? details.market_cap : null,
    source: PROVIDER_ID,
    // Ticker details carry no timestamp of their own.
    asOf: new Date(context.now()),
    stale: false,
  };
}

/** USPS codes of the states, DC and the territories; EDGAR writes foreign countries as codes like F5 or L2. */
const US_STATES = new Set(
  (
    'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY ' +
    'DC PR GU VI AS MP'
  ).split(' '),
);

function countryOf(state: string | null): string | null {
  return state !== null && US_STATES.has(state.toUpperCase()) ? 'US' : null;
}

/** SIC descriptions come in capitals ("SERVICES-PREPACKAGED SOFTWARE"). */
function titleCase(text: string): string {
  return text.toLowerCase().replace(/(^|[\s\-/&(])([a-z])/g, (_match, before: string, letter: string) => before + letter.toUpperCase());
}
