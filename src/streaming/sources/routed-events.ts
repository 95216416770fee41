import { eventHub, type EventHub } from '../../providers/kit/event-hub.js';

/**
 * What the routed source (routed-source.ts) tells the world, as typed events in the manner of the
 * stream kit's (providers/kit/stream-events.ts): metrics and logs subscribe, routing never waits on
 * them. Candidates are named by their label (the provider id unless the chain says otherwise).
 */

/** Why a symbol changed candidate. */
export type MoveReason =
  /** The candidate reported an error for the symbol (outage, timeout, rate limit or symbol cap, refused key). */
  | 'failed'
  /** The candidate's feed was down for longer than the grace. */
  | 'feed-down'
  /** An earlier candidate in the chain had been healthy for the recovery period: the symbol went back. */
  | 'preferred'
  /** During an outage, a candidate could serve again. */
  | 'restored';

export interface SymbolMoved {
  readonly symbol: string;
  readonly from: string;
  readonly to: string;
  readonly reason: MoveReason;
  /** The error code or the health change behind the move ("RATE_LIMITED", "finnhub#1 reconnecting"). */
  readonly detail: string;
}

export interface SymbolUnavailable {
  readonly symbol: string;
  /** Candidates in the chain, every one of which failed or is down. */
  readonly candidates: number;
}

export interface SymbolRecovered {
  readonly symbol: string;
  /** The candidate whose tick ended the outage. */
  readonly source: string;
  /** From the outage being declared to that tick, on the source's clock. */
  readonly outageMs: number;
}

/** What a routed source tells, one per field: `on<Name>` to listen, `emit<Name>` to tell (kit/event-hub.ts). */
export interface RoutedEventMap {
  /** A symbol changed candidate; its watchers see only the `source` of the next tick change. */
  readonly moved: SymbolMoved;
  /** No candidate could serve a symbol for the grace: its watchers were sent one error. */
  readonly unavailable: SymbolUnavailable;
  /** The first tick after an outage reached the symbol's watchers. */
  readonly recovered: SymbolRecovered;
}

export type RoutedSourceEvents = EventHub<RoutedEventMap>;

export function createRoutedEvents(): RoutedSourceEvents {
  return eventHub<RoutedEventMap>({ moved: true, unavailable: true, recovered: true });
}
