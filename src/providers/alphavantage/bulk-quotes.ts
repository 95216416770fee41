import { z } from 'zod';
import type { Quote } from '../../domain/index.js';
import type { BatchFetcher, BatchResult } from '../adapter.js';
import { DAY_FIGURES } from '../kit/day-figures.js';
import { describeIssues } from '../kit/payload.js';
import { optionalNumber } from '../parse.js';
import type { AlphaVantageCall, AlphaVantageClient } from './client.js';
import { toQuote } from './quote-model.js';
import { fromProviderSymbol, toProviderSymbol } from './symbols.js';
import { closeOf, parseNewYorkStamp } from './time.js';

/** The documented maximum of REALTIME_BULK_QUOTES: more symbols are silently ignored upstream. */
export const BULK_QUOTE_BATCH = 100;

/** `{"endpoint": "Realtime Bulk Quotes", "message": "success", "data": [...]}`: one row per known symbol. */
const EnvelopeSchema = z.object({ data: z.array(z.unknown()) });

const RowSchema = z.object({
  symbol: z.string().min(1),
  timestamp: z.string(),
  ...DAY_FIGURES,
  change_percent: optionalNumber,
});

/**
 * Quotes for premium keys through REALTIME_BULK_QUOTES: up to 100 US-traded symbols a call
 * (premium-quotes.ts sends the rest elsewhere). A symbol missing from `data` is unknown upstream
 * (NOT_FOUND for it alone); a row that fails its schema fails alone too. The regular-session
 * figures (`close`, `change`, `change_percent`) are the quote; the extended-hours ones have no
 * place in our model. The row's timestamp is New York time and may lie in the post-market, after
 * the regular close the price reflects, so it is capped at 16:00.
 */
export function createBulkQuoteFetcher(client: AlphaVantageClient): BatchFetcher<Quote> {
  return {
    batchSize: BULK_QUOTE_BATCH,
    async fetch(symbols, options): Promise<BatchResult<Quote>> {
      // BRK.B and BF-B are both asked as Alpha Vantage's BRK-B / BF-B: match rows on one spelling.
      const asked = new Map<string, string[]>();
      for (const symbol of symbols) {
        const key = matchKey(toProviderSymbol(symbol));
        asked.set(key, [...(asked.get(key) ?? []), symbol]);
      }
      const providerSymbols = [...new Set(symbols.map(toProviderSymbol))];
      const call: AlphaVantageCall = { function: 'REALTIME_BULK_QUOTES', params: { symbol: providerSymbols.join(',') } };
      const body = await client.query(call, options?.signal);
      const rows = client.parse(EnvelopeSchema, body, call).data;

      const results = new Map<string, Quote | Error>();
      for (const raw of rows) {
        const parsed = RowSchema.safeParse(raw);
        const providerSymbol = parsed.success ? parsed.data.symbol : symbolOf(raw);
        for (const symbol of providerSymbol === undefined ? [] : (asked.get(matchKey(providerSymbol)) ?? [])) {
          if (results.has(symbol)) continue;
          const rowCall = { ...call, symbol };
          results.set(
            symbol,
            parsed.success
              ? quoteOf(client, rowCall, parsed.data)
              : client.badResponse(rowCall, describeIssues(parsed.error)),
          );
        }
      }
      for (const symbol of symbols) {
        if (!results.has(symbol)) results.set(symbol, client.notFound({ ...call, symbol }, 'unknown symbol'));
      }
      return results;
    },
  };
}

function matchKey(providerSymbol: string): string {
  return fromProviderSymbol(providerSymbol);
}

function quoteOf(client: AlphaVantageClient, call: AlphaVantageCall & { symbol: string }, row: z.output<typeof RowSchema>): Quote | Error {
  const stamp = parseNewYorkStamp(row.timestamp);
  if (stamp === undefined) return client.badResponse(call, `timestamp "${row.timestamp.slice(0, 40)}" is not a New York date-time`);
  const tradingDay = row.timestamp.trim().slice(0, 10);
  const timestamp = new Date(Math.min(stamp.getTime(), closeOf(tradingDay).getTime()));
  const quote = toQuote(
    call.symbol,
    {
      price: row.close,
      open: row.open,
      high: row.high,
      low: row.low,
      previousClose: row.previous_close,
      volume: row.volume,
      change: row.change,
      changePercent: row.change_percent,
    },
    timestamp,
    stamp,
  );
  return typeof quote === 'string' ? client.badResponse(call, quote) : quote;
}

function symbolOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const symbol = (raw as { symbol?: unknown }).symbol;
  return typeof symbol === 'string' ? symbol : undefined;
}
