import DataLoader from 'dataloader';
import type { CompanyProfile, FinancialStatement, Quote, StatementQuery } from '../domain/index.js';
import type { DelayedQuote, DelayedQuotes } from '../market/delayed-quotes.js';
import type { MarketService } from '../market/service.js';
import { toGraphQLError } from './errors.js';

/**
 * One set of loaders per request. Every keyed read in a query (a quote under each of 50 search
 * results, say) is collected during one tick and answered by one call to the market service,
 * which then asks each provider once for the whole batch.
 *
 * Per-request, not process-wide: a loader memoises for its lifetime, and freshness across
 * requests is the market cache's job, not DataLoader's.
 */
export interface Loaders {
  readonly quote: DataLoader<string, Quote, string>;
  /** Quotes at least 15 minutes old, for consumers without QUOTES_REALTIME: one batch, one call, as `quote`. */
  readonly delayedQuote: DataLoader<string, DelayedQuote, string>;
  readonly profile: DataLoader<string, CompanyProfile, string>;
  readonly statements: DataLoader<StatementQuery, FinancialStatement[], string>;
}

/** Symbols are compared in canonical form so `aapl` and `AAPL` share one slot of the batch. */
const symbolKey = (symbol: string): string => symbol.trim().toUpperCase();

export function createLoaders(market: MarketService, delayed: DelayedQuotes): Loaders {
  return {
    delayedQuote: new DataLoader<string, DelayedQuote, string>(async (symbols) => (await delayed.get(symbols)).map(asLoaderValue), { cacheKeyFn: symbolKey }),
    quote: new DataLoader<string, Quote, string>(async (symbols) => (await market.getQuotes(symbols)).map(asLoaderValue), { cacheKeyFn: symbolKey }),
    profile: new DataLoader<string, CompanyProfile, string>(async (symbols) => (await market.getProfiles(symbols)).map(asLoaderValue), { cacheKeyFn: symbolKey }),
    statements: new DataLoader<StatementQuery, FinancialStatement[], string>(
      (queries) =>
        Promise.all(
          queries.map((query) => market.getStatements(query).catch((error: unknown) => toGraphQLError(error))),
        ),
      { cacheKeyFn: (query) => `${symbolKey(query.symbol)}:${query.statement}:${query.period}:${query.limit}` },
    ),
  };
}

/** DataLoader rejects just the key whose slot holds an Error; make it one a client can read. */
function asLoaderValue<T>(value: T | Error): T | Error {
  return value instanceof Error ? toGraphQLError(value) : value;
}
