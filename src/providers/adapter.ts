import type {
  Bar,
  Capability,
  CompanyProfile,
  EconomicSeries,
  EconomicSeriesQuery,
  FinancialStatement,
  HistoryQuery,
  ProviderId,
  Quote,
  SearchQuery,
  StatementQuery,
  SymbolMatch,
} from '../domain/index.js';

/** Per-call options every fetcher honours. */
export interface FetchOptions {
  /** Aborts the upstream call (timeouts, client gone). */
  readonly signal?: AbortSignal;
}

/**
 * The result of a batched fetch: one entry per asked symbol that the provider answered.
 * A symbol missing from the map, or mapped to an Error, failed alone: the rest of the batch stands.
 */
export type BatchResult<T> = ReadonlyMap<string, T | Error>;

/** A capability answered for many symbols at once, in chunks of at most `batchSize`. */
export interface BatchFetcher<T> {
  /** The most symbols one upstream call may carry (1 where the provider cannot batch). */
  readonly batchSize: number;
  fetch(symbols: readonly string[], options?: FetchOptions): Promise<BatchResult<T>>;
}

/** A capability answered one query per upstream call. */
export interface QueryFetcher<Q, T> {
  fetch(query: Q, options?: FetchOptions): Promise<T>;
}

/** One watcher of a symbol's feed: what a TickSource's `start` is given, kept by the sources that fan out. */
export interface TickWatcher {
  readonly onTick: (quote: Quote) => void;
  readonly onError: (error: Error) => void;
}

/**
 * Where a feed's ticks go. `receivedAt`, when given, is when the tick was received from upstream,
 * as `performance.now()` of this process: a tick another instance received and relayed (the
 * cluster's channels) says so; a tick received here is received as it is told.
 */
export type OnTick = (quote: Quote, receivedAt?: number) => void;

/** A live price feed for one symbol; `start` returns the function that stops it. */
export interface TickSource {
  start(symbol: string, onTick: OnTick, onError: (error: Error) => void): () => void;
}

/**
 * A provider adapter, in the manner of OpenBB's fetchers: each capability is one small object
 * (build the request, fetch, turn the payload into domain objects). A capability the provider
 * cannot serve is simply absent, so what an adapter can do is read off the object itself.
 */
export interface ProviderAdapter {
  readonly id: ProviderId;
  readonly name: string;
  readonly quote?: BatchFetcher<Quote>;
  readonly profile?: BatchFetcher<CompanyProfile>;
  readonly history?: QueryFetcher<HistoryQuery, Bar[]>;
  readonly statements?: QueryFetcher<StatementQuery, FinancialStatement[]>;
  readonly search?: QueryFetcher<SearchQuery, SymbolMatch[]>;
  readonly economicSeries?: QueryFetcher<EconomicSeriesQuery, EconomicSeries>;
  readonly stream?: TickSource;
  /** Releases connections and timers; called once at shutdown. */
  close?(): Promise<void>;
}

const capabilityKeys = ['quote', 'history', 'profile', 'statements', 'search', 'economicSeries', 'stream'] as const satisfies readonly Capability[];

/** The capabilities an adapter declares, in a stable order. */
export function capabilitiesOf(adapter: ProviderAdapter): Capability[] {
  return capabilityKeys.filter((key) => adapter[key] !== undefined);
}
