import type { BatchFetcher, FetchOptions, ProviderAdapter, QueryFetcher } from '../../providers/adapter.js';
import type { ProviderPipeline } from '../../resilience/pipeline.js';

/**
 * The same adapter, with every upstream call run through its provider's pipeline. The market
 * service cannot tell the difference, so the resilience is in one place rather than in each
 * call site. Live feeds are left as they are: a tick source is not a request.
 */
export function withResilience(adapter: ProviderAdapter, pipeline: ProviderPipeline): ProviderAdapter {
  const batch = <T>(fetcher: BatchFetcher<T> | undefined): BatchFetcher<T> | undefined =>
    fetcher && {
      batchSize: fetcher.batchSize,
      fetch: (symbols, options?: FetchOptions) => pipeline.run((signal) => fetcher.fetch(symbols, { signal }), options?.signal),
    };
  const query = <Q, T>(fetcher: QueryFetcher<Q, T> | undefined): QueryFetcher<Q, T> | undefined =>
    fetcher && {
      fetch: (request, options?: FetchOptions) => pipeline.run((signal) => fetcher.fetch(request, { signal }), options?.signal),
    };

  const wrapped: ProviderAdapter = {
    id: adapter.id,
    name: adapter.name,
    ...defined('quote', batch(adapter.quote)),
    ...defined('profile', batch(adapter.profile)),
    ...defined('history', query(adapter.history)),
    ...defined('statements', query(adapter.statements)),
    ...defined('search', query(adapter.search)),
    ...defined('economicSeries', query(adapter.economicSeries)),
    ...defined('stream', adapter.stream),
    ...(adapter.close ? { close: () => adapter.close?.() ?? Promise.resolve() } : {}),
  };
  return wrapped;
}

/** A capability key only where the adapter has it: absent stays absent, never `undefined`. */
function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
