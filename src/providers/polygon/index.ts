import type { ProviderAdapter } from '../adapter.js';
import { ProviderHttpClient } from '../http.js';
import { KeyRing, type KeySource } from '../keys.js';
import { DEFAULT_MAX_BODY_BYTES, type RemoteAdapterSettings } from '../remote.js';
import { PROVIDER_ID, type PolygonContext } from './client.js';
import { createHistoryFetcher } from './history.js';
import { createProfileFetcher } from './profile.js';
import { createQuoteFetcher } from './quote.js';
import { createSearchFetcher } from './search.js';
import { createStatementsFetcher } from './statements.js';

export interface PolygonOptions {
  /** Clock, injectable for tests. Defaults to Date.now. */
  readonly now?: () => number;
}

/**
 * Polygon.io, rebranded Massive (api.polygon.io and api.massive.com both answer): US stocks.
 *
 *   quote       full-market snapshot, 250 tickers a call; on plans without it (the free plan),
 *               the latest daily bars, one call per ticker
 *   history     daily aggregates, one call per range (weeks and months rolled up here)
 *   profile     ticker details, one call per ticker
 *   statements  SEC-filing financials, one call per query
 *   search      ticker reference search, one call per query
 *
 * No live stream: Polygon's WebSocket feeds are a separate product on paid plans.
 */
export function createPolygonProvider(settings: RemoteAdapterSettings, options: PolygonOptions = {}): ProviderAdapter {
  const http = new ProviderHttpClient({
    provider: PROVIDER_ID,
    timeoutMs: settings.timeoutMs,
    maxBodyBytes: settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    secrets: settings.keys,
  });
  const keys: KeySource = settings.keySource ?? new KeyRing(settings.keys);
  const context: PolygonContext = {
    http,
    keys,
    baseUrl: settings.baseUrl,
    now: options.now ?? Date.now,
  };
  return {
    id: PROVIDER_ID,
    name: 'Polygon.io (Massive)',
    quote: createQuoteFetcher(context),
    history: createHistoryFetcher(context),
    profile: createProfileFetcher(context),
    statements: createStatementsFetcher(context),
    search: createSearchFetcher(context),
    close: async () => {
      await http.close();
      await keys.close?.();
    },
  };
}
