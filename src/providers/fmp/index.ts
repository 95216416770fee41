import type { ProviderAdapter } from '../adapter.js';
import { ProviderHttpClient } from '../http.js';
import { KeyRing, type KeySource } from '../keys.js';
import { DEFAULT_MAX_BODY_BYTES, type RemoteAdapterSettings } from '../remote.js';
import { FmpClient, PROVIDER_ID } from './client.js';
import { createHistoryFetcher } from './history.js';
import { createProfileFetcher } from './profile.js';
import { createQuoteFetcher } from './quote.js';
import { createSearchFetcher } from './search.js';
import { stableApi } from './stable.js';
import { createStatementsFetcher } from './statements.js';
import { v3Api } from './v3.js';

export interface FmpSettings extends RemoteAdapterSettings {
  /** `stable` (any key) or `v3`, the legacy API that only keys made before August 2025 may use. */
  readonly api: 'stable' | 'v3';
  /** Whether the plan has `/stable/batch-quote` (Starter and up; the free plan answers it 402). */
  readonly batchQuotes: boolean;
}

/**
 * Financial Modeling Prep: quotes, company profiles, the three financial statements, symbol
 * search and daily price history, with the key as `apikey=`. FMP has no economic series of its
 * own and no live feed on the REST API, so those capabilities are absent.
 */
export function createFmpProvider(settings: FmpSettings): ProviderAdapter {
  const http = new ProviderHttpClient({
    provider: PROVIDER_ID,
    timeoutMs: settings.timeoutMs,
    maxBodyBytes: settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    secrets: settings.keys,
  });
  const keys: KeySource = settings.keySource ?? new KeyRing(settings.keys);
  const client = new FmpClient(http, keys, settings.baseUrl);
  const api = settings.api === 'v3' ? v3Api() : stableApi({ batchQuotes: settings.batchQuotes });
  return {
    id: PROVIDER_ID,
    name: 'Financial Modeling Prep',
    quote: createQuoteFetcher(client, api),
    profile: createProfileFetcher(client, api),
    history: createHistoryFetcher(client, api),
    statements: createStatementsFetcher(client, api),
    search: createSearchFetcher(client, api),
    close: async () => {
      await http.close();
      await keys.close?.();
    },
  };
}
