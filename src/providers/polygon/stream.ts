import { z } from 'zod';
import { optionalNumber, requiredNumber } from '../parse.js';
import type { ProviderStream } from '../kit/stream-adapter.js';
import { epochMs, readFrame, readItems, type StreamMessage, type StreamProtocol, type Tick } from '../kit/stream-protocol.js';

/**
 * Polygon's (Massive's) stocks feed (https://massive.com/docs/websocket/stocks/trades and
 * …/aggregates-per-second; github.com/polygon-io/client-js src/websockets/stocks):
 *
 *   connect    wss://socket.polygon.io/stocks (real time) or wss://delayed.polygon.io/stocks (15 min);
 *              the Massive names socket.massive.com / delayed.massive.com answer the same
 *   receive    [{"ev":"status","status":"connected","message":"Connected Successfully"}]
 *   send       {"action":"auth","params":"KEY"}
 *   receive    [{"ev":"status","status":"auth_success",…}] or "auth_failed" (older servers: "error",
 *              "authentication failed"; a plan without the cluster: "not authorized")
 *   send       {"action":"subscribe","params":"T.AAPL,A.AAPL"} / unsubscribe, comma-separated channels
 *   receive    arrays of events: T trades {sym,p,s,t (ms)}; A/AM aggregates {sym,c,o,h,l,v,av
 *              (day volume),op (day open),s,e (ms)}; status events
 *
 * One connection per cluster per account; no documented cap on tickers per connection.
 */

const StatusSchema = z.object({ ev: z.literal('status'), status: z.string(), message: z.string().optional() });
const TradeSchema = z.object({ ev: z.literal('T'), sym: z.string().min(1), p: requiredNumber, t: requiredNumber });
const AggregateSchema = z.object({
  ev: z.enum(['A', 'AM']),
  sym: z.string().min(1),
  c: requiredNumber,
  e: requiredNumber,
  av: optionalNumber,
  op: optionalNumber,
});
const KNOWN = new Set(['status', 'T', 'A', 'AM']);
/** Events of channels we never subscribe to (Q quotes, LULD, …) pass as proof of life; ours must fit their schema. */
const OtherSchema = z.object({ ev: z.string().refine((ev) => !KNOWN.has(ev), 'event of a known channel out of its format') });
const EventSchema = z.union([StatusSchema, TradeSchema, AggregateSchema, OtherSchema]);

const REFUSAL_WORDS = /auth|not authori[sz]ed/i;

function channels(symbols: readonly string[]): string {
  return symbols.flatMap((symbol) => [`T.${symbol}`, `A.${symbol}`]).join(',');
}

export const polygonProtocol: StreamProtocol = {
  url: (base) => base,
  authentication: 'message',
  greeting: (key) => [JSON.stringify({ action: 'auth', params: key })],
  subscribe: (symbols) => [JSON.stringify({ action: 'subscribe', params: channels(symbols) })],
  unsubscribe: (symbols) => [JSON.stringify({ action: 'unsubscribe', params: channels(symbols) })],
  parse(frame): StreamMessage[] {
    const read = readFrame(z.unknown(), frame);
    if (!read.ok) return [read.message];
    const json = read.value;
    if (!Array.isArray(json)) return [{ kind: 'malformed', reason: 'expected an array of events' }];
    return readItems(json, EventSchema, (event): Tick | StreamMessage => {
      if ('sym' in event && event.ev === 'T' && 'p' in event) return { symbol: event.sym.toUpperCase(), price: event.p, timestamp: epochMs(event.t) };
      if ('sym' in event && 'c' in event) return { symbol: event.sym.toUpperCase(), price: event.c, timestamp: epochMs(event.e), dayVolume: event.av, open: event.op };
      if ('status' in event) return statusMessage(event.status, event.message ?? '');
      return { kind: 'control' };
    });
  },
};

function statusMessage(status: string, message: string): StreamMessage {
  if (status === 'auth_success') return { kind: 'authenticated' };
  if (status === 'auth_failed' || (status === 'error' && REFUSAL_WORDS.test(message))) return { kind: 'refused', reason: `${status}: ${message}` };
  // connected, success ("subscribed to: T.AAPL"), max_connections (the server then closes: redialled with backoff).
  return { kind: 'control' };
}

/** No documented ticker cap; a thousand keeps one runaway from subscribing the whole market. */
export const polygonStream: ProviderStream = { protocol: polygonProtocol, defaultSymbolCap: 1_000 };
