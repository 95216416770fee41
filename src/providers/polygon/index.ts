import type { ProviderAdapter } from '../adapter.js';
import type { RemoteContext } from '../kit/remote-context.js';
import { streamingAdapter, type StreamSettings } from '../kit/stream-adapter.js';
import type { RemoteAdapterSettings } from '../remote.js';
import { PROVIDER } from './client.js';
import { createHistoryFetcher } from './history.js';
import { createProfileFetcher } from './profile.js';
import { createQuoteFetcher } from './quote.js';
import { createSearchFetcher } from './search.js';
import { createStatementsFetcher } from './statements.js';
import { polygonStream } from './stream.js';

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
 *   stream      trades and per-second aggregates over one WebSocket per key (`stream.ts`), where
 *               `wsUrl` is set; the feeds are a separate product on paid plans
 */
export function createPolygonProvider(settings: RemoteAdapterSettings & StreamSettings, options: PolygonOptions = {}): ProviderAdapter {
  const fetchers = (context: RemoteContext) => ({
    quote: createQuoteFetcher(context),
    history: createHistoryFetcher(context),
    profile: createProfileFetcher(context),
    statements: createStatementsFetcher(context),
    search: createSearchFetcher(context),
  });
  return streamingAdapter(PROVIDER, settings, polygonStream, fetchers, options.now);
}
