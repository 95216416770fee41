import type { Quote } from '../../domain/index.js';
import type { BatchFetcher, ProviderAdapter } from '../adapter.js';
import type { RemoteAdapterSettings } from '../remote.js';
import { createRemoteContext, remoteAdapter, type ProviderIdentity, type RemoteCapabilities, type RemoteContext } from './remote-context.js';
import type { StreamProtocol } from './stream-protocol.js';
import { createStreamSource, type StreamSource, type StreamTuning } from './stream-source.js';

/** What a remote adapter with a live feed is built from, besides its REST settings. */
export interface StreamSettings {
  /**
   * The feed's URL (`<NAME>_WS_URL`). Undefined: the adapter declares no stream, so the hub never
   * picks it (the config leaves it undefined when `<NAME>_BASE_URL` points at a fake or a proxy).
   */
  readonly wsUrl?: string | undefined;
  /** Cap, silence, backoff, clock: see StreamTuning; defaults suit the real feed. */
  readonly stream?: StreamTuning;
}

/** How one provider's feed differs: its protocol and its plan's symbols per connection. */
export interface ProviderStream {
  readonly protocol: StreamProtocol;
  readonly defaultSymbolCap: number;
}

/**
 * The stream of a remote adapter, or undefined when no URL is configured. Nothing is dialled here:
 * the first watched symbol does that, so a gateway whose clients never subscribe opens no socket.
 */
export function remoteStream(
  context: RemoteContext,
  settings: RemoteAdapterSettings & StreamSettings,
  feed: ProviderStream,
  quotes: BatchFetcher<Quote>,
): StreamSource | undefined {
  if (!settings.wsUrl || settings.keys.length === 0) return undefined;
  return createStreamSource({
    ...settings.stream,
    provider: context.id,
    name: context.name,
    url: settings.wsUrl,
    keys: settings.keys,
    keySource: context.keys,
    protocol: feed.protocol,
    defaultSymbolCap: feed.defaultSymbolCap,
    baseline: baselineFrom(quotes),
  });
}

/** One symbol's REST quote, as the baseline its ticks are read against. */
export function baselineFrom(quotes: BatchFetcher<Quote>): (symbol: string) => Promise<Quote> {
  return async (symbol) => {
    const answer = (await quotes.fetch([symbol])).get(symbol);
    if (answer === undefined) throw new Error(`no quote for ${symbol} in its own batch`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
}

/** The adapter with its stream declared, and closed with it. */
export function withStream(adapter: ProviderAdapter, stream: StreamSource | undefined): ProviderAdapter {
  if (!stream) return adapter;
  return {
    ...adapter,
    stream,
    close: async () => {
      stream.close();
      await adapter.close?.();
    },
  };
}

/**
 * A remote adapter with a live feed, in one step: the REST context, the fetchers made on it, and
 * the feed read against the quote fetcher (each symbol's baseline), closed with the adapter.
 */
export function streamingAdapter(
  provider: ProviderIdentity,
  settings: RemoteAdapterSettings & StreamSettings,
  feed: ProviderStream,
  fetchers: (context: RemoteContext) => RemoteCapabilities & { readonly quote: BatchFetcher<Quote> },
  now?: () => number,
): ProviderAdapter {
  const context = createRemoteContext(provider, settings, now);
  const capabilities = fetchers(context);
  return withStream(remoteAdapter(context, capabilities), remoteStream(context, settings, feed, capabilities.quote));
}
