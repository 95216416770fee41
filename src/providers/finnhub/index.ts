import type { ProviderAdapter } from '../adapter.js';
import { streamingAdapter, type StreamSettings } from '../kit/stream-adapter.js';
import type { RemoteContext } from '../kit/remote-context.js';
import type { RemoteAdapterSettings } from '../remote.js';
import { PROVIDER } from './client.js';
import { createProfileFetcher } from './profile.js';
import { createQuoteFetcher } from './quote.js';
import { createSearchFetcher } from './search.js';
import { createStatementsFetcher } from './statements.js';
import { finnhubStream } from './stream.js';

export interface FinnhubOptions {
  /** Clock for `asOf` where Finnhub gives no time; injectable for tests. */
  readonly now?: () => number;
}

/**
 * Finnhub (https://finnhub.io/docs/api): quotes, company profiles, symbol search and as-reported
 * financial statements, all on the free plan (60 calls a minute, 30 a second). Price history
 * (`/stock/candle`) is premium-only, so the adapter declares no history. Live trades stream over
 * one WebSocket per key (`stream.ts`) where `wsUrl` is set.
 */
export function createFinnhubProvider(settings: RemoteAdapterSettings & StreamSettings, options: FinnhubOptions = {}): ProviderAdapter {
  const fetchers = (context: RemoteContext) => ({
    quote: createQuoteFetcher(context),
    profile: createProfileFetcher(context),
    statements: createStatementsFetcher(context),
    search: createSearchFetcher(context),
  });
  return streamingAdapter(PROVIDER, settings, finnhubStream, fetchers, options.now);
}
