import { Counter, Gauge, type Registry } from 'prom-client';
import { TallyHistogram } from './tally-histogram.js';

/** What `stream_upstream_connections` reads at scrape time: connections per provider and state. */
export interface ConnectionReading {
  readonly provider: string;
  readonly state: string;
  readonly connections: number;
}

/** What the symbol gauges read at scrape time. */
export interface SymbolReading {
  readonly provider: string;
  readonly symbols: number;
}

export interface StreamMetricProbes {
  readonly connections?: () => readonly ConnectionReading[];
  readonly upstreamSymbols?: () => readonly SymbolReading[];
  /** Symbols whose upstream this instance owns (with Redis); undefined without Redis. */
  readonly ownedSymbols?: () => number;
}

/**
 * Live-quote metrics, on the gateway's registry. The counters are moved by the feeds' own events
 * (the stream kit, the router, the cluster source), subscribed to in the composition root, never
 * by calls sprinkled through the feeds; the gauges read their figures at scrape time.
 */
export interface StreamMetrics {
  readonly ticksReceived: Counter<'provider' | 'feed'>;
  readonly frames: Counter<'provider'>;
  readonly malformedFrames: Counter<'provider'>;
  readonly reconnects: Counter<'provider'>;
  readonly authRefusals: Counter<'provider'>;
  readonly symbolMoves: Counter<'from' | 'to' | 'reason'>;
  readonly symbolsUnavailable: Counter;
  readonly clusterFallbacks: Counter<'to'>;
}

export function createStreamMetrics(registry: Registry, probes: StreamMetricProbes): StreamMetrics {
  const counter = <Label extends string>(name: string, help: string, labelNames: readonly Label[]): Counter<Label> =>
    new Counter({ name, help, labelNames, registers: [registry] });
  new Gauge({
    name: 'stream_upstream_connections',
    help: 'Upstream websocket connections of the providers feeds, by provider and state (connecting, open, authenticated, reconnecting, refused, closed).',
    labelNames: ['provider', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const reading of probes.connections?.() ?? []) this.set({ provider: reading.provider, state: reading.state }, reading.connections);
    },
  });
  new Gauge({
    name: 'stream_upstream_symbols',
    help: 'Symbols subscribed upstream on the providers websocket feeds, by provider.',
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      this.reset();
      for (const reading of probes.upstreamSymbols?.() ?? []) this.set({ provider: reading.provider }, reading.symbols);
    },
  });
  if (probes.ownedSymbols) {
    const owned = probes.ownedSymbols;
    new Gauge({
      name: 'stream_owned_symbols',
      help: 'Symbols whose one upstream subscription in the cluster this instance owns (with REDIS_URL).',
      registers: [registry],
      collect() {
        this.set(owned());
      },
    });
  }
  return {
    ticksReceived: counter('stream_ticks_received_total', 'Live quotes reaching this instance for its watchers, by the provider they came from and how (stream, poll, simulated).', ['provider', 'feed']),
    frames: counter('stream_upstream_frames_total', 'Frames received on the providers websocket feeds.', ['provider']),
    malformedFrames: counter('stream_malformed_frames_total', 'Frames of a provider feed that could not be read, skipped.', ['provider']),
    reconnects: counter('stream_reconnects_total', 'Reconnections of a provider feed (dropped, silent or failed connections).', ['provider']),
    authRefusals: counter('stream_auth_refusals_total', 'API keys a provider feed refused.', ['provider']),
    symbolMoves: counter('stream_symbol_moves_total', 'Watched symbols moved from one source of the stream chain to another, by reason (failed, feed-down, preferred, restored).', ['from', 'to', 'reason']),
    symbolsUnavailable: counter('stream_symbols_unavailable_total', 'Times a watched symbol had no source of the stream chain left (its watchers were told once).', []),
    clusterFallbacks: counter('stream_cluster_mode_changes_total', 'Switches of this instance between cluster fan-out and feeding its own watchers while Redis is away.', ['to']),
  };
}

/**
 * What reaches the clients of live quotes, by transport (`graphql-ws`, `sse`), moved by the
 * transports' delivery events (server/delivery.ts) as the composition root subscribes them.
 *
 * Items written and their latency are counted once per item per subscriber, the hottest path a
 * gateway has: `itemWritten` counts in plain numbers, handed to the counter when it is scraped,
 * and the latency is a TallyHistogram (tally-histogram.ts says why).
 */
export interface DeliveryMetrics {
  /** One item written to a client socket over `transport`; `latencySeconds` when it came from upstream. */
  itemWritten(transport: string, latencySeconds: number | undefined): void;
  readonly conflated: Counter<'transport'>;
  readonly slowClosed: Counter<'transport'>;
}

export function createDeliveryMetrics(registry: Registry): DeliveryMetrics {
  const unscraped = new Map<string, number>();
  // Read only through the registry: its collect hook takes what itemWritten counted since the last scrape.
  new Counter({
    name: 'stream_items_delivered_total',
    help: 'Subscription items (ticks, snapshots, per-symbol errors) written to a client socket, by transport.',
    labelNames: ['transport'],
    registers: [registry],
    collect() {
      for (const [transport, items] of unscraped) if (items > 0) this.inc({ transport }, items);
      unscraped.clear();
    },
  });
  const latency = new TallyHistogram({
    name: 'stream_tick_to_client_seconds',
    help: 'From a tick\'s receipt from upstream (by the instance that owns its feed, when relayed over Redis) to its message written to the client socket, by transport.',
    labelName: 'transport',
    // Ticks are meant to reach clients within tens of milliseconds; the tail shows a loaded instance.
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    itemWritten(transport, latencySeconds) {
      unscraped.set(transport, (unscraped.get(transport) ?? 0) + 1);
      if (latencySeconds !== undefined) latency.series(transport).observe(latencySeconds);
    },
    conflated: new Counter({
      name: 'stream_items_conflated_total',
      help: 'Items replaced by a newer one of the same symbol before their subscriber read them (a slow reader, a socket above its high-water mark, a throttleMs), by transport.',
      labelNames: ['transport'],
      registers: [registry],
    }),
    slowClosed: new Counter({
      name: 'stream_slow_consumers_closed_total',
      help: 'Subscribers closed for not draining their socket within STREAM_SLOW_CLOSE_MS (graphql-ws: close code 4508), by transport.',
      labelNames: ['transport'],
      registers: [registry],
    }),
  };
}
