import { ProviderFailureKind, type Quote } from '../../domain/index.js';
import type { BatchFetcher } from '../adapter.js';
import { dayChange, positiveOrNull } from '../kit/quote-figures.js';
import type { RemoteContext } from '../kit/remote-context.js';
import { PROVIDER_ID, perSymbolFetcher } from './client.js';
import { QuoteSchema, type FinnhubQuote } from './schemas.js';

/** Quotes from `/quote?symbol=`: price, day range, previous close and change; Finnhub sends no volume. */
export function createQuoteFetcher(context: RemoteContext): BatchFetcher<Quote> {
  return perSymbolFetcher(context, { path: '/quote', label: 'quote', schema: QuoteSchema }, toQuote);
}

function toQuote(context: RemoteContext, symbol: string, raw: FinnhubQuote, what: string): Quote {
  // Finnhub's answer for a symbol it does not know is a quote of zeros (`c: 0`, `d`/`dp` null).
  if (raw.c <= 0) throw context.http.failure(ProviderFailureKind.NOT_FOUND, `${what}: unknown symbol (price 0)`);
  const previousClose = positiveOrNull(raw.pc);
  const { change, changePercent } = dayChange(raw.c, previousClose, { change: raw.d, changePercent: raw.dp }, 6);
  if (change === null || changePercent === null) {
    throw context.http.failure(ProviderFailureKind.BAD_RESPONSE, `${what}: no change and no previous close to derive it from`, JSON.stringify(raw));
  }
  const timestamp = raw.t !== null && raw.t > 0 ? new Date(raw.t * 1000) : new Date(context.now());
  return {
    symbol,
    price: raw.c,
    change,
    changePercent,
    // Zeros stand for "no trade yet" (before the open, or a thin listing), not for a price of zero.
    open: positiveOrNull(raw.o),
    high: positiveOrNull(raw.h),
    low: positiveOrNull(raw.l),
    previousClose,
    volume: null,
    timestamp,
    source: PROVIDER_ID,
    asOf: timestamp,
    stale: false,
  };
}
