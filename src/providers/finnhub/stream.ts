import { z } from 'zod';
import { optionalNumber, requiredNumber } from '../parse.js';
import type { ProviderStream } from '../kit/stream-adapter.js';
import { epochMs, keyInQuery, messagesOf, type StreamMessage, type StreamProtocol } from '../kit/stream-protocol.js';

/**
 * Finnhub's trades feed (https://finnhub.io/docs/api/websocket-trades):
 *
 *   connect    wss://ws.finnhub.io?token=KEY (a bad key is refused at the upgrade: HTTP 401)
 *   send       {"type":"subscribe","symbol":"AAPL"} / {"type":"unsubscribe","symbol":"AAPL"}, one per symbol
 *   receive    {"type":"trade","data":[{"s":"AAPL","p":189.5,"t":1700000000000,"v":100,"c":["1","12"]}, …]}
 *              several trades per frame, any symbols, t in Unix ms; v 0 marks a price update (no trade)
 *              {"type":"ping"} on an idle connection; {"type":"error","msg":"…"} for a refused request
 *
 * The free plan streams up to 50 symbols per key on one connection.
 */

const TradeSchema = z.object({
  s: z.string().min(1),
  p: requiredNumber,
  t: requiredNumber,
  // A price update (v: 0) moves the price as a trade does; the size is not used either way.
  v: optionalNumber,
  c: z.array(z.string()).nullish(),
});

const FrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('trade'), data: z.array(TradeSchema) }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('error'), msg: z.string().optional() }),
]);

export const finnhubProtocol: StreamProtocol = {
  keepsAlive: true,
  url: keyInQuery('token'),
  authentication: 'url',
  greeting: () => [],
  subscribe: (symbols) => symbols.map((symbol) => JSON.stringify({ type: 'subscribe', symbol })),
  unsubscribe: (symbols) => symbols.map((symbol) => JSON.stringify({ type: 'unsubscribe', symbol })),
  parse: messagesOf(FrameSchema, (message): StreamMessage[] => {
    switch (message.type) {
      case 'trade':
        return [{ kind: 'ticks', ticks: message.data.map((trade) => ({ symbol: trade.s.toUpperCase(), price: trade.p, timestamp: epochMs(trade.t) })) }];
      case 'ping':
        return [{ kind: 'control' }];
      case 'error':
        // Finnhub names no symbol in its errors ("Subscribing to too many symbols"), so none can be failed alone.
        return [{ kind: 'control' }];
    }
  }),
};

export const finnhubStream: ProviderStream = { protocol: finnhubProtocol, defaultSymbolCap: 50 };
