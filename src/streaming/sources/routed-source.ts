import type { IDisposable } from 'cockatiel';
import { ErrorCode, MarketError, type ProviderId, type Quote } from '../../domain/index.js';
import type { TickSource } from '../../providers/adapter.js';
import { systemStreamClock, type StreamClock } from '../../providers/kit/stream-clock.js';
import { createRoutedEvents, type MoveReason, type RoutedSourceEvents } from './routed-events.js';
import { cancelGrace, clearTimers, codeOf, isNotFound, newRoute, type Lane, type Route, type Run, type Watcher } from './routed-route.js';
import type { SourceHealth, SourceHealthChange } from './routed-health.js';

/** One stream source of the chain. */
export interface RoutedCandidate {
  readonly provider: ProviderId;
  /** Names the candidate in events where one provider appears twice (its stream and its polling); default `provider`. */
  readonly label?: string;
  readonly source: TickSource;
  /** The feed as a whole; without it a candidate is up until it reports an error for a symbol. */
  readonly health?: SourceHealth;
}

export interface RoutedSourceOptions {
  /** In order of preference: a symbol is served by the first that can. */
  readonly chain: readonly RoutedCandidate[];
  /** Timers and "now"; default the process clock. */
  readonly clock?: StreamClock;
  /** A serving feed that is down gets this long to come back before its symbols move; also how long a symbol may go unserved before its watchers hear of it. Default 3 s. */
  readonly graceMs?: number;
  /** An earlier candidate must be up this long, serving a probe of the symbol without error, before the symbol moves back. Default 10 s. */
  readonly recoverMs?: number;
  /** A candidate that failed a symbol is tried again after this, doubling per failure. Default 5 s. */
  readonly retryBaseMs?: number;
  /** …up to this. Default 2 min: a capped or refused candidate is asked again, but not hammered (each try may cost it a REST baseline). */
  readonly retryMaxMs?: number;
}

/** A TickSource over a chain of them, with failover and the events metrics may subscribe to. */
export interface RoutedSource extends TickSource {
  readonly events: RoutedSourceEvents;
  /** Stops every feed and timer; watchers hear nothing more. */
  close(): void;
}

/**
 * A TickSource that serves each symbol from the first candidate of the chain that can, and moves
 * it when that one fails, without the watchers noticing anything but each quote's `source`:
 *
 * - an error for the symbol moves it at once (the candidate has said it will not serve it); a
 *   feed that is down keeps it for `graceMs` (most drops are redialled within a second or two);
 * - every earlier candidate keeps a feed of the symbol running as a probe while it is down (its
 *   socket resubscribes when back), and one that failed is stopped and tried again with backoff;
 *   a probe up and error-free for `recoverMs` takes the symbol back;
 * - a NOT_FOUND from the serving candidate is final and goes to the watchers, as in the REST chain
 *   (provider-chain.ts): an unknown symbol is almost always unknown everywhere, and trying each
 *   provider would spend every provider's capped symbol slots and a REST baseline on a typo;
 * - with no candidate for `graceMs`, watchers get one PROVIDER_UNAVAILABLE per outage (an error
 *   item; the stream stays open) while the candidates keep being retried;
 * - a quote older than the last one delivered is dropped, so a slower provider's late tick after
 *   a move never reaches a watcher.
 */
