import type { Quote } from '../../domain/index.js';
import type { BatchFetcher, BatchResult } from '../adapter.js';
import { fewAtATime } from '../kit/per-symbol.js';
import { endpointUrl, type RemoteContext } from '../kit/remote-context.js';
import { send } from './client.js';
import { quoteFromDailyBars } from './daily-quote.js';
import { failureOf, isNotEntitled } from './errors.js';
import { quotesFromSnapshot } from './snapshot.js';
import { toPolygonTicker } from './symbols.js';

/** Symbols per snapshot call: the URL stays a few KB, well under what proxies accept. */
export const SNAPSHOT_BATCH_SIZE = 250;

/** How long a "plan lacks the snapshot" answer is believed before the snapshot is tried again. */
export const SNAPSHOT_RECHECK_MS = 60 * 60_000;

/**
 * Quotes from the full-market snapshot, many tickers per call. Plans without it (the free plan)
 * answer NOT_AUTHORIZED; the adapter then quotes each symbol from its latest daily bars and
 * remembers the refusal for an hour, so a free key spends its 5 calls a minute on data rather than
 * on asking again.
 */
export function createQuoteFetcher(context: RemoteContext): BatchFetcher<Quote> {
  let snapshotRefusedUntil = Number.NEGATIVE_INFINITY;

  return {
    batchSize: SNAPSHOT_BATCH_SIZE,
    async fetch(symbols, options): Promise<BatchResult<Quote>> {
      const signal = options?.signal;
      // An empty `tickers` asks Polygon for the whole market, 10,000 tickers.
      if (symbols.length === 0) return new Map();
      if (context.now() >= snapshotRefusedUntil) {
        const tickers = [...new Set(symbols.map(toPolygonTicker))];
        const url = endpointUrl(context, '/v2/snapshot/locale/us/markets/stocks/tickers', { tickers: tickers.join(','), include_otc: true });
        const callTime = context.now();
        const response = await send(context, url, 'full market snapshot', signal);
        if (!isNotEntitled(response)) {
          const failure = failureOf(context.http, response, 'full market snapshot');
          if (failure) throw failure;
          return quotesFromSnapshot(context.http, symbols, response.body, callTime);
        }
        snapshotRefusedUntil = context.now() + SNAPSHOT_RECHECK_MS;
      }
      return fewAtATime(symbols, (symbol) => quoteFromDailyBars(context, symbol, signal));
    },
  };
}
