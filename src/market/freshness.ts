import { ErrorCode, MarketError, toClientError, type CacheKind } from '../domain/index.js';
import type { CacheLookup } from './cache/cache.js';
import { noteFetchedAt } from './cache/fetched-at.js';
import { noProvider } from './kinds.js';
import type { ChainMemory } from './provider-chain.js';
import type { Settled } from './read-outcome.js';
import { Revalidations } from './revalidation.js';
import type { MarketServiceOptions } from './service-options.js';
import { markServedStale } from './staleness.js';

/**
 * What a read makes of what the cache holds, and of a key no provider could answer. A client's
 * read and a background refresh differ here, and only here (`Freshness.forClients`,
 * `Freshness.forRefreshes`); the read path (reads.ts) is the same for both.
 */
export interface ReadFreshness {
  /** A cache lookup as an answer; `undefined`: ask the providers. `query` is what a refresh of the key would ask. */
  fromCache<T>(kind: CacheKind, key: string, query: unknown, found: CacheLookup<T> | undefined): Settled<T> | undefined;
  /** The answer for a key no provider could answer (`failure`, the chain's last error). */
  lastResort<T>(kind: CacheKind, key: string, query: unknown, failure: unknown): Promise<T | MarketError>;
}

/** A background read of one key (the refresh reads of MarketService): what it settled. */
export type Revalidate = (kind: CacheKind, key: string, query: unknown) => Promise<Settled<unknown>>;

export type FreshnessOptions = Pick<MarketServiceOptions, 'cache' | 'registry' | 'refreshes' | 'onStaleServed' | 'onCacheError'>;

/**
 * Freshness of what the service answers: cache reads as answers, stale-while-revalidate, the
 * negative cache, the last resort when the chain fails, and the refreshes scheduled on the
 * dead-letter queue for what could not be answered.
 *
 * Freshness is judged from an entry's `storedAt` (the cache's `fresh` / `stale` / `notFound`).
 * Stale means "a provider was asked and could not answer": a read inside the revalidation window
 * is a normal answer while its one background refresh runs; once a refresh of that very entry
 * found no provider, reads of it are marked stale until a newer entry replaces it (revalidation.ts).
 */
export class Freshness implements ChainMemory {
  /** A client's read: served inside the revalidation window while one refresh runs; what it serves stale is counted and its repair scheduled. */
  readonly forClients: ReadFreshness = {
    fromCache: (kind, key, query, found) => this.clientAnswerFromCache(kind, key, query, found),
    lastResort: (kind, key, query, failure) => this.clientLastResort(kind, key, query, failure),
  };

  /**
   * A background refresh: takes nothing past freshness (it is the one that asks), and its own
   * failure is no answer to anyone, so it counts no stale answer and schedules no further refresh
   * (a dead-letter job retries on its own schedule). A client's read that joined its flight gets
   * the stale copy it settled.
   */
  readonly forRefreshes: ReadFreshness = {
    fromCache: (kind, _key, _query, found) => freshAnswer(kind, found),
    lastResort: (kind, key, _query, failure) => this.refreshLastResort(kind, key, failure),
  };

  private readonly revalidations = new Revalidations();

  /** `revalidate` reads a key again in the background, through the read path (reads.ts). */
  constructor(
    private readonly options: FreshnessOptions,
    private readonly revalidate: Revalidate,
  ) {}

  /** A cache that cannot store is a slower gateway, not a failed request. */
  remember(kind: CacheKind, key: string, value: unknown): void {
    this.options.cache.set(kind, key, value).catch((error: unknown) => this.options.onCacheError?.(error));
  }

  /** A provider's NOT_FOUND is remembered for the negative TTL, so asking again costs no provider call. */
  rememberNotFound(kind: CacheKind, key: string, error: MarketError): void {
    this.options.cache
      .setNotFound(kind, key, { message: error.message, details: error.details })
      .catch((failure: unknown) => this.options.onCacheError?.(failure));
  }

