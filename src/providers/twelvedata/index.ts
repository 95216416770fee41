import type { ProviderAdapter } from '../adapter.js';
import { createRemoteContext, remoteAdapter } from '../kit/remote-context.js';
import type { RemoteAdapterSettings } from '../remote.js';
import { PROVIDER } from './client.js';
import { createHistoryFetcher } from './history.js';
import { createQuoteFetcher } from './quote.js';
import { createSearchFetcher } from './search.js';

export interface TwelveDataOptions {
  /** Clock for `asOf` where Twelve Data gives no time, and for quota resets; injectable for tests. */
  readonly now?: () => number;
}

/**
 * Twelve Data (https://twelvedata.com/docs): batched quotes, daily/weekly/monthly price history and
 * symbol search, all on the free Basic plan (8 API credits a minute, 800 a day; a quote costs one
 * credit per symbol). Company profiles (`/profile`) and statements are paid endpoints, so the
 * adapter declares neither.
 */
export function createTwelveDataProvider(settings: RemoteAdapterSettings, options: TwelveDataOptions = {}): ProviderAdapter {
  const context = createRemoteContext(PROVIDER, settings, options.now);
  return remoteAdapter(context, {
    quote: createQuoteFetcher(context),
    history: createHistoryFetcher(context),
    search: createSearchFetcher(context),
  });
}
