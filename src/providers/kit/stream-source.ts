import { ErrorCode, MarketError, ProviderError, ProviderFailureKind, type ProviderId, type Quote } from '../../domain/index.js';
import type { TickSource, TickWatcher } from '../adapter.js';
import type { KeySource } from '../keys.js';
import { BaselineGate } from './stream-baselines.js';
import { systemStreamClock, type StreamClock, type StreamTimer } from './stream-clock.js';
import { createStreamEvents, type StreamEvents } from './stream-events.js';
import { newestPerSymbol, type StreamProtocol, type Tick } from './stream-protocol.js';
import { dayFiguresOf, quoteOfTick, type DayFigures } from './stream-quote.js';
import { usEquityFeedHours } from './feed-hours.js';
import { StreamSocket } from './stream-socket.js';

/** The tunables every provider's stream shares; each has a default that suits the documented feeds. */
export interface StreamTuning {
  /** Most symbols one connection (one key) carries; beyond it a symbol fails with RATE_LIMITED. Default: the provider's. */
  readonly symbolCap?: number;
  /** No frame for this long → reconnect. Default 30 s: Finnhub pings about every 10 s, Twelve Data answers heartbeats. */
  readonly silenceMs?: number;
  /**
   * When a feed without keep-alives (`StreamProtocol.keepsAlive`) is expected to trade, so that its
   * silence means a dead connection. Default: US equity hours (feed-hours.ts), read off `clock`.
   */
  readonly feedHours?: (epochMs: number) => boolean;
  /** First reconnect delay's ceiling. Default 500 ms. */
  readonly backoffBaseMs?: number;
  /** No reconnect delay exceeds this. Default 30 s. */
  readonly backoffMaxMs?: number;
  /** Upgrade plus authentication must be done within this. Default 10 s. */
  readonly handshakeTimeoutMs?: number;
  /** A refused key rests this long before it is dialled again. Default 10 min: a bad key stays bad, and a storm of refused dials can get an account blocked. */
  readonly refusalRestMs?: number;
  /** A baseline (the REST quote a tick is read against) that failed is asked again after this. Default 30 s. */
  readonly baselineRetryMs?: number;
  /** Baselines asked at once; after a RATE_LIMITED one, none until its retryAfter (see stream-baselines.ts). Default 4. */
  readonly baselineConcurrency?: number;
  /** Timers and "now"; default the process clock. Tests drive it by hand. */
  readonly clock?: StreamClock;
  /** Jitter; default Math.random. */
  readonly random?: () => number;
}

export interface StreamSourceOptions extends StreamTuning {
  readonly provider: ProviderId;
  /** The provider's name, for messages ("Finnhub streams at most 50 symbols per key"). */
  readonly name: string;
  /** `<NAME>_WS_URL`. */
  readonly url: string;
  /** One connection per key, dialled only when a symbol lands on it. */
  readonly keys: readonly string[];
  /** Told when the provider refuses a key, so the key pool retires it for REST calls too. */
  readonly keySource?: KeySource;
  readonly protocol: StreamProtocol;
  /** The REST quote a symbol's ticks are read against (previous close, day range); asked once per watched symbol. */
  readonly baseline: (symbol: string) => Promise<Quote>;
  /** `symbolCap` when the options do not say. */
  readonly defaultSymbolCap: number;
}

/** A TickSource over real upstream connections, with the events metrics may subscribe to. */
export interface StreamSource extends TickSource {
  readonly events: StreamEvents;
  /** Closes every connection; watchers hear nothing more. */
  close(): void;
}

interface Watched {
  readonly symbol: string;
  readonly watchers: Set<TickWatcher>;
  socket: StreamSocket | undefined;
  day: DayFigures | undefined;
  /** The newest tick that came before the day's figures did. */
  held: Tick | undefined;
  /** The newest tick delivered: older ones are dropped, and the same one twice is dropped. */
  lastTick: Tick | undefined;
  last: Quote | undefined;
  /** Why the symbol is not streamed (cap, refused keys, unknown symbol); told to each new watcher. */
  failure: Error | undefined;
  retry: StreamTimer | undefined;
}

