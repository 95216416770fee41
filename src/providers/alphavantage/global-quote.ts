import { z } from 'zod';
import type { Quote } from '../../domain/index.js';
import type { BatchFetcher } from '../adapter.js';
import { inTurn, oneSymbolPerCall } from '../kit/per-symbol.js';
import { optionalNumber, requiredNumber } from '../parse.js';
import type { AlphaVantageCall, AlphaVantageClient } from './client.js';
import { toQuote } from './quote-model.js';
import { toProviderSymbol } from './symbols.js';
import { closeOf, isIsoDate } from './time.js';

/** `{"Global Quote": {...}}`; an unknown symbol gets `{"Global Quote": {}}`. */
const EnvelopeSchema = z.object({ 'Global Quote': z.record(z.string(), z.unknown()) });

const GlobalQuoteSchema = z.object({
  '02. open': optionalNumber,
  '03. high': optionalNumber,
  '04. low': optionalNumber,
  '05. price': requiredNumber,
  '06. volume': optionalNumber,
  '07. latest trading day': z.string().refine(isIsoDate, 'expected YYYY-MM-DD'),
  '08. previous close': optionalNumber,
  '09. change': optionalNumber,
  '10. change percent': optionalNumber,
});

/**
 * Quotes through GLOBAL_QUOTE, one symbol per call. It gives only the trading day, not a time:
 * the price is that day's close (16:00 New York) unless the day is still under way, in which case
 * it can be no later than now.
 */
export function createGlobalQuoteFetcher(client: AlphaVantageClient): BatchFetcher<Quote> {
  return oneSymbolPerCall(inTurn, async (symbol, signal) => {
    const call: AlphaVantageCall = { function: 'GLOBAL_QUOTE', params: { symbol: toProviderSymbol(symbol) }, symbol };
    const body = await client.query(call, signal);
    const fields = client.parse(EnvelopeSchema, body, call)['Global Quote'];
    if (Object.keys(fields).length === 0) throw client.notFound(call, 'unknown symbol');
    const row = client.parse(GlobalQuoteSchema, fields, call);
    const timestamp = new Date(Math.min(closeOf(row['07. latest trading day']).getTime(), client.now));
    const quote = toQuote(
      symbol,
      {
        price: row['05. price'],
        open: row['02. open'],
        high: row['03. high'],
        low: row['04. low'],
        previousClose: row['08. previous close'],
        volume: row['06. volume'],
        change: row['09. change'],
        changePercent: row['10. change percent'],
      },
      timestamp,
      timestamp,
    );
    if (typeof quote === 'string') throw client.badResponse(call, quote);
    return quote;
  });
}
