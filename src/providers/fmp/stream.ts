import { z } from 'zod';
import { optionalNumber } from '../parse.js';
import type { ProviderStream } from '../kit/stream-adapter.js';
import { epochMs, readFrame, readItems, type StreamMessage, type StreamProtocol, type Tick } from '../kit/stream-protocol.js';

/**
 * FMP's stock WebSocket (https://site.financialmodelingprep.com/developer/docs/websocket-api;
 * Professional and Enterprise plans):
 *
 *   connect    wss://websockets.financialmodelingprep.com
 *   send       {"event":"login","data":{"apiKey":"KEY"}}
 *   receive    {"event":"login","status":200,"message":"Authenticated"} (401 when refused; the
 *              status field is observed in clients, not in FMP's page)
 *   send       {"event":"subscribe","data":{"ticker":["aapl","msft"]}} / "unsubscribe", lower case
 *   receive    {"s":"aapl","t":…,"type":"T"|"Q"|"B","lp","ls","ap","as","bp","bs"}: T last trade,
 *              Q top of book, B trade break; t seen in nanoseconds
 *
 * Only T moves the price: a quote update is a bid and an ask, not a trade, and a break cancels one.
 */

const DataSchema = z.object({ s: z.string().min(1), t: z.number(), type: z.string(), lp: optionalNumber });
const EventSchema = z.object({ event: z.string(), status: z.union([z.number(), z.string()]).optional(), message: z.string().optional() });
const ItemSchema = z.union([DataSchema, EventSchema]);

export const fmpProtocol: StreamProtocol = {
  url: (base) => base,
  authentication: 'message',
  greeting: (key) => [JSON.stringify({ event: 'login', data: { apiKey: key } })],
  subscribe: (symbols) => [JSON.stringify({ event: 'subscribe', data: { ticker: symbols.map((symbol) => symbol.toLowerCase()) } })],
  unsubscribe: (symbols) => [JSON.stringify({ event: 'unsubscribe', data: { ticker: symbols.map((symbol) => symbol.toLowerCase()) } })],
  parse(frame): StreamMessage[] {
    const read = readFrame(z.unknown(), frame);
    if (!read.ok) return [read.message];
    const json = read.value;
    return readItems(Array.isArray(json) ? json : [json], ItemSchema, (value): Tick | StreamMessage => {
      if ('event' in value) return eventMessage(value);
      if (value.type === 'T' && value.lp !== null) return { symbol: value.s.toUpperCase(), price: value.lp, timestamp: epochMs(value.t) };
      return { kind: 'control' };
    });
  },
};

function eventMessage(event: z.infer<typeof EventSchema>): StreamMessage {
  if (event.event !== 'login') return { kind: 'control' };
  const status = Number(event.status);
  if (status === 200) return { kind: 'authenticated' };
  return { kind: 'refused', reason: `login ${event.status ?? '?'}: ${event.message ?? ''}` };
}

/** FMP documents no cap on tickers per connection. */
export const fmpStream: ProviderStream = { protocol: fmpProtocol, defaultSymbolCap: 1_000 };
