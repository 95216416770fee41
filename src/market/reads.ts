import type { CacheKind, Caller } from '../domain/index.js';
import type { MarketCache } from './cache/cache.js';
import type { Coalescing } from './coalescing/coalescing.js';
import type { ReadFreshness } from './freshness.js';
import type { BatchKind, QueryKind, QueryOf, ValueOf } from './kinds.js';
import type { ProviderChain } from './provider-chain.js';
import type { ChainOutcome, Settled } from './read-outcome.js';

export interface ReadsParts {
  readonly cache: MarketCache;
  readonly chain: ProviderChain;
  readonly flights: Coalescing;
  /** What this reader makes of the cache and of a chain that could not answer. */
  readonly freshness: ReadFreshness;
}

/**
 * The read path, cache → coalescing → provider chain, for one kind of reader. MarketService holds
 * two: its clients' reads and its background refreshes, built with the two `ReadFreshness` of
 * freshness.ts; nothing else tells them apart, so neither takes a mode. Both share the flights,
 * so a refresh joins a client's fetch of the same key and the other way round.
 */
export class Reads {
  constructor(private readonly parts: ReadsParts) {}

  /**
   * What the cache answers for each key, in order; `undefined` where the providers must be asked.
   * `queryOf` gives what a refresh of the key would ask.
   */
  async lookup<K extends CacheKind>(kind: K, keys: readonly string[], queryOf: (key: string) => unknown): Promise<Array<Settled<ValueOf<K>> | undefined>> {
    const found = await this.parts.cache.lookupMany<ValueOf<K>>(kind, keys);
    return keys.map((key, position) => this.parts.freshness.fromCache(kind, key, queryOf(key), found[position]));
  }

  /**
   * Each symbol's answer: symbols already being fetched join that fetch; the rest go out together
   * as one batch, so concurrent requests never fetch a symbol twice. The calls a fetch makes are
   * `caller`'s: a read that joins a fetch already running costs its own caller nothing.
   */
  fetchBatch<K extends BatchKind>(kind: K, symbols: readonly string[], caller: Caller | undefined): Promise<Map<string, Settled<ValueOf<K>>>> {
    return this.parts.flights.coalesce(kind, symbols, (owned) => this.parts.chain.batch(kind, owned, caller), (symbol, outcome) => this.settle(kind, symbol, symbol, outcome));
  }

  /** One symbol's answer, as `fetchBatch` gives it. */
  fetchSymbol<K extends BatchKind>(kind: K, symbol: string, caller: Caller | undefined): Promise<Settled<ValueOf<K>>> {
    return this.parts.flights.coalesceOne(kind, symbol, (owned) => this.parts.chain.batch(kind, owned, caller), (_, outcome) => this.settle(kind, symbol, symbol, outcome));
  }

  /** A query's answer from its flight; `subject` names what a NOT_FOUND is about. */
  fetchQuery<K extends QueryKind>(kind: K, key: string, query: QueryOf<K>, subject: string | undefined, caller: Caller | undefined): Promise<Settled<ValueOf<K>>> {
    return this.parts.flights.coalesceOne(
      kind,
      key,
      async () => new Map([[key, await this.parts.chain.query(kind, key, query, subject, caller)]]),
      (_, outcome) => this.settle(kind, key, query, outcome),
    );
  }

  /** A query read whole: what the cache answers, else its flight. */
  async answerQuery<K extends QueryKind>(kind: K, key: string, query: QueryOf<K>, subject: string | undefined, caller: Caller | undefined): Promise<Settled<ValueOf<K>>> {
    const [cached] = await this.lookup(kind, [key], () => query);
    return cached ?? this.fetchQuery(kind, key, query, subject, caller);
  }

  /** The answer for an outcome: the value or the NOT_FOUND as they are; for no answer, this reader's last resort. */
  private async settle<T>(kind: CacheKind, key: string, query: unknown, outcome: ChainOutcome<T>): Promise<Settled<T>> {
    if ('value' in outcome) return { answer: outcome.value };
    if ('notFound' in outcome) return { answer: outcome.notFound };
    return { answer: await this.parts.freshness.lastResort<T>(kind, key, query, outcome.failure), failure: outcome.failure };
  }
}
