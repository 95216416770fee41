import type { z } from 'zod';
import { describeIssues } from './payload.js';

/**
 * What differs from one provider's streaming protocol to the next, and nothing else: the URL, the
 * handshake, the subscribe and unsubscribe messages, and how a frame reads. The connection
 * (reconnects, silence, resubscription) and the multiplexing of symbols over it are the kit's.
 */

/** One price observation, in canonical symbols, before it becomes a domain Quote. */
export interface Tick {
  /** Canonical (upper-case) symbol, as the gateway names it. */
  readonly symbol: string;
  readonly price: number;
  /** Epoch milliseconds of the trade or update the price reflects. */
  readonly timestamp: number;
  /** The day's volume so far, where the frame carries it (Polygon aggregates, Twelve Data). */
  readonly dayVolume?: number | null;
  /** The day's official open, where the frame carries it (Polygon aggregates). */
  readonly open?: number | null;
}

/** What one frame meant. A frame may carry several events (Polygon sends arrays). */
export type StreamMessage =
  | { readonly kind: 'ticks'; readonly ticks: readonly Tick[] }
  /** The key was accepted: subscriptions may be sent now. */
  | { readonly kind: 'authenticated' }
  /** The key was refused: the connection must not be redialled at once. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** The provider will not stream these symbols (unknown, or not in the plan); the rest stand. */
  | { readonly kind: 'symbols-failed'; readonly symbols: readonly string[]; readonly reason: string }
  /** Heartbeats, greetings, acknowledgements: proof of life and nothing more. */
  | { readonly kind: 'control' }
  /** Not in the documented format: counted and skipped. */
  | { readonly kind: 'malformed'; readonly reason: string };

export interface StreamProtocol {
  /** Where to connect with `key`; a provider that takes the key in the query (Finnhub, Twelve Data) puts it there. */
  url(base: string, key: string): string;
  /**
   * How the key is checked: `url` when the upgrade itself carries it (a refused key is an HTTP 401
   * on the upgrade, and an open socket is an authenticated one), `message` when it goes in a frame
   * after the upgrade and the provider answers (Polygon's `auth`, FMP's `login`).
   */
  readonly authentication: 'url' | 'message';
  /** Frames to send as soon as the socket opens (the `auth` or `login` message). */
  greeting(key: string): readonly string[];
  /** Frames subscribing canonical symbols; one or several, as the provider wants them. */
  subscribe(symbols: readonly string[]): readonly string[];
  unsubscribe(symbols: readonly string[]): readonly string[];
  /** What a frame says; must never throw. */
  parse(frame: string): readonly StreamMessage[];
  /** A frame the client must send on a period to keep the connection (Twelve Data: every 10 s). */
  readonly heartbeat?: { readonly everyMs: number; readonly frame: string };
  /**
   * The server sends frames of its own on a period whatever the market does (Finnhub's pings,
   * Twelve Data's answers to our heartbeats): silence means a dead connection at any hour. Absent:
   * the feed may be quiet between trades, so silence counts only in the feed's hours.
   */
  readonly keepsAlive?: boolean;
}

/**
 * A frame read as JSON through its schema: the value, or the malformed message naming why. Never
 * the frame's text: it may carry a key echoed back.
 */
export function readFrame<S extends z.ZodType>(schema: S, frame: string): { readonly ok: true; readonly value: z.output<S> } | { readonly ok: false; readonly message: StreamMessage } {
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return { ok: false, message: { kind: 'malformed', reason: 'not JSON' } };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, message: { kind: 'malformed', reason: describeIssues(parsed.error, 1) } };
  return { ok: true, value: parsed.data };
}

/** A protocol's `parse` where a frame is one JSON message of `schema`: what `read` makes of it, or the malformed message. */
export function messagesOf<S extends z.ZodType>(schema: S, read: (message: z.output<S>) => StreamMessage[]): (frame: string) => StreamMessage[] {
  return (frame) => {
    const parsed = readFrame(schema, frame);
    return parsed.ok ? read(parsed.value) : [parsed.message];
  };
}

/** A feed URL that carries the key as the query parameter `name` (Finnhub's `token`, Twelve Data's `apikey`). */
export function keyInQuery(name: string): (base: string, key: string) => string {
  return (base, key) => {
    const url = new URL(base);
    url.searchParams.set(name, key);
    return url.toString();
  };
}

/**
 * A frame of several items (Polygon's event arrays, FMP's batches): each read with `schema`, then
 * by `read` into a tick or a message. One bad item does not sink its neighbours: they are read,
 * and the frame is counted malformed once, naming the first problem.
 */
export function readItems<S extends z.ZodType>(items: readonly unknown[], schema: S, read: (item: z.output<S>) => Tick | StreamMessage): StreamMessage[] {
  const messages: StreamMessage[] = [];
  const ticks: Tick[] = [];
  let malformed: string | undefined;
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      malformed ??= describeIssues(parsed.error, 1);
      continue;
    }
    const outcome = read(parsed.data);
    if ('kind' in outcome) messages.push(outcome);
    else ticks.push(outcome);
  }
  if (ticks.length > 0) messages.push({ kind: 'ticks', ticks });
  if (malformed !== undefined) messages.push({ kind: 'malformed', reason: malformed });
  return messages;
}

/**
 * Epoch milliseconds from a provider's timestamp, whatever its unit: seconds (Twelve Data),
 * milliseconds (Finnhub, Polygon) or nanoseconds (FMP's samples). Read by magnitude, which is
 * unambiguous for any instant between 1973 and 5138.
 */
export function epochMs(value: number): number {
  // Rounded, not floored: nanoseconds past 2^53 are not exact in a double (…002000000 reads …001999872).
  if (value >= 1e17) return Math.round(value / 1e6);
  if (value >= 1e14) return Math.round(value / 1e3);
  if (value >= 1e11) return Math.floor(value);
  return Math.floor(value * 1000);
}

/** The newest tick per symbol of a batch (a Finnhub frame carries many trades): later wins on a tie, as sent. */
export function newestPerSymbol(ticks: readonly Tick[]): Tick[] {
  const newest = new Map<string, Tick>();
  for (const tick of ticks) {
    const known = newest.get(tick.symbol);
    if (!known || tick.timestamp >= known.timestamp) newest.set(tick.symbol, tick);
  }
  return [...newest.values()];
}