export function createRoutedSource(options: RoutedSourceOptions): RoutedSource {
  const { chain } = options;
  if (chain.length === 0) throw new Error('createRoutedSource needs at least one candidate');
  const clock = options.clock ?? systemStreamClock;
  const graceMs = options.graceMs ?? 3_000;
  const recoverMs = options.recoverMs ?? 10_000;
  const retryBaseMs = options.retryBaseMs ?? 5_000;
  const retryMaxMs = Math.max(retryBaseMs, options.retryMaxMs ?? 120_000);
  const events = createRoutedEvents();
  const routes = new Map<string, Route>();
  // Health is listened to only while a symbol is watched, so an idle router holds no listener.
  let healthSubscriptions: IDisposable[] = [];

  const label = (index: number): string => {
    const candidate = chain[index] as RoutedCandidate;
    return candidate.label ?? candidate.provider;
  };
  const lane = (route: Route, index: number): Lane => route.lanes[index] as Lane;
  const healthDown = (index: number): boolean => chain[index]?.health?.down ?? false;
  /** Whether a candidate may serve the symbol now: the active one keeps it through its grace. */
  const usable = (route: Route, index: number): boolean =>
    !lane(route, index).failed && (!healthDown(index) || (index === route.active && route.grace !== undefined));

  const startLane = (route: Route, index: number): void => {
    const target = lane(route, index);
    const run: Run = { stop: undefined };
    target.run = run;
    const stop = (chain[index] as RoutedCandidate).source.start(
      route.symbol,
      (quote) => {
        if (target.run === run) laneTick(route, index, quote);
      },
      (error) => {
        if (target.run === run) laneError(route, index, error);
      },
    );
    // A source may fail the symbol before `start` returns, and the lane be stopped already.
    if (target.run === run) run.stop = stop;
    else stop();
  };

  const stopLane = (target: Lane): void => {
    const run = target.run;
    target.run = undefined;
    target.recovery?.cancel();
    target.recovery = undefined;
    run?.stop?.();
  };

  /** The one rule of which feeds run: the serving candidate and every earlier one not failed (the probes); all of them during an outage. */
  const reconcile = (route: Route): void => {
    route.lanes.forEach((target, index) => {
      const wanted = route.final === undefined && !target.failed && (route.active === undefined || index <= route.active);
      if (wanted && !target.run) startLane(route, index);
      else if (!wanted && target.run) stopLane(target);
    });
  };

  const moveTo = (route: Route, index: number, reason: MoveReason, detail: string): void => {
    const from = route.active ?? route.served;
    route.active = index;
    route.served = index;
    route.unservedSince = undefined;
    cancelGrace(route);
    route.outageTimer?.cancel();
    route.outageTimer = undefined;
    if (from !== undefined && from !== index) events.emitMoved({ symbol: route.symbol, from: label(from), to: label(index), reason, detail });
    reconcile(route);
    // The probe's newest quote, if it is newer than what the watchers have: the move shows at once.
    const last = lane(route, index).last;
    if (last && route.active === index) deliver(route, last);
  };

  /** Serves the symbol from the first usable candidate, or starts (the count to) an outage. */
  const select = (route: Route, reason: MoveReason, detail: string): void => {
    if (route.final) return;
    const index = route.lanes.findIndex((_, candidate) => usable(route, candidate));
    if (index >= 0) {
      if (index !== route.active) moveTo(route, index, reason, detail);
      return;
    }
    if (route.active !== undefined) route.served = route.active;
    route.active = undefined;
    cancelGrace(route);
    reconcile(route);
    // Starting the probes may have settled the symbol or brought a tick; else count to an outage.
    if (route.final || route.outage || route.outageTimer || route.active !== undefined) return;
    const since = route.unservedSince ?? clock.now();
    route.unservedSince = since;
    const wait = since + graceMs - clock.now();
    if (wait <= 0) declareOutage(route);
    else
      route.outageTimer = clock.setTimer(() => {
        route.outageTimer = undefined;
        if (route.active === undefined && !route.final) declareOutage(route);
      }, wait);
  };

  const declareOutage = (route: Route): void => {
    const error = new MarketError(ErrorCode.PROVIDER_UNAVAILABLE, `No provider can stream "${route.symbol}" right now; retrying.`, { symbol: route.symbol });
    route.outage = { error, since: clock.now() };
    events.emitUnavailable({ symbol: route.symbol, candidates: chain.length });
    for (const watcher of [...route.watchers]) watcher.onError(error);
  };

  const deliver = (route: Route, quote: Quote): void => {
    const at = quote.timestamp.getTime();
    if (at < route.newest) return;
    route.newest = at;
    route.last = quote;
    if (route.outage) {
      events.emitRecovered({ symbol: route.symbol, source: label(route.active as number), outageMs: clock.now() - route.outage.since });
      route.outage = undefined;
    }
    for (const watcher of [...route.watchers]) watcher.onTick(quote);
  };

  const laneTick = (route: Route, index: number, quote: Quote): void => {
    const target = lane(route, index);
    target.last = quote;
    // A tick is proof the feed works, whatever its health said: during an outage it ends it.
    if (route.active === undefined) moveTo(route, index, 'restored', 'tick');
    else if (index === route.active) {
      target.retryMs = retryBaseMs;
      deliver(route, quote);
    }
  };

  const laneError = (route: Route, index: number, error: Error): void => {
    const serving = route.active === undefined || index === route.active;
    if (serving && isNotFound(error)) return settle(route, error);
    const target = lane(route, index);
    target.failed = true;
    stopLane(target);
    target.retry?.cancel();
    const wait = target.retryMs;
    target.retryMs = Math.min(retryMaxMs, target.retryMs * 2);
    target.retry = clock.setTimer(() => retry(route, index), wait);
    if (index === route.active) {
      route.unservedSince = clock.now();
      select(route, 'failed', codeOf(error));
    }
  };

  const retry = (route: Route, index: number): void => {
    const target = lane(route, index);
    target.retry = undefined;
    target.failed = false;
    if (route.active === undefined) select(route, 'restored', 'retry');
    else if (index < route.active) {
      reconcile(route);
      armRecovery(route, index);
    }
    // A later candidate is left stopped: it is there again should the serving one fail.
  };

  const armRecovery = (route: Route, index: number): void => {
    const target = lane(route, index);
    if (route.active === undefined || index >= route.active || target.failed || !target.run || healthDown(index)) return;
    target.recovery?.cancel();
    target.recovery = clock.setTimer(() => {
      target.recovery = undefined;
      if (route.active !== undefined && index < route.active && target.run && usable(route, index)) moveTo(route, index, 'preferred', 'healthy again');
    }, recoverMs);
  };

  const settle = (route: Route, error: Error): void => {
    route.final = error;
    route.active = undefined;
    clearTimers(route);
    for (const target of route.lanes) stopLane(target);
    for (const watcher of [...route.watchers]) watcher.onError(error);
  };

  const onHealth = (index: number, change: SourceHealthChange): void => {
    for (const route of [...routes.values()]) {
      if (route.final) continue;
      if (change.down) {
        lane(route, index).recovery?.cancel();
        lane(route, index).recovery = undefined;
        if (index !== route.active || route.grace) continue;
        const since = clock.now();
        const timer = clock.setTimer(() => {
          route.grace = undefined;
          route.unservedSince = since;
          select(route, 'feed-down', change.reason);
        }, graceMs);
        route.grace = { timer, since };
      } else if (index === route.active) {
        cancelGrace(route);
      } else if (route.active === undefined) select(route, 'restored', change.reason);
      else if (index < route.active) {
        reconcile(route);
        armRecovery(route, index);
      }
    }
  };

  const teardown = (route: Route): void => {
    if (routes.get(route.symbol) === route) routes.delete(route.symbol);
    // Marks it settled, so a timer or callback already on its way finds nothing to do.
    route.final ??= new Error('closed');
    clearTimers(route);
    for (const target of route.lanes) stopLane(target);
    if (routes.size === 0) for (const subscription of healthSubscriptions.splice(0)) subscription.dispose();
  };

  return {
    events,
    start(symbol, onTick, onError) {
      const watcher: Watcher = { onTick, onError };
      let route = routes.get(symbol);
      if (route) {
        route.watchers.add(watcher);
        const known = route;
        // After `start` returns, so the caller holds its stop function when it hears.
        queueMicrotask(() => {
          if (!known.watchers.has(watcher)) return;
          const error = known.final ?? known.outage?.error;
          if (error) onError(error);
          else if (known.last) onTick(known.last);
        });
      } else {
        if (routes.size === 0) healthSubscriptions = chain.flatMap((candidate, index) => (candidate.health ? [candidate.health.onChange((change) => onHealth(index, change))] : []));
        const created = newRoute(symbol, watcher, chain.length, retryBaseMs);
        route = created;
        routes.set(symbol, created);
        select(created, 'restored', 'start');
      }
      const owned = route;
      return () => {
        if (!owned.watchers.delete(watcher) || owned.watchers.size > 0) return;
        teardown(owned);
      };
    },
    close() {
      for (const route of [...routes.values()]) teardown(route);
    },
  };
}
