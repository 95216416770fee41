import { z } from 'zod';
import { optionalNumber, requiredNumber } from '../parse.js';
import type { ProviderStream } from '../kit/stream-adapter.js';
import { epochMs, keyInQuery, messagesOf, type StreamMessage, type StreamProtocol } from '../kit/stream-protocol.js';

/**
 * Twelve Data's real-time prices (https://twelvedata.com/docs#real-time-price-websocket; the
 * support article "How to stream the data"; github.com/twelvedata/twelvedata-python websocket.py):
 *
 *   connect    wss://ws.twelvedata.com/v1/quotes/price?apikey=KEY
 *   send       {"action":"subscribe","params":{"symbols":"AAPL,MSFT"}} / "unsubscribe"
 *              {"action":"heartbeat"} every 10 s: the client keeps the connection alive
 *   receive    {"event":"subscribe-status","status":"ok"|"error","success":[{"symbol":…}],"fails":[{"symbol":…}]}
 *              {"event":"price","symbol":"AAPL","price":189.5,"timestamp":1700000000 (s),"day_volume":…}
 *              {"event":"heartbeat","status":"ok"}
 *
 * A key is limited to 3 connections (older ones are closed); symbols per connection are the plan's
 * WebSocket credits (8 trial symbols on Basic), so the default cap is 8.
 */

const SymbolRef = z.object({ symbol: z.string() });

const FrameSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('price'), symbol: z.string().min(1), price: requiredNumber, timestamp: requiredNumber, day_volume: optionalNumber }),
  z.object({
    event: z.literal('subscribe-status'),
    status: z.string(),
    success: z.array(SymbolRef).nullish(),
    fails: z.array(SymbolRef).nullish(),
    messages: z.array(z.string()).nullish(),
    message: z.string().nullish(),
  }),
  z.object({ event: z.enum(['heartbeat', 'unsubscribe-status', 'reset-status']) }),
  // An error about the connection itself: the only place a bad key can be told once the socket is open.
  z.object({ event: z.literal('error'), message: z.string().nullish(), status: z.string().nullish() }),
]);

const KEY_WORDS = /api ?key|apikey|unauthori[sz]ed|invalid key/i;

export const twelveDataProtocol: StreamProtocol = {
  url: keyInQuery('apikey'),
  authentication: 'url',
  greeting: () => [],
  subscribe: (symbols) => [JSON.stringify({ action: 'subscribe', params: { symbols: symbols.join(',') } })],
  unsubscribe: (symbols) => [JSON.stringify({ action: 'unsubscribe', params: { symbols: symbols.join(',') } })],
  heartbeat: { everyMs: 10_000, frame: JSON.stringify({ action: 'heartbeat' }) },
  keepsAlive: true,
  parse: messagesOf(FrameSchema, (message): StreamMessage[] => {
    switch (message.event) {
      case 'price':
        return [{ kind: 'ticks', ticks: [{ symbol: message.symbol.toUpperCase(), price: message.price, timestamp: epochMs(message.timestamp), dayVolume: message.day_volume }] }];
      case 'subscribe-status': {
        const words = [message.message ?? '', ...(message.messages ?? [])].join('; ');
        if (message.status === 'error' && KEY_WORDS.test(words)) return [{ kind: 'refused', reason: words }];
        const failed = (message.fails ?? []).map((item) => item.symbol.toUpperCase());
        return failed.length > 0 ? [{ kind: 'symbols-failed', symbols: failed, reason: 'Twelve Data refused the subscription (unknown symbol or not in the plan)' }] : [{ kind: 'control' }];
      }
      case 'error':
        return KEY_WORDS.test(message.message ?? '') ? [{ kind: 'refused', reason: message.message ?? 'error' }] : [{ kind: 'control' }];
      default:
        return [{ kind: 'control' }];
    }
  }),
};

export const twelveDataStream: ProviderStream = { protocol: twelveDataProtocol, defaultSymbolCap: 8 };
