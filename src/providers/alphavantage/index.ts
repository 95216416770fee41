import type { ProviderAdapter } from '../adapter.js';
import { createRemoteContext, remoteAdapter } from '../kit/remote-context.js';
import type { RemoteAdapterSettings } from '../remote.js';
import { AlphaVantageClient, PROVIDER } from './client.js';
import { createGlobalQuoteFetcher } from './global-quote.js';
import { createDailyHistoryFetcher } from './history.js';
import { createPremiumQuoteFetcher } from './premium-quotes.js';
import { createOverviewFetcher } from './profile.js';
import { createSymbolSearchFetcher } from './search.js';
import { createStatementsFetcher } from './statements.js';

export interface AlphaVantageOptions {
  /** Clock, injectable for tests: it decides compact vs full history and stamps `asOf`. */
  readonly now?: () => number;
}

/**
 * Alpha Vantage: every call is `GET /query?function=…&apikey=…` and every failure arrives as HTTP
 * 200 with a JSON note (see errors.ts). Quotes use GLOBAL_QUOTE one symbol a call, or, for premium
 * keys, REALTIME_BULK_QUOTES with up to 100 US symbols; profiles OVERVIEW; history TIME_SERIES_DAILY;
 * statements INCOME_STATEMENT / BALANCE_SHEET / CASH_FLOW; search SYMBOL_SEARCH. Alpha Vantage
 * has no push feed, and its economic indicators (REAL_GDP, CPI, TREASURY_YIELD…) are not keyed by
 * the FRED series ids our economic series use, so `stream` and `economicSeries` are absent.
 */
export function createAlphaVantageProvider(
  settings: RemoteAdapterSettings & { readonly premium: boolean },
  options: AlphaVantageOptions = {},
): ProviderAdapter {
  const context = createRemoteContext(PROVIDER, settings, options.now);
  const client = new AlphaVantageClient(context);
  return remoteAdapter(context, {
    quote: settings.premium ? createPremiumQuoteFetcher(client) : createGlobalQuoteFetcher(client),
    profile: createOverviewFetcher(client),
    history: createDailyHistoryFetcher(client, { premium: settings.premium }),
    statements: createStatementsFetcher(client),
    search: createSymbolSearchFetcher(client),
  });
}