/**
 * Every watched symbol of one provider over one upstream connection per key: a symbol goes on the
 * first key with room (up to the cap), so a second key is dialled only when the first is full.
 * However many watchers a symbol has, it is subscribed once. Ticks become Quotes against the day's
 * figures, newest per symbol per frame, never older than the last one delivered.
 */
export function createStreamSource(options: StreamSourceOptions): StreamSource {
  const clock = options.clock ?? systemStreamClock;
  const cap = Math.max(1, options.symbolCap ?? options.defaultSymbolCap);
  const events = createStreamEvents();
  const watched = new Map<string, Watched>();
  const sockets: Array<StreamSocket | undefined> = options.keys.map(() => undefined);
  const random = options.random ?? Math.random;
  const baselines = new BaselineGate({ baseline: options.baseline, clock, concurrency: options.baselineConcurrency ?? 4, restMs: options.baselineRetryMs ?? 30_000 });

  const socketFor = (index: number): StreamSocket => {
    const known = sockets[index];
    if (known) return known;
    const key = options.keys[index] as string;
    const socket: StreamSocket = new StreamSocket({
      provider: options.provider,
      connection: `${options.provider}#${index + 1}`,
      baseUrl: options.url,
      key,
      protocol: options.protocol,
      events,
      clock,
      random,
      backoff: { baseMs: options.backoffBaseMs ?? 500, maxMs: options.backoffMaxMs ?? 30_000 },
      silenceMs: options.silenceMs ?? 30_000,
      feedHours: options.feedHours ?? usEquityFeedHours,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      refusalRestMs: options.refusalRestMs ?? 600_000,
      onTicks: (ticks) => deliver(socket, ticks),
      onSymbolsFailed: (symbols, reason) => {
        for (const symbol of symbols) {
          const entry = watched.get(symbol);
          if (entry?.socket !== socket) continue;
          entry.socket = undefined;
          fail(entry, new ProviderError(ProviderFailureKind.NOT_FOUND, options.provider, `${options.name} will not stream ${symbol}: ${reason}`));
        }
      },
      onRefused: (reason) => refused(socket, key, reason),
    });
    sockets[index] = socket;
    return socket;
  };

  /** The first key with room that is not resting after a refusal; else why there is none. */
  const place = (entry: Watched): void => {
    let resting = 0;
    for (let index = 0; index < options.keys.length; index++) {
      const socket = sockets[index];
      if (socket?.resting) {
        resting += 1;
        continue;
      }
      if (socket && socket.symbols.size >= cap) continue;
      entry.socket = socketFor(index);
      entry.socket.watch(entry.symbol);
      return;
    }
    if (resting === options.keys.length) {
      fail(entry, new ProviderError(ProviderFailureKind.UNAUTHORIZED, options.provider, `${options.name} refused every configured key for streaming`, { scope: 'key' }));
      return;
    }
    // RATE_LIMITED: the plan's allowance of concurrent symbols is spent, as a quota is. It is not
    // the symbol's fault (NOT_FOUND) nor an outage (PROVIDER_UNAVAILABLE would read as a sick
    // provider to a router), and it passes once other symbols leave.
    fail(
      entry,
      new MarketError(ErrorCode.RATE_LIMITED, `${options.name} streams at most ${cap} symbols per key; "${entry.symbol}" is beyond what the configured keys can carry.`, {
        symbol: entry.symbol,
        provider: options.provider,
        symbolCap: cap,
        keys: options.keys.length,
      }),
    );
  };

  const fail = (entry: Watched, error: Error): void => {
    entry.failure = error;
    for (const watcher of [...entry.watchers]) watcher.onError(error);
  };

  const refused = (socket: StreamSocket, key: string, reason: string): void => {
    options.keySource?.report(key, new ProviderError(ProviderFailureKind.UNAUTHORIZED, options.provider, `${options.name} refused the key for streaming: ${reason}`, { scope: 'key' }));
    const moving = [...socket.symbols];
    socket.drop(moving);
    // Symbols on the refused key move to another key where one has room.
    for (const symbol of moving) {
      const entry = watched.get(symbol);
      if (!entry || entry.socket !== socket) continue;
      entry.socket = undefined;
      place(entry);
    }
  };

  const fetchBaseline = (entry: Watched): void => {
    baselines.ask(
      entry.symbol,
      () => watched.get(entry.symbol) === entry,
      (outcome) => {
        if (outcome === 'dropped' || watched.get(entry.symbol) !== entry) return;
        if ('quote' in outcome) {
          const day = dayFiguresOf(outcome.quote);
          if (!day) return retryBaseline(entry);
          entry.day = day;
          const held = entry.held;
          entry.held = undefined;
          if (held) emit(entry, held);
          return;
        }
        const error = outcome.error;
        if (error instanceof ProviderError && error.kind === ProviderFailureKind.NOT_FOUND) {
          // Unknown to the provider: free its slot on the connection, and say so once.
          entry.socket?.unwatch(entry.symbol);
          entry.socket = undefined;
          fail(entry, error);
          return;
        }
        retryBaseline(entry);
      },
    );
  };

  const retryBaseline = (entry: Watched): void => {
    // Jittered over the second half of the period: symbols refused together do not come back together.
    const periodMs = options.baselineRetryMs ?? 30_000;
    entry.retry = clock.setTimer(
      () => {
        entry.retry = undefined;
        if (watched.get(entry.symbol) === entry && !entry.day) fetchBaseline(entry);
      },
      periodMs / 2 + random() * (periodMs / 2),
    );
  };

  const deliver = (socket: StreamSocket, ticks: readonly Tick[]): void => {
    for (const tick of newestPerSymbol(ticks)) {
      const entry = watched.get(tick.symbol);
      // A tick for a symbol left (its unsubscribe crossed it) or carried elsewhere is not ours.
      if (!entry || entry.socket !== socket || !Number.isFinite(tick.price) || tick.price <= 0) continue;
      const last = entry.lastTick ?? entry.held;
      if (last && (tick.timestamp < last.timestamp || (tick.timestamp === last.timestamp && tick.price === last.price))) continue;
      if (!entry.day) entry.held = tick;
      else emit(entry, tick);
    }
  };

  const emit = (entry: Watched, tick: Tick): void => {
    const day = entry.day as DayFigures;
    const quote = quoteOfTick(options.provider, tick, day);
    entry.lastTick = tick;
    entry.last = quote;
    for (const watcher of [...entry.watchers]) watcher.onTick(quote);
  };

  return {
    events,
    start(symbol, onTick, onError) {
      const watcher: TickWatcher = { onTick, onError };
      let entry = watched.get(symbol);
      if (entry) {
        entry.watchers.add(watcher);
        const known = entry;
        // After `start` returns, so the caller holds its stop function when it hears.
        queueMicrotask(() => {
          if (!known.watchers.has(watcher)) return;
          if (known.failure) onError(known.failure);
          else if (known.last) onTick(known.last);
        });
      } else {
        const created: Watched = { symbol, watchers: new Set([watcher]), socket: undefined, day: undefined, held: undefined, lastTick: undefined, last: undefined, failure: undefined, retry: undefined };
        entry = created;
        watched.set(symbol, created);
        queueMicrotask(() => {
          if (watched.get(symbol) !== created) return;
          place(created);
          if (!created.failure) fetchBaseline(created);
        });
      }
      const owned = entry;
      return () => {
        if (!owned.watchers.delete(watcher) || owned.watchers.size > 0) return;
        if (watched.get(symbol) === owned) watched.delete(symbol);
        owned.retry?.cancel();
        owned.socket?.unwatch(symbol);
        owned.socket = undefined;
      };
    },
    close() {
      baselines.close();
      for (const entry of watched.values()) entry.retry?.cancel();
      watched.clear();
      for (const socket of sockets) socket?.close();
    },
  };
}
