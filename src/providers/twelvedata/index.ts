import type { ProviderAdapter } from '../adapter.js';
import type { RemoteContext } from '../kit/remote-context.js';
import { streamingAdapter, type StreamSettings } from '../kit/stream-adapter.js';
import type { RemoteAdapterSettings } from '../remote.js';
import { PROVIDER } from './client.js';
import { createHistoryFetcher } from './history.js';
import { createQuoteFetcher } from './quote.js';
import { createSearchFetcher } from './search.js';
import { twelveDataStream } from './stream.js';

export interface TwelveDataOptions {
  /** Clock for `asOf` where Twelve Data gives no time, and for quota resets; injectable for tests. */
  readonly now?: () => number;
}

/**
 * Twelve Data (https://twelvedata.com/docs): batched quotes, daily/weekly/monthly price history and
 * symbol search, all on the free Basic plan (8 API credits a minute, 800 a day; a quote costs one
 * credit per symbol). Company profiles (`/profile`) and statements are paid endpoints, so the
 * adapter declares neither. Live prices stream over one WebSocket per key (`stream.ts`) where
 * `wsUrl` is set.
 */
export function createTwelveDataProvider(settings: RemoteAdapterSettings & StreamSettings, options: TwelveDataOptions = {}): ProviderAdapter {
  const fetchers = (context: RemoteContext) => ({ quote: createQuoteFetcher(context), history: createHistoryFetcher(context), search: createSearchFetcher(context) });
  return streamingAdapter(PROVIDER, settings, twelveDataStream, fetchers, options.now);
}
