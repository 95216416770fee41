import { ProviderError, ProviderFailureKind, type Quote } from '../../domain/index.js';
import type { BatchFetcher, BatchResult, FetchOptions } from '../adapter.js';
import type { JsonResponse } from '../http.js';
import { parsePayload } from '../kit/payload.js';
import { dayChange, positiveOrNull, wholeVolumeOrNull } from '../kit/quote-figures.js';
import type { RemoteContext } from '../kit/remote-context.js';
import { PROVIDER_ID, getTwelveData } from './client.js';
import { errorBodyOf, failureOf } from './errors.js';
import { BatchSchema, QuoteSchema, type TwelveDataQuote } from './schemas.js';

/**
 * Twelve Data takes up to 120 comma-separated symbols per `/quote` call. Each symbol costs one API
 * credit, so on the free plan (8 credits a minute) a call of more than 8 symbols is refused whole.
 */
const BATCH_SIZE = 120;

/**
 * Quotes from `/quote?symbol=A,B,…`. One symbol answers a flat quote object; several answer an
 * object keyed by symbol whose entries are quotes or error objects, so one unknown symbol fails
 * alone.
 */
export function createQuoteFetcher(context: RemoteContext): BatchFetcher<Quote> {
  return {
    batchSize: BATCH_SIZE,
    async fetch(symbols: readonly string[], options?: FetchOptions): Promise<BatchResult<Quote>> {
      const results = new Map<string, Quote | Error>();
      if (symbols.length === 0) return results;
      const what = `Twelve Data quote ${symbols.length === 1 ? symbols[0] : `${symbols.length} symbols`}`;
      let response: JsonResponse;
      try {
        response = await getTwelveData(context, '/quote', { symbol: symbols.join(',') }, what, options?.signal);
      } catch (error) {
        // A lone unknown symbol is an answer about that symbol, not a failed call.
        if (symbols.length === 1 && error instanceof ProviderError && error.kind === ProviderFailureKind.NOT_FOUND) {
          results.set(symbols[0] as string, error);
          return results;
        }
        throw error;
      }
      if (symbols.length === 1) {
        const symbol = symbols[0] as string;
        results.set(symbol, toQuote(context, symbol, parsePayload(context, QuoteSchema, response.body, what), what));
        return results;
      }
      const entries = entriesBySymbol(parsePayload(context, BatchSchema, response.body, what));
      for (const symbol of symbols) results.set(symbol, entryOf(context, symbol, entries.get(symbol), response));
      return results;
    },
  };
}

/** Batch entries by upper-cased key: Twelve Data echoes the symbols as asked, but case is not ours to trust. */
function entriesBySymbol(batch: Readonly<Record<string, unknown>>): Map<string, unknown> {
  return new Map(Object.entries(batch).map(([key, value]) => [key.toUpperCase(), value]));
}

function entryOf(context: RemoteContext, symbol: string, entry: unknown, response: JsonResponse): Quote | Error {
  const what = `Twelve Data quote ${symbol}`;
  // Every asked symbol gets a key, value or error; a missing one is a malformed answer, not an unknown symbol.
  if (entry === undefined) return context.http.failure(ProviderFailureKind.BAD_RESPONSE, `${what}: missing from the batch answer`);
  const error = errorBodyOf(entry);
  if (error) return failureOf(context.http, error, response, what, context.now());
  try {
    return toQuote(context, symbol, parsePayload(context, QuoteSchema, entry, what), what);
  } catch (failure) {
    return failure instanceof Error ? failure : new Error(String(failure));
  }
}

function toQuote(context: RemoteContext, symbol: string, raw: TwelveDataQuote, what: string): Quote {
  if (raw.close <= 0) throw context.http.failure(ProviderFailureKind.BAD_RESPONSE, `${what}: price ${raw.close} is not a price`);
  const previousClose = positiveOrNull(raw.previous_close);
  const { change, changePercent } = dayChange(raw.close, previousClose, { change: raw.change, changePercent: raw.percent_change }, 6);
  if (change === null || changePercent === null) {
    throw context.http.failure(ProviderFailureKind.BAD_RESPONSE, `${what}: no change and no previous close to derive it from`, JSON.stringify(raw));
  }
  const timestamp = timeOf(context, raw);
  return {
    symbol,
    price: raw.close,
    change,
    changePercent,
    open: positiveOrNull(raw.open),
    high: positiveOrNull(raw.high),
    low: positiveOrNull(raw.low),
    previousClose,
    volume: wholeVolumeOrNull(raw.volume),
    timestamp,
    source: PROVIDER_ID,
    asOf: timestamp,
    stale: false,
  };
}

/** The last quote's time (`last_quote_at`), else the bar's (`timestamp`), else the session date. */
function timeOf(context: RemoteContext, raw: TwelveDataQuote): Date {
  const seconds = raw.last_quote_at ?? raw.timestamp;
  if (seconds !== null && seconds > 0) return new Date(seconds * 1000);
  const date = raw.datetime ? Date.parse(`${raw.datetime.slice(0, 10)}T00:00:00Z`) : Number.NaN;
  return new Date(Number.isNaN(date) ? context.now() : date);
}
