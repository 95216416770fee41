import { ErrorCode, MarketError, ProviderError, ProviderFailureKind, type Quote } from '../../domain/index.js';
import type { TickWatcher } from '../../providers/adapter.js';
import type { StreamTimer } from '../../providers/kit/stream-clock.js';

/** The state the routed source (routed-source.ts) keeps per watched symbol, and its plain helpers. */

/** A watcher of one routed symbol. */
export type Watcher = TickWatcher;

/** One start of a candidate's feed for a symbol; callbacks of an older run are ignored. */
export interface Run {
  stop: (() => void) | undefined;
}

/** One candidate's side of one symbol. */
export interface Lane {
  run: Run | undefined;
  /** Reported an error for the symbol: stopped until `retry` fires. */
  failed: boolean;
  retry: StreamTimer | undefined;
  retryMs: number;
  recovery: StreamTimer | undefined;
  /** Its newest quote, served at once if the symbol moves to it. */
  last: Quote | undefined;
}

export interface Route {
  readonly symbol: string;
  readonly watchers: Set<Watcher>;
  readonly lanes: Lane[];
  /** The candidate whose ticks go to watchers; undefined while none can serve. */
  active: number | undefined;
  /** The last candidate that served, named in the event when an outage ends. */
  served: number | undefined;
  /** The active candidate's feed is down; when this fires the symbol moves. */
  grace: { timer: StreamTimer; since: number } | undefined;
  /** The symbol has had no candidate since; its watchers hear of it at `graceMs` past this. */
  unservedSince: number | undefined;
  outageTimer: StreamTimer | undefined;
  outage: { readonly error: MarketError; readonly since: number } | undefined;
  /** Timestamp of the newest quote delivered: nothing older is ever sent, whichever candidate it comes from. */
  newest: number;
  last: Quote | undefined;
  /** A NOT_FOUND: the symbol's answer; no feed runs and no retry happens. */
  final: Error | undefined;
}

export function newRoute(symbol: string, watcher: Watcher, candidates: number, retryMs: number): Route {
  return {
    symbol,
    watchers: new Set([watcher]),
    lanes: Array.from({ length: candidates }, () => ({ run: undefined, failed: false, retry: undefined, retryMs, recovery: undefined, last: undefined })),
    active: undefined,
    served: undefined,
    grace: undefined,
    unservedSince: undefined,
    outageTimer: undefined,
    outage: undefined,
    newest: Number.NEGATIVE_INFINITY,
    last: undefined,
    final: undefined,
  };
}

/** The serving feed is up again, or the symbol has moved: its grace is over. */
export function cancelGrace(route: Route): void {
  route.grace?.timer.cancel();
  route.grace = undefined;
}

/** Cancels every timer of a route (grace, outage, each lane's retry and recovery). */
export function clearTimers(route: Route): void {
  cancelGrace(route);
  route.outageTimer?.cancel();
  route.outageTimer = undefined;
  for (const target of route.lanes) {
    target.retry?.cancel();
    target.retry = undefined;
    target.recovery?.cancel();
    target.recovery = undefined;
  }
}

/** A NOT_FOUND, in the provider's words or ours: an answer about the symbol, not the provider. */
export function isNotFound(error: Error): boolean {
  if (error instanceof ProviderError) return error.kind === ProviderFailureKind.NOT_FOUND;
  return error instanceof MarketError && error.code === ErrorCode.NOT_FOUND;
}

/** The failure kind or code an event names (never the message, which may carry upstream words). */
export function codeOf(error: Error): string {
  if (error instanceof ProviderError) return error.kind;
  if (error instanceof MarketError) return error.code;
  return error.name;
}
