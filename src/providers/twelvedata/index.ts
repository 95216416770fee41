import type { ProviderAdapter } from '../adapter.js';
import { ProviderHttpClient } from '../http.js';
import { KeyRing, type KeySource } from '../keys.js';
import { DEFAULT_MAX_BODY_BYTES, type RemoteAdapterSettings } from '../remote.js';
import { TWELVEDATA_PROVIDER_ID, type TwelveDataContext } from './client.js';
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
  const http = new ProviderHttpClient({
    provider: TWELVEDATA_PROVIDER_ID,
    timeoutMs: settings.timeoutMs,
    maxBodyBytes: settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    secrets: settings.keys,
  });
  const keys: KeySource = settings.keySource ?? new KeyRing(settings.keys);
  const context: TwelveDataContext = {
    http,
    keys,
    baseUrl: settings.baseUrl,
    now: options.now ?? Date.now,
  };
  return {
    id: TWELVEDATA_PROVIDER_ID,
    name: 'Twelve Data',
    quote: createQuoteFetcher(context),
    history: createHistoryFetcher(context),
    search: createSearchFetcher(context),
    close: async () => {
      await http.close();
      await keys.close?.();
    },
  };
}
