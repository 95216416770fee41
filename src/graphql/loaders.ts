import type { CompanyProfile, FinancialStatement, Quote, StatementQuery } from '../domain/index.js';
import type { DelayedQuote, DelayedQuotes } from '../market/delayed-quotes.js';
import type { MarketService } from '../market/service.js';
import { CallerLoader } from './caller-loader.js';
import { toGraphQLError } from './errors.js';

/**
 * One set of loaders per request. Every keyed read in a query (a quote under each of 50 search
 * results, say) is collected during one tick and answered by one call to the market service,
 * which then asks each provider once for the whole batch.
 *
 * Per-request, not process-wide: a loader memoises for its lifetime, and freshness across
 * requests is the market cache's job, not DataLoader's. Each load names its caller (the consumer
 * and field), and a batch is read for the caller of its first load (caller-loader.ts).
 */
export interface Loaders {
  readonly quote: CallerLoader<string, Quote, string>;
  /** Quotes at least 15 minutes old, for consumers without QUOTES_REALTIME: one batch, one call, as `quote`. */
  readonly delayedQuote: CallerLoader<string, DelayedQuote, string>;
  readonly profile: CallerLoader<string, CompanyProfile, string>;
  readonly statements: CallerLoader<StatementQuery, FinancialStatement[], string>;
}

/** Symbols are compared in canonical form so `aapl` and `AAPL` share one slot of the batch. */
const symbolKey = (symbol: string): string => symbol.trim().toUpperCase();

export function createLoaders(market: MarketService, delayed: DelayedQuotes): Loaders {
  return new LazyLoaders(market, delayed);
}

/**
 * Each loader is built on its first use. A subscription's context is built like a request's but
 * never loads (its snapshot goes to the market service): four DataLoaders with their maps and
 * closures were ≈ 2.5 KB held per subscription for nothing. A query still gets one loader per
 * kind for the whole request, as before.
 */
class LazyLoaders implements Loaders {
  private quoteLoader: CallerLoader<string, Quote, string> | undefined;
  private delayedQuoteLoader: CallerLoader<string, DelayedQuote, string> | undefined;
  private profileLoader: CallerLoader<string, CompanyProfile, string> | undefined;
  private statementsLoader: CallerLoader<StatementQuery, FinancialStatement[], string> | undefined;

  constructor(
    private readonly market: MarketService,
    private readonly delayed: DelayedQuotes,
  ) {}

  get quote(): CallerLoader<string, Quote, string> {
    const market = this.market;
    return (this.quoteLoader ??= new CallerLoader<string, Quote, string>(async (symbols, caller) => (await market.getQuotes(symbols, caller)).map(asLoaderValue), { cacheKeyFn: symbolKey }));
  }

  get delayedQuote(): CallerLoader<string, DelayedQuote, string> {
    const delayed = this.delayed;
    return (this.delayedQuoteLoader ??= new CallerLoader<string, DelayedQuote, string>(async (symbols, caller) => (await delayed.get(symbols, caller)).map(asLoaderValue), { cacheKeyFn: symbolKey }));
  }

  get profile(): CallerLoader<string, CompanyProfile, string> {
    const market = this.market;
    return (this.profileLoader ??= new CallerLoader<string, CompanyProfile, string>(async (symbols, caller) => (await market.getProfiles(symbols, caller)).map(asLoaderValue), { cacheKeyFn: symbolKey }));
  }

  get statements(): CallerLoader<StatementQuery, FinancialStatement[], string> {
    const market = this.market;
    return (this.statementsLoader ??= new CallerLoader<StatementQuery, FinancialStatement[], string>(
      (queries, caller) =>
        Promise.all(
          queries.map((query) => market.getStatements(query, caller).catch((error: unknown) => toGraphQLError(error))),
        ),
      { cacheKeyFn: (query) => `${symbolKey(query.symbol)}:${query.statement}:${query.period}:${query.limit}` },
    ));
  }
}

/** DataLoader rejects just the key whose slot holds an Error; make it one a client can read. */
function asLoaderValue<T>(value: T | Error): T | Error {
  return value instanceof Error ? toGraphQLError(value) : value;
}
