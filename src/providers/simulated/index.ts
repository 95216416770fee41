import type {
  Bar,
  CompanyProfile,
  FinancialStatement,
  HistoryQuery,
  Quote,
  SearchQuery,
  StatementQuery,
  SymbolMatch,
} from '../../domain/index.js';
import type { BatchFetcher, BatchResult, FetchOptions, ProviderAdapter, QueryFetcher, TickSource } from '../adapter.js';
import { dayOf, isTradingDay } from './calendar.js';
import { historyOf } from './history.js';
import { PROVIDER_ID, SimulatedMarket, unknownSymbol } from './market.js';
import { profileOf, quoteOf } from './quotes.js';
import { searchSymbols } from './search.js';
import { statementsOf } from './statements.js';
import { createTickSource } from './ticks.js';
import { UNIVERSE_SYMBOLS } from './universe.js';

/**
 * The built-in simulated market: about 240 real listings whose prices follow a seeded random walk,
 * so the gateway runs with no key and no network and two runs with one seed agree.
 *
 * Every weekday is one 24-hour trading session in UTC, so live ticks move at any hour of a
 * weekday; on Saturdays and Sundays the market is closed and quotes hold Friday's close.
 */

export interface SimulatedMarketOptions {
  /** PRNG seed; same seed + same time => same numbers. */
  readonly seed: number;
  /** Interval between live ticks in ms. */
  readonly tickMs: number;
  /** Clock, injectable for tests. Defaults to Date.now. */
  readonly now?: () => number;
}

export interface SimulatedProvider extends ProviderAdapter {
  readonly id: 'simulated';
  readonly quote: BatchFetcher<Quote>;
  readonly profile: BatchFetcher<CompanyProfile>;
  readonly history: QueryFetcher<HistoryQuery, Bar[]>;
  readonly statements: QueryFetcher<StatementQuery, FinancialStatement[]>;
  readonly search: QueryFetcher<SearchQuery, SymbolMatch[]>;
  readonly stream: TickSource;
  /** The quote at any instant: pure and deterministic; NOT_FOUND for a symbol not listed. */
  quoteAt(symbol: string, timeMs: number): Quote;
  /** Every listed ticker. */
  readonly symbols: readonly string[];
}

/** The simulated market answers any batch in one go; the gateway's loaders rarely send more. */
const BATCH_SIZE = 500;

export function createSimulatedProvider(options: SimulatedMarketOptions): SimulatedProvider {
  const market = new SimulatedMarket(options.seed);
  const now = options.now ?? Date.now;

  const quoteAt = (symbol: string, timeMs: number): Quote => quoteOf(symbol, market.get(symbol).snapshot(timeMs));

  /** One entry per asked symbol: the answer, or NOT_FOUND for a symbol the market does not list. */
  function batch<T>(answer: (symbol: string, timeMs: number) => T) {
    return async (symbols: readonly string[], fetchOptions?: FetchOptions): Promise<BatchResult<T>> => {
      fetchOptions?.signal?.throwIfAborted();
      const timeMs = now();
      const results = new Map<string, T | Error>();
      for (const symbol of symbols) {
        results.set(symbol, market.find(symbol) === undefined ? unknownSymbol(symbol) : answer(symbol, timeMs));
      }
      return results;
    };
  }

  return {
    id: PROVIDER_ID,
    name: 'Simulated market',
    symbols: UNIVERSE_SYMBOLS,
    quoteAt,
    quote: { batchSize: BATCH_SIZE, fetch: batch(quoteAt) },
    profile: {
      batchSize: BATCH_SIZE,
      fetch: batch((symbol, timeMs) => profileOf(symbol, market.get(symbol).snapshot(timeMs), new Date(timeMs))),
    },
    history: {
      async fetch(query, fetchOptions) {
        fetchOptions?.signal?.throwIfAborted();
        return historyOf(market.get(query.symbol), query, now());
      },
    },
    statements: {
      async fetch(query, fetchOptions) {
        fetchOptions?.signal?.throwIfAborted();
        return statementsOf(market, query.symbol, query, now());
      },
    },
    search: {
      async fetch(query, fetchOptions) {
        fetchOptions?.signal?.throwIfAborted();
        return searchSymbols(query);
      },
    },
    stream: createTickSource({
      lists: (symbol) => market.find(symbol) !== undefined,
      quoteAt,
      notFound: unknownSymbol,
      now,
      tickMs: options.tickMs,
      isOpen: (timeMs) => isTradingDay(dayOf(timeMs)),
    }),
  };
}