  /**
   * A cache lookup as an answer: a fresh value; a remembered NOT_FOUND; or, inside the kind's
   * revalidation window, the value answered at once while one background refresh of the key runs
   * (stale-while-revalidate). That answer is not stale: no provider has failed it. It is marked
   * stale only once a refresh of this very entry found no provider to answer. `undefined`: ask
   * the providers.
   */
  private clientAnswerFromCache<T>(kind: CacheKind, key: string, query: unknown, found: CacheLookup<T> | undefined): Settled<T> | undefined {
    if (found?.state !== 'stale') return freshAnswer(kind, found);
    const failed = this.revalidations.failedFor(kind, key, found.storedAt);
    this.revalidations.start(kind, key, found.storedAt, () => this.refreshInBackground(kind, key, query));
    // Noted like a fresh hit, so the response cache sees it is past its freshness and keeps it not at all.
    if (!failed) return { answer: noteFetchedAt(found.value, kind, found.storedAt) };
    this.options.onStaleServed?.({ kind, key });
    return { answer: markServedStale(found.value) };
  }

  /**
   * When no provider could answer: the stale entry, marked stale, or the error a client may see.
   * A stale answer to a client also schedules one background refresh of the key (`query` is what
   * to ask again).
   */
  private async clientLastResort<T>(kind: CacheKind, key: string, query: unknown, failure: unknown): Promise<T | MarketError> {
    const stale = await this.keptCopy<T>(kind, key);
    if (!stale) return toClientError(failure ?? noProvider(kind));
    this.options.onStaleServed?.({ kind, key });
    this.scheduleRefresh(kind, key, query, failure);
    return markServedStale(stale.value);
  }

  private async refreshLastResort<T>(kind: CacheKind, key: string, failure: unknown): Promise<T | MarketError> {
    const stale = await this.keptCopy<T>(kind, key);
    return stale ? markServedStale(stale.value) : toClientError(failure ?? noProvider(kind));
  }

  /**
   * The refresh of a key read inside its revalidation window: the request's own path (single-flight,
   * the chain), so it joins a fetch already running and a success stores the fresh value. If no
   * provider can answer, the refresh goes to the dead-letter queue, which retries it on its own
   * schedule. Answers whether a provider answered.
   */
  private async refreshInBackground(kind: CacheKind, key: string, query: unknown): Promise<boolean> {
    let failure: unknown;
    try {
      ({ failure } = await this.revalidate(kind, key, query));
    } catch (error) {
      failure = error;
    }
    if (failure === undefined) return true;
    this.scheduleRefresh(kind, key, query, failure);
    return false;
  }

  /** The refresh is the first provider's to owe: the one asked first, whose failure it is. */
  private scheduleRefresh(kind: CacheKind, key: string, query: unknown, error: unknown): void {
    const provider = this.options.refreshes && this.options.registry.chain(kind)[0]?.id;
    // Its retries are the gateway's own reads (no caller): no consumer is charged for them.
    if (provider) this.options.refreshes?.schedule({ provider, capability: kind, key, query, error: error ?? noProvider(kind) });
  }

  /** What the cache still keeps of the key past its freshness (the last-resort window), if anything. */
  private keptCopy<T>(kind: CacheKind, key: string): Promise<{ readonly value: T } | undefined> {
    return this.options.cache.getStale<T>(kind, key).catch(() => undefined);
  }
}

/** A fresh value or a remembered NOT_FOUND as an answer; anything else is for the providers. */
function freshAnswer<T>(kind: CacheKind, found: CacheLookup<T> | undefined): Settled<T> | undefined {
  if (found?.state === 'notFound') return { answer: new MarketError(ErrorCode.NOT_FOUND, found.notFound.message, found.notFound.details) };
  if (found?.state === 'fresh') return { answer: noteFetchedAt(found.value, kind, found.storedAt) };
  return undefined;
}
