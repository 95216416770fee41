import { ErrorCode, MarketError, type CacheKind } from '../domain/index.js';
import type { BatchFetcher, ProviderAdapter, QueryFetcher } from '../providers/adapter.js';

/** An adapter's fetcher for `K`: what a kind answers and is asked with is read off it, not restated here. */
type FetcherOf<K extends CacheKind> = NonNullable<ProviderAdapter[K]>;

/**
 * The kinds of market data the service reads, as types: what each answers, what a query kind is
 * asked with, and which fetcher of an adapter serves it. Typed per kind, so the read path needs no
 * casts between a kind and its values; a kind that comes back as a string (a dead-letter job) is
 * told apart by `isBatchKind` / `isQueryKind`.
 */
type Values = {
  [K in CacheKind]: FetcherOf<K> extends BatchFetcher<infer V> ? V : FetcherOf<K> extends QueryFetcher<never, infer V> ? V : never;
};

type Queries = { [K in QueryKind]: FetcherOf<K> extends QueryFetcher<infer Q, unknown> ? Q : never };

/** Asked many symbols at once, in provider batches split to each provider's `batchSize`. */
export type BatchKind = 'quote' | 'profile';
/** Asked one query per provider call. */
export type QueryKind = Exclude<CacheKind, BatchKind>;
/** What a read of `K` answers. */
export type ValueOf<K extends CacheKind> = Values[K];
/** What a read of the query kind `K` is asked with. */
export type QueryOf<K extends QueryKind> = Queries[K];

/** A provider of the chain for `K`: it has the fetcher (see `ProviderRegistry.chain`). */
type ChainAdapter<K extends CacheKind> = ProviderAdapter & Required<Pick<ProviderAdapter, K>>;

const batchFetchers: { readonly [K in BatchKind]: (adapter: ChainAdapter<K>) => BatchFetcher<Values[K]> } = {
  quote: (adapter) => adapter.quote,
  profile: (adapter) => adapter.profile,
};

const queryFetchers: { readonly [K in QueryKind]: (adapter: ChainAdapter<K>) => QueryFetcher<Queries[K], Values[K]> } = {
  history: (adapter) => adapter.history,
  statements: (adapter) => adapter.statements,
  search: (adapter) => adapter.search,
  economicSeries: (adapter) => adapter.economicSeries,
};

export function batchFetcherOf<K extends BatchKind>(kind: K, adapter: ChainAdapter<K>): BatchFetcher<ValueOf<K>> {
  return batchFetchers[kind](adapter);
}

export function queryFetcherOf<K extends QueryKind>(kind: K, adapter: ChainAdapter<K>): QueryFetcher<QueryOf<K>, ValueOf<K>> {
  return queryFetchers[kind](adapter);
}

export function isBatchKind(kind: string): kind is BatchKind {
  return Object.hasOwn(batchFetchers, kind);
}

export function isQueryKind(kind: string): kind is QueryKind {
  return Object.hasOwn(queryFetchers, kind);
}

const describedAs: Record<CacheKind, string> = {
  quote: 'quote',
  profile: 'company profile',
  history: 'price history',
  statements: 'financial statements',
  search: 'search result',
  economicSeries: 'economic series',
};

/** A provider's NOT_FOUND in our words: about `subject`, the symbol or the series id. */
export function notFound(kind: CacheKind, subject: string): MarketError {
  if (kind === 'economicSeries') {
    return new MarketError(ErrorCode.NOT_FOUND, `No economic series with id "${subject}".`, { id: subject });
  }
  return new MarketError(ErrorCode.NOT_FOUND, `No ${describedAs[kind]} found for symbol "${subject}".`, { symbol: subject });
}

/** What a query is about, in the words of a NOT_FOUND: the symbol or the series id. */
export function subjectOf(kind: CacheKind, query: unknown): string | undefined {
  if (kind === 'search' || query === null || typeof query !== 'object') return undefined;
  const subject = kind === 'economicSeries' ? ('id' in query ? query.id : undefined) : 'symbol' in query ? query.symbol : undefined;
  return typeof subject === 'string' ? subject : undefined;
}

export function noProvider(kind: string): MarketError {
  return new MarketError(ErrorCode.PROVIDER_UNAVAILABLE, `No enabled provider can serve ${kind}.`);
}
