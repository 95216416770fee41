import { eventHub, type EventHub } from './event-hub.js';

/**
 * What an upstream stream connection tells the world, as typed events in the manner of cockatiel's
 * policies (`onBreak`, `onReset`, …): metrics and logs subscribe, the socket never calls them. A
 * connection is named by its provider and a label ("finnhub#1"), never by its key.
 */

/** The life of one upstream connection. */
export type StreamState =
  /** No symbol watched: no socket, no timer. */
  | 'idle'
  /** Dialling (the TCP/TLS/upgrade handshake). */
  | 'connecting'
  /** Upgraded; the provider's authentication, if it has one, is under way. */
  | 'open'
  /** Subscriptions may be sent. */
  | 'authenticated'
  /** Lost; a reconnect is scheduled after a backoff. */
  | 'reconnecting'
  /** The provider refused the key: no reconnect until the refusal cools down. */
  | 'refused'
  /** Closed for good (the source was closed). */
  | 'closed';

export interface StreamConnectionRef {
  readonly provider: string;
  /** "finnhub#1": the provider and the key's position in its list; never the key itself. */
  readonly connection: string;
}

export interface StreamStateChange extends StreamConnectionRef {
  readonly from: StreamState;
  readonly to: StreamState;
}

export interface StreamFrame extends StreamConnectionRef {
  /** Bytes of the frame as received. */
  readonly bytes: number;
}

export interface StreamMalformedFrame extends StreamConnectionRef {
  /** Why the frame was skipped (the first schema issue, or "not JSON"); never the frame itself, which may echo a key. */
  readonly reason: string;
  /** Malformed frames on this connection since it was created. */
  readonly total: number;
}

export interface StreamReconnect extends StreamConnectionRef {
  /** 1 for the first reconnect after a connection was lost. */
  readonly attempt: number;
  readonly delayMs: number;
  /** What ended the previous connection: "closed 1006", "silent for 30000 ms", "HTTP 502", … */
  readonly reason: string;
}

export interface StreamAuthRefused extends StreamConnectionRef {
  /** The provider's words or the upgrade status, redacted of the key. */
  readonly reason: string;
  /** When the key may be tried again (the source's clock), so an operator knows there is no storm. */
  readonly retryAt: number;
}

export interface StreamSymbols extends StreamConnectionRef {
  /** Symbols this connection carries now. */
  readonly symbols: number;
}

/** What a stream source tells, one per field: `on<Name>` to listen, `emit<Name>` to tell (kit/event-hub.ts). */
export interface StreamEventMap {
  /** A connection moved from one state to another. */
  readonly stateChange: StreamStateChange;
  /** A frame arrived (before parsing: heartbeats and garbage count too). */
  readonly frame: StreamFrame;
  /** A frame was skipped: not JSON, or not in the provider's documented format. */
  readonly malformedFrame: StreamMalformedFrame;
  /** A reconnect was scheduled. */
  readonly reconnect: StreamReconnect;
  /** The provider refused a key; the key is marked and its connection waits. */
  readonly authRefused: StreamAuthRefused;
  /** The number of symbols a connection carries changed. */
  readonly symbolsChange: StreamSymbols;
}

export type StreamEvents = EventHub<StreamEventMap>;

export function createStreamEvents(): StreamEvents {
  return eventHub<StreamEventMap>({ stateChange: true, frame: true, malformedFrame: true, reconnect: true, authRefused: true, symbolsChange: true });
}
