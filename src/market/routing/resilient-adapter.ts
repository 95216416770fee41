import type { BatchFetcher, FetchOptions, ProviderAdapter, QueryFetcher } from '../../providers/adapter.js';
import type { ProviderPipeline } from '../../resilience/pipeline.js';

/**
 * The same adapter, with every upstream call run through its provider's pipeline. The market
 * service cannot tell the difference, so the resilience is in one place rather than in each
 * call site. Live feeds are left as they are: a tick source is not a request.
 */
export function withResilience(adapter: ProviderAdapter, pipeline: ProviderPipeline): ProviderAdapter {
  const batch = <T>(capability: string, fetcher: BatchFetcher<T> | undefined): BatchFetcher<T> | undefined =>
    fetcher && {
      batchSize: fetcher.batchSize,
      fetch: (symbols, options?: FetchOptions) => pipeline.run((signal) => fetcher.fetch(symbols, { signal }), options?.signal, capability),
    };
  const query = <Q, T>(capability: string, fetcher: QueryFetcher<Q, T> | undefined): QueryFetcher<Q, T> | undefined =>
    fetcher && {
      fetch: (request, options?: FetchOptions) => pipeline.run((signal) => fetcher.fetch(request, { signal }), options?.signal, capability),
    };

  const wrapped: ProviderAdapter = {
    id: adapter.id,
    name: adapter.name,
    ...defined('quote', batch('quote', adapter.quote)),
    ...defined('profile', batch('profile', adapter.profile)),
    ...defined('history', query('history', adapter.history)),
    ...defined('statements', query('statements', adapter.statements)),
    ...defined('search', query('search', adapter.search)),
    ...defined('economicSeries', query('economicSeries', adapter.economicSeries)),
    ...defined('stream', adapter.stream),
    ...(adapter.close ? { close: () => adapter.close?.() ?? Promise.resolve() } : {}),
  };
  return wrapped;
}

/** A capability key only where the adapter has it: absent stays absent, never `undefined`. */
function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
