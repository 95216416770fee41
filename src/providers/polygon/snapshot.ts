import { ProviderError, ProviderFailureKind, type Quote } from '../../domain/index.js';
import type { BatchResult } from '../adapter.js';
import type { ProviderHttpClient } from '../http.js';
import { dayChange, positiveOrNull, wholeVolumeOrNull } from '../kit/quote-figures.js';
import { PROVIDER_ID } from './client.js';
import { invalidPayload } from './errors.js';
import { SnapshotResponseSchema, SnapshotTickerSchema, type SnapshotTicker } from './schemas.js';
import { toPolygonTicker } from './symbols.js';
import { fromEpoch } from './time.js';

/**
 * Quotes out of one full-market snapshot answer. Tickers Polygon does not know are simply absent
 * from `tickers`, so each asked symbol is looked up by its Polygon spelling: absent is NOT_FOUND
 * for that symbol alone, a malformed entry is BAD_RESPONSE for that symbol alone, and only an
 * envelope without its shape fails the batch.
 */
export function quotesFromSnapshot(http: ProviderHttpClient, symbols: readonly string[], body: unknown, callTime: number): BatchResult<Quote> {
  const what = 'full market snapshot';
  const envelope = SnapshotResponseSchema.safeParse(body);
  if (!envelope.success) throw invalidPayload(http, what, envelope.error);

  const entries = new Map<string, unknown>();
  for (const entry of envelope.data.tickers ?? []) {
    const ticker = (entry as { ticker?: unknown } | null)?.ticker;
    if (typeof ticker === 'string') entries.set(ticker, entry);
  }

  const results = new Map<string, Quote | Error>();
  for (const symbol of symbols) {
    const entry = entries.get(toPolygonTicker(symbol));
    if (entry === undefined) {
      results.set(symbol, http.failure(ProviderFailureKind.NOT_FOUND, `${what}: Polygon has no snapshot for ${symbol}`));
      continue;
    }
    const parsed = SnapshotTickerSchema.safeParse(entry);
    results.set(symbol, parsed.success ? quoteOf(http, symbol, parsed.data, callTime) : invalidPayload(http, `snapshot of ${symbol}`, parsed.error));
  }
  return results;
}

/**
 * The price is the last trade where the plan includes trades, else the day's running close, the
 * latest minute bar, or — between Polygon's 03:30 ET reset and the first trade — the previous close.
 */
function quoteOf(http: ProviderHttpClient, symbol: string, entry: SnapshotTicker, callTime: number): Quote | ProviderError {
  const price =
    positiveOrNull(entry.lastTrade?.p) ?? positiveOrNull(entry.day?.c) ?? positiveOrNull(entry.min?.c) ?? positiveOrNull(entry.prevDay?.c);
  if (price === null) return http.failure(ProviderFailureKind.BAD_RESPONSE, `snapshot of ${symbol} carries no price`);

  const previousClose = positiveOrNull(entry.prevDay?.c);
  const { change, changePercent } = dayChange(price, previousClose, { change: entry.todaysChange, changePercent: entry.todaysChangePerc }, 4);
  if (change === null || changePercent === null) {
    return http.failure(ProviderFailureKind.BAD_RESPONSE, `snapshot of ${symbol} carries neither a change nor a previous close`);
  }

  const tradeTime = entry.lastTrade?.t ?? entry.updated ?? entry.min?.t ?? null;
  const timestamp = tradeTime === null ? new Date(callTime) : fromEpoch(tradeTime);
  return {
    symbol,
    price,
    change,
    changePercent,
    open: positiveOrNull(entry.day?.o),
    high: positiveOrNull(entry.day?.h),
    low: positiveOrNull(entry.day?.l),
    previousClose,
    volume: wholeVolumeOrNull(entry.day?.v ?? null),
    timestamp,
    source: PROVIDER_ID,
    asOf: entry.updated === null ? timestamp : fromEpoch(entry.updated),
    stale: false,
  };
}
