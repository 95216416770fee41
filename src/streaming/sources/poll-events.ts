import { eventHub, type EventHub } from '../../providers/kit/event-hub.js';
import type { Quote } from '../../domain/index.js';

/**
 * What a polling feed tells the world, as typed events in the manner of the stream kit's
 * (src/providers/kit/stream-events.ts): metrics and logs subscribe, the feed never calls them.
 * A feed is named by its provider; keys never appear.
 */

export interface PollRef {
  readonly provider: string;
}

/** The feed's pace changed: symbols came or went, or the last one left (symbols 0, no timer). */
export interface PollSchedule extends PollRef {
  /** Symbols polled now (watched and not refused as unknown). */
  readonly symbols: number;
  /** Upstream calls one poll makes. */
  readonly calls: number;
  /** From the start of one poll to the start of the next; undefined while idle. */
  readonly intervalMs: number | undefined;
}

/** One poll ended. */
export interface PollDone extends PollRef {
  readonly symbols: number;
  /** Calls made (a call refused as RATE_LIMITED counts; those skipped after it do not). */
  readonly calls: number;
  readonly failedCalls: number;
  /** Quotes emitted: changed since the last one delivered for their symbol. */
  readonly changed: number;
  readonly durationMs: number;
}

/** A quote that changed and went to its watchers. */
export interface PollChanged extends PollRef {
  readonly symbol: string;
  readonly quote: Quote;
}

/** A call failed, or its symbols were left unasked after a RATE_LIMITED; the feed goes on. */
export interface PollFailure extends PollRef {
  readonly symbols: readonly string[];
  /** The provider failure kind (RATE_LIMITED, UNAVAILABLE, …), or the error's name. */
  readonly kind: string;
  /** The error's message (already free of keys: the HTTP client redacts them). */
  readonly reason: string;
  /** When a RATE_LIMITED named one: the next poll waits at least this long. */
  readonly retryAfterMs: number | undefined;
}

/** What a polling feed tells, one per field: `on<Name>` to listen, `emit<Name>` to tell (kit/event-hub.ts). */
export interface PollEventMap {
  /** The interval was recomputed (or the feed went idle). */
  readonly schedule: PollSchedule;
  /** A poll ended, whatever its calls answered. */
  readonly poll: PollDone;
  /** A changed quote was delivered. */
  readonly changed: PollChanged;
  /** A call failed (every failure, not only the first of an outage that watchers hear about). */
  readonly failure: PollFailure;
}

export type PollEvents = EventHub<PollEventMap>;

export function createPollEvents(): PollEvents {
  return eventHub<PollEventMap>({ schedule: true, poll: true, changed: true, failure: true });
}
