import type { ProviderAdapter } from '../adapter.js';
import { createRemoteContext, remoteAdapter } from '../kit/remote-context.js';
import { remoteStream, withStream, type StreamSettings } from '../kit/stream-adapter.js';
import type { RemoteAdapterSettings } from '../remote.js';
import { FmpClient, PROVIDER } from './client.js';
import { createHistoryFetcher } from './history.js';
import { createProfileFetcher } from './profile.js';
import { createQuoteFetcher } from './quote.js';
import { createSearchFetcher } from './search.js';
import { stableApi } from './stable.js';
import { createStatementsFetcher } from './statements.js';
import { fmpStream } from './stream.js';
import { v3Api } from './v3.js';

export interface FmpSettings extends RemoteAdapterSettings, StreamSettings {
  /** `stable` (any key) or `v3`, the legacy API that only keys made before August 2025 may use. */
  readonly api: 'stable' | 'v3';
  /** Whether the plan has `/stable/batch-quote` (Starter and up; the free plan answers it 402). */
  readonly batchQuotes: boolean;
}

/**
 * Financial Modeling Prep: quotes, company profiles, the three financial statements, symbol
 * search and daily price history, with the key as `apikey=`. FMP has no economic series of its
 * own. Live trades stream over FMP's WebSocket (`stream.ts`, Professional plans and up) where
 * `wsUrl` is set.
 */
export function createFmpProvider(settings: FmpSettings): ProviderAdapter {
  const context = createRemoteContext(PROVIDER, settings);
  const client = new FmpClient(context);
  const api = settings.api === 'v3' ? v3Api() : stableApi({ batchQuotes: settings.batchQuotes });
  const quote = createQuoteFetcher(client, api);
  const adapter = remoteAdapter(context, {
    quote,
    profile: createProfileFetcher(client, api),
    history: createHistoryFetcher(client, api),
    statements: createStatementsFetcher(client, api),
    search: createSearchFetcher(client, api),
  });
  return withStream(adapter, remoteStream(context, settings, fmpStream, quote));
}
