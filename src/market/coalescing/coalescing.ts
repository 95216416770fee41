import type { CacheKind } from '../../domain/index.js';
import { decodeOutcome, encodeOutcome } from './flight-outcome.js';
import { noProvider, type ValueOf } from '../kinds.js';
import type { ChainMemory } from '../provider-chain.js';
import { withFallbackFrom, type ChainOutcome, type Settled } from '../read-outcome.js';
import { noteOnRead } from '../read-span.js';
import type { MarketServiceOptions } from '../service-options.js';
import { SingleFlight } from './single-flight.js';

/** Fetches the outcome of each key this instance must answer, in one call (a trip down the provider chain). */
export type FetchOutcomes<T> = (keys: readonly string[]) => Promise<ReadonlyMap<string, ChainOutcome<T>>>;

/** Turns a key's outcome into its answer: once per flight, by the read that started it, for every read that joined it. */
export type SettleOutcome<T> = (key: string, outcome: ChainOutcome<T>) => Promise<Settled<T>>;

export type CoalescingOptions = Pick<MarketServiceOptions, 'clusterFlight' | 'onCoalesced'> & {
  /** Keeps a value another instance fetched in this instance's cache too. */
  readonly memory: Pick<ChainMemory, 'remember'>;
};

/** One flight table per kind, so each carries its kind's answers. */
type Flights = { readonly [K in CacheKind]: SingleFlight<Settled<ValueOf<K>>> };

/**
 * One fetch per key, however many reads want it at once: the one way the service de-duplicates
 * provider calls. In process first (`SingleFlight`): a read whose key is already being fetched
 * joins that flight, so concurrent requests never fetch a key twice and at most one
 * instance-level waiter per key talks to Redis. Then, with a cluster flight (REDIS_URL), across
 * instances: the keys this instance claims go out in one call, the others are awaited from the
 * instance fetching them. Without one, every key this process does not already fetch is fetched.
 *
 * A flight carries the settled answer: the read that starts it settles each outcome once (a stale
 * copy or an error when no provider answered), and every read that joins it gets that answer.
 */
export class Coalescing {
  private readonly flights: Flights = {
    quote: new SingleFlight(),
    profile: new SingleFlight(),
    history: new SingleFlight(),
    statements: new SingleFlight(),
    search: new SingleFlight(),
    economicSeries: new SingleFlight(),
  };

  constructor(private readonly options: CoalescingOptions) {}

  /** Whether a read of this key would join a flight already running (and so cost no provider call). */
  isRunning(kind: CacheKind, key: string): boolean {
    return this.flights[kind].join(key) !== undefined;
  }

  /**
   * Each key's answer, from the flight running for it or from one started here: the keys no
   * flight is running for are fetched together, so they go out as one batch.
   */
  coalesce<K extends CacheKind>(
    kind: K,
    keys: readonly string[],
    fetch: FetchOutcomes<ValueOf<K>>,
    settle: SettleOutcome<ValueOf<K>>,
  ): Promise<Map<string, Settled<ValueOf<K>>>> {
    const flights = this.flights[kind];
    const unclaimed = keys.filter((key) => flights.join(key) === undefined);
    this.countJoined(kind, keys.length - unclaimed.length);
    noteOnRead({ 'marketgraph.flight.led': unclaimed.length, 'marketgraph.flight.joined': keys.length - unclaimed.length });
    let outcomes: Promise<ReadonlyMap<string, ChainOutcome<ValueOf<K>>>> | undefined;
    // Every key gets a flight: the one it joins, or one answered by this call's single fetch (started
    // with the first such flight). Across the cluster, the keys this instance claims go out as one
    // batch; the rest are awaited.
    const answers = keys.map((key) =>
      flights
        .run(key, () => this.settled(kind, key, (outcomes ??= this.acrossInstances(kind, unclaimed, fetch)), settle))
        .then((settled): [string, Settled<ValueOf<K>>] => [key, settled]),
    );
    return Promise.all(answers).then((entries) => new Map(entries));
  }

  /** One key's answer, from the flight running for it or from one started here. */
  coalesceOne<K extends CacheKind>(kind: K, key: string, fetch: FetchOutcomes<ValueOf<K>>, settle: SettleOutcome<ValueOf<K>>): Promise<Settled<ValueOf<K>>> {
    const flights = this.flights[kind];
    const joined = flights.join(key) === undefined ? 0 : 1;
    this.countJoined(kind, joined);
    noteOnRead({ 'marketgraph.flight.led': 1 - joined, 'marketgraph.flight.joined': joined });
    return flights.run(key, () => this.settled(kind, key, this.acrossInstances(kind, [key], fetch), settle));
  }

  /** A key's answer once its outcome is in; a key the fetch left out was answered by no provider. */
  private async settled<K extends CacheKind>(
    kind: K,
    key: string,
    outcomes: Promise<ReadonlyMap<string, ChainOutcome<ValueOf<K>>>>,
    settle: SettleOutcome<ValueOf<K>>,
  ): Promise<Settled<ValueOf<K>>> {
    return settle(key, (await outcomes).get(key) ?? { failure: noProvider(kind) });
  }

  private countJoined(kind: CacheKind, joined: number): void {
    for (let count = joined; count > 0; count -= 1) this.options.onCoalesced?.({ scope: 'process', kind });
  }

  /**
   * `fetch` for the keys this instance claims across the cluster, in one call; for the keys another
   * instance is fetching, its outcome: the value (cached here too), a NOT_FOUND as it is, or the
   * error no provider could get past (each waiter then settles it with its own stale copy). Without
   * a cluster flight (no REDIS_URL), `fetch` for every key.
   */
  private acrossInstances<K extends CacheKind>(
    kind: K,
    keys: readonly string[],
    fetch: FetchOutcomes<ValueOf<K>>,
  ): Promise<ReadonlyMap<string, ChainOutcome<ValueOf<K>>>> {
    const cluster = this.options.clusterFlight;
    if (!cluster) return fetch(keys);
    const startedAt = performance.now();
    let fromCluster = 0;
    const outcomes = cluster.coalesce<ChainOutcome<ValueOf<K>>>(kind, keys, fetch, {
      encode: (outcome) =>
        'value' in outcome ? encodeOutcome(outcome.value, undefined) : 'notFound' in outcome ? encodeOutcome(outcome.notFound, undefined) : encodeOutcome(undefined, outcome.failure),
      decode: (payload, key): ChainOutcome<ValueOf<K>> | undefined => {
        const outcome = decodeOutcome(kind, payload);
        if (outcome === undefined) return undefined;
        fromCluster += 1;
        this.options.onCoalesced?.({ scope: 'cluster', kind });
        if ('value' in outcome) {
          // decodeOutcome validated it against the kind's domain schema.
          const value = outcome.value as ValueOf<K>;
          this.options.memory.remember(kind, key, value);
          return { value: withFallbackFrom(value, outcome.fallbackFrom) };
        }
        return outcome.final ? { notFound: outcome.error } : { failure: outcome.error };
      },
    });
    // Awaited in the read's own context, so the note lands on its span.
    return outcomes.then((settled) => {
      if (fromCluster > 0) noteOnRead({ 'marketgraph.cluster_flight.joined': fromCluster, 'marketgraph.cluster_flight.wait_ms': Math.round(performance.now() - startedAt) });
      return settled;
    });
  }
}
