/**
 * The kinds of market data, each kept with its own freshness. A domain word rather than the
 * cache's: the market service caches by it, and the HTTP response cache and the settings
 * (`CACHE_TTL_<KIND>`) name the same kinds without depending on the market layer.
 */
export type CacheKind = 'quote' | 'history' | 'profile' | 'statements' | 'search' | 'economicSeries';

export const CACHE_KINDS: readonly CacheKind[] = ['quote', 'history', 'profile', 'statements', 'search', 'economicSeries'];

export function isCacheKind(name: string): name is CacheKind {
  return (CACHE_KINDS as readonly string[]).includes(name);
}
