import type { Registry } from 'prom-client';
import type { Quote } from '../domain/index.js';
import { createDeliveryMetrics, createStreamMetrics, type ConnectionReading, type StreamMetrics, type SymbolReading } from '../observability/stream-metrics.js';
import type { DeliveryEvents } from '../server/delivery.js';
import type { TickSource } from '../providers/adapter.js';
import type { LiveQuoteSources } from './live-quotes.js';

/**
 * Live-quote metrics wired to the feeds' events: each provider's websocket feed (connection
 * states, frames, reconnects, refusals, symbols per connection), the router (moves, symbols left
 * without a source) and the cluster source (owned symbols, fallbacks to local feeds). Answers the
 * source the hub should watch: the same one, counting every tick that reaches this instance.
 */
export function observeLiveQuotes(sources: LiveQuoteSources, registry: Registry): TickSource | undefined {
  const connections = new Map<string, { readonly provider: string; state: string; symbols: number }>();
  const connection = (provider: string, name: string) => {
    let known = connections.get(name);
    if (!known) {
      known = { provider, state: 'idle', symbols: 0 };
      connections.set(name, known);
    }
    return known;
  };
  const metrics = createStreamMetrics(registry, {
    connections: () => totals(connections.values(), (item) => `${item.provider}\u0000${item.state}`, (key, count): ConnectionReading => {
      const [provider = '', state = ''] = key.split('\u0000');
      return { provider, state, connections: count };
    }, (item) => (item.state === 'idle' ? 0 : 1)),
    upstreamSymbols: () => totals(connections.values(), (item) => item.provider, (provider, symbols): SymbolReading => ({ provider, symbols }), (item) => item.symbols),
    ...(sources.cluster ? { ownedSymbols: () => sources.cluster?.ownedSymbols().length ?? 0 } : {}),
  });
  for (const [provider, events] of sources.streams) {
    events.onStateChange((change) => (connection(provider, change.connection).state = change.to));
    events.onSymbolsChange((change) => (connection(provider, change.connection).symbols = change.symbols));
    events.onFrame(() => metrics.frames.inc({ provider }));
    events.onMalformedFrame(() => metrics.malformedFrames.inc({ provider }));
    events.onReconnect(() => metrics.reconnects.inc({ provider }));
    events.onAuthRefused(() => metrics.authRefusals.inc({ provider }));
  }
  sources.routed?.events.onMoved(({ from, to, reason }) => metrics.symbolMoves.inc({ from, to, reason }));
  sources.routed?.events.onUnavailable(() => metrics.symbolsUnavailable.inc());
  sources.cluster?.events.onFellBackToLocal(() => metrics.clusterFallbacks.inc({ to: 'local' }));
  sources.cluster?.events.onBackToCluster(() => metrics.clusterFallbacks.inc({ to: 'cluster' }));
  return sources.source && countingTicks(sources.source, metrics);
}

/** Delivery metrics wired to the transports' events: items written, conflated, slow consumers closed, tick-to-client latency. */
export function observeDelivery(events: DeliveryEvents, registry: Registry): void {
  const metrics = createDeliveryMetrics(registry);
  events.onDelivered(({ transport, latencyMs }) => metrics.itemWritten(transport, latencyMs === undefined ? undefined : latencyMs / 1000));
  events.onConflated(({ transport }) => metrics.conflated.inc({ transport }));
  events.onSlowClosed(({ transport }) => metrics.slowClosed.inc({ transport }));
}

/** The source as it is, counting each tick by where it came from and how. */
function countingTicks(source: TickSource, metrics: StreamMetrics): TickSource {
  const count = (quote: Quote): void => metrics.ticksReceived.inc({ provider: quote.source, feed: quote.feed ?? 'unknown' });
  return {
    start: (symbol, onTick, onError) =>
      source.start(
        symbol,
        (quote, receivedAt) => {
          count(quote);
          onTick(quote, receivedAt);
        },
        onError,
      ),
  };
}

/** Sums `valueOf` of the items per `keyOf`, as readings. */
function totals<Item, Reading>(items: Iterable<Item>, keyOf: (item: Item) => string, reading: (key: string, total: number) => Reading, valueOf: (item: Item) => number): Reading[] {
  const sums = new Map<string, number>();
  for (const item of items) sums.set(keyOf(item), (sums.get(keyOf(item)) ?? 0) + valueOf(item));
  return [...sums].map(([key, total]) => reading(key, total));
}
