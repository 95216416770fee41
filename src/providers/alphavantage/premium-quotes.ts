import { ProviderError, type Quote } from '../../domain/index.js';
import type { BatchFetcher, BatchResult, FetchOptions } from '../adapter.js';
import { BULK_QUOTE_BATCH, createBulkQuoteFetcher } from './bulk-quotes.js';
import type { AlphaVantageClient } from './client.js';
import { createGlobalQuoteFetcher } from './global-quote.js';
import { isListedAbroad } from './symbols.js';

/**
 * Quotes for premium keys. REALTIME_BULK_QUOTES covers US-traded symbols only: a listing abroad
 * (TSCO.LON, SHOP.TRT) would come back missing and read as unknown, which ends the provider chain
 * for it. Those go through GLOBAL_QUOTE instead, in the same fetch.
 */
export function createPremiumQuoteFetcher(client: AlphaVantageClient): BatchFetcher<Quote> {
  const bulk = createBulkQuoteFetcher(client);
  const single = createGlobalQuoteFetcher(client);
  return {
    batchSize: BULK_QUOTE_BATCH,
    async fetch(symbols, options?: FetchOptions): Promise<BatchResult<Quote>> {
      const groups = [
        { symbols: symbols.filter((symbol) => !isListedAbroad(symbol)), fetcher: bulk },
        { symbols: symbols.filter(isListedAbroad), fetcher: single },
      ].filter((group) => group.symbols.length > 0);
      const outcomes = await Promise.allSettled(groups.map((group) => group.fetcher.fetch(group.symbols, options)));

      const results = new Map<string, Quote | Error>();
      outcomes.forEach((outcome, index) => {
        const group = groups[index];
        if (!group) return;
        if (outcome.status === 'fulfilled') {
          for (const [symbol, entry] of outcome.value) results.set(symbol, entry);
          return;
        }
        if (!(outcome.reason instanceof ProviderError)) throw outcome.reason;
        // One group's call failed while the other's stands: the failure belongs to its symbols alone.
        for (const symbol of group.symbols) results.set(symbol, outcome.reason);
      });
      const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
      if (failures.length === outcomes.length && failures[0]) throw failures[0].reason;
      return results;
    },
  };
}
