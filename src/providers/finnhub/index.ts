import type { ProviderAdapter } from '../adapter.js';
import { ProviderHttpClient } from '../http.js';
import { KeyRing, type KeySource } from '../keys.js';
import { DEFAULT_MAX_BODY_BYTES, type RemoteAdapterSettings } from '../remote.js';
import { FINNHUB_PROVIDER_ID, type FinnhubContext } from './client.js';
import { createProfileFetcher } from './profile.js';
import { createQuoteFetcher } from './quote.js';
import { createSearchFetcher } from './search.js';
import { createStatementsFetcher } from './statements.js';

export interface FinnhubOptions {
  /** Clock for `asOf` where Finnhub gives no time; injectable for tests. */
  readonly now?: () => number;
}

/**
 * Finnhub (https://finnhub.io/docs/api): quotes, company profiles, symbol search and as-reported
 * financial statements, all on the free plan (60 calls a minute, 30 a second). Price history
 * (`/stock/candle`) is premium-only, so the adapter declares no history.
 */
export function createFinnhubProvider(settings: RemoteAdapterSettings, options: FinnhubOptions = {}): ProviderAdapter {
  const http = new ProviderHttpClient({
    provider: FINNHUB_PROVIDER_ID,
    timeoutMs: settings.timeoutMs,
    maxBodyBytes: settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    secrets: settings.keys,
  });
  const keys: KeySource = settings.keySource ?? new KeyRing(settings.keys);
  const context: FinnhubContext = {
    http,
    keys,
    baseUrl: settings.baseUrl,
    now: options.now ?? Date.now,
  };
  return {
    id: FINNHUB_PROVIDER_ID,
    name: 'Finnhub',
    quote: createQuoteFetcher(context),
    profile: createProfileFetcher(context),
    statements: createStatementsFetcher(context),
    search: createSearchFetcher(context),
    close: async () => {
      await http.close();
      await keys.close?.();
    },
  };
}
