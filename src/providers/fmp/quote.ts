import { QuoteSchema, type Quote } from '../../domain/index.js';
import type { BatchFetcher } from '../adapter.js';
import { dayChange, positiveOrNull, wholeVolumeOrNull } from '../kit/quote-figures.js';
import { answerEach, batchFetcher } from './batch.js';
import { PROVIDER_ID, type FmpClient } from './client.js';
import { toFmpSymbol } from './symbols.js';
import type { FmpApi, FmpQuote } from './wire.js';

/**
 * Quotes: `/stable/quote?symbol=` one symbol a call, `/stable/batch-quote?symbols=A,B` on plans
 * that have it, or `/api/v3/quote/A,B`. A quote without a price is not a quote (the row schema
 * fails it); the rest of FMP's fields may be missing.
 */
export function createQuoteFetcher(client: FmpClient, api: FmpApi): BatchFetcher<Quote> {
  return batchFetcher(api.quoteBatchSize, async (symbols, options) => {
    const body = await client.get(api.quote(symbols.map(toFmpSymbol)), `quote ${symbols.join(',')}`, options);
    const now = new Date();
    return answerEach(client, symbols, body, api.quoteRow, (symbol, row) => client.checked(QuoteSchema, toQuote(symbol, row, now), `quote ${symbol}`), 'quote');
  });
}

export function toQuote(symbol: string, row: FmpQuote, now: Date): Quote {
  const previousClose = positiveOrNull(row.previousClose);
  // FMP has sent quotes without `change` for thinly traded symbols; it follows from the previous
  // close. Without either it is NaN, which the domain check turns into BAD_RESPONSE for this symbol.
  const derived = dayChange(row.price, previousClose, row, 6);
  const change = derived.change ?? Number.NaN;
  const changePercent = derived.changePercent ?? Number.NaN;
  const timestamp = row.timestamp === null || row.timestamp <= 0 ? now : new Date(toMilliseconds(row.timestamp));
  return {
    symbol,
    price: row.price,
    change,
    changePercent,
    // FMP writes 0 for a session value it does not have (before the open, on a halted symbol).
    open: positiveOrNull(row.open),
    high: positiveOrNull(row.high),
    low: positiveOrNull(row.low),
    previousClose,
    volume: wholeVolumeOrNull(row.volume),
    timestamp,
    source: PROVIDER_ID,
    asOf: timestamp,
    stale: false,
  };
}


/** FMP's quote timestamps are Unix seconds; a few of its endpoints use milliseconds. */
function toMilliseconds(timestamp: number): number {
  return timestamp > 1e11 ? timestamp : timestamp * 1000;
}
