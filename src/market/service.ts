import { AsyncResource } from 'node:async_hooks';
import {
  ErrorCode,
  MarketError,
  ProviderError,
  ProviderFailureKind,
  parseSearchText,
  parseSeriesId,
  parseSymbol,
  toClientError,
  type Bar,
  type CompanyProfile,
  type EconomicSeries,
  type EconomicSeriesQuery,
  type FinancialStatement,
  type HistoryQuery,
  type ProviderId,
  type Quote,
  type SearchQuery,
  type StatementQuery,
  type SymbolMatch,
} from '../domain/index.js';
import type { BatchFetcher, ProviderAdapter, QueryFetcher } from '../providers/adapter.js';
import type { RefreshRequest } from '../resilience/dead-letters.js';
import type { CacheKind, CacheLookup, MarketCache } from './cache.js';
import { chunk, mapBounded } from './chunks.js';
import type { ProviderRegistry } from './registry.js';
import { ChainBudget } from './budget.js';
import { SingleFlight } from './single-flight.js';
import type { ClusterFlight } from './cluster-flight.js';
import { decodeOutcome, encodeOutcome } from './flight-outcome.js';
import { markServedStale } from './staleness.js';
import { noteFetchedAt } from './fetched-at.js';
import { Revalidations } from './revalidation.js';

/** How many provider chunks of one batch may be in flight at once, unless configured (BATCH_CONCURRENCY). */
const DEFAULT_BATCH_CONCURRENCY = 4;

type BatchCapability = 'quote' | 'profile';
type QueryCapability = 'history' | 'statements' | 'search' | 'economicSeries';
const BATCH_CAPABILITIES: ReadonlySet<string> = new Set<BatchCapability>(['quote', 'profile']);
const QUERY_CAPABILITIES: ReadonlySet<string> = new Set<QueryCapability>(['history', 'statements', 'search', 'economicSeries']);

/**
 * What one trip down the provider chain settled for a key: the answer a caller gets and, when no
 * provider could answer, the chain's last error (the answer is then the stale copy or the error a
 * client may see). Flights carry this, so a background refresh that joins a request's flight
 * still learns whether the chain answered.
 */
interface Settled<T> {
  readonly answer: T | MarketError;
  readonly failure?: unknown;
}

/**
 * Where the refresh of a key no provider could answer goes (the dead-letter queue fits): one
 * per key while one is queued, retried, then parked for an operator to replay.
 */
export interface RefreshScheduler {
  schedule(request: RefreshRequest): unknown;
  /** Replays the parked refreshes of these providers; answers how many. */
  replay(providers: readonly string[]): Promise<number>;
}

/** The work of one background refresh, as a dead-letter job carries it. */
export interface RefreshWork {
  readonly capability: string;
  readonly key: string;
  readonly query: unknown;
}

/** What a provider call made by the service reports, for metrics and audit. */
export interface ProviderCallEvent {
  readonly provider: string;
  readonly capability: string;
  readonly items: number;
  readonly durationMs: number;
  readonly outcome: 'ok' | ProviderFailureKind | 'ERROR';
}

export interface MarketServiceOptions {
  readonly registry: ProviderRegistry;
  readonly cache: MarketCache;
  /** Told of every provider call, so observability needs no hooks in call sites. */
  readonly onProviderCall?: (event: ProviderCallEvent) => void;
  /** Told when the cache fails to store; the request goes on regardless. */
  readonly onCacheError?: (error: unknown) => void;
  /** Told when an answer is served stale because no provider could answer. */
  readonly onStaleServed?: (event: { readonly kind: CacheKind; readonly key: string }) => void;
  /** Latency budget of one trip down the provider chain (default 3 s). */
  readonly chainBudgetMs?: number;
  /** Given a refresh of every key no provider could answer, so the cache is repaired once a provider is back. */
  readonly refreshes?: RefreshScheduler;
  /** With it, a miss is fetched once per cluster, not once per process (REDIS_URL). */
  readonly clusterFlight?: ClusterFlight;
  /** Told of each miss that joined a fetch already running, in this process or another instance. */
  readonly onCoalesced?: (event: { readonly scope: 'process' | 'cluster'; readonly kind: CacheKind }) => void;
  /** Chunks of one batch in flight at once, by provider (default 4); the provider's bulkhead bounds all its calls. */
  readonly batchConcurrency?: (provider: ProviderId) => number;
  /**
   * Asked before a client's read calls a provider (a miss no running fetch can answer), never for
   * a cache hit or a background refresh: an error refuses the call, and each such read answers it
   * (a consumer's spent provider-call budget) while the reads the cache answered are served.
   */
  readonly refuseProviderCall?: () => Promise<MarketError | undefined>;
}

const DEFAULT_CHAIN_BUDGET_MS = 3_000;

/**
 * The provider-neutral market: every read goes cache → single-flight → provider chain. Batched
 * reads answer one entry per asked symbol, in order, each either the value or the error a client
 * may see for that symbol alone, which is what DataLoader wants of a batch function.
 */
export class MarketService {
  private readonly flights = new SingleFlight<unknown>();
  private readonly revalidations = new Revalidations();
  private readonly chainBudgetMs: number;
  /**
   * The async context the service was built in, outside any request. Background work (a refresh
   * of a read inside the revalidation window, a dead-letter retry) runs in it: started from a
   * request, it would otherwise inherit that request's async-local state, and its provider calls
   * would be charged to, and audited for, the consumer who happened to read the key.
   */
  private readonly outsideRequests = new AsyncResource('MarketServiceBackground');

  constructor(private readonly options: MarketServiceOptions) {
    this.chainBudgetMs = options.chainBudgetMs ?? DEFAULT_CHAIN_BUDGET_MS;
  }

  getQuotes(symbols: readonly string[]): Promise<Array<Quote | MarketError>> {
    return this.getBatched<Quote>('quote', symbols);
  }

  getProfiles(symbols: readonly string[]): Promise<Array<CompanyProfile | MarketError>> {
    return this.getBatched<CompanyProfile>('profile', symbols);
  }

  async getHistory(query: HistoryQuery): Promise<Bar[]> {
    const symbol = parseSymbol(query.symbol);
    const normalised = { ...query, symbol };
    return this.getQuery('history', `${symbol}:${query.from}:${query.to}:${query.interval}`, normalised, symbol);
  }

  async getStatements(query: StatementQuery): Promise<FinancialStatement[]> {
    const symbol = parseSymbol(query.symbol);
    const normalised = { ...query, symbol };
    return this.getQuery('statements', `${symbol}:${query.statement}:${query.period}:${query.limit}`, normalised, symbol);
  }

  async search(query: SearchQuery): Promise<SymbolMatch[]> {
    const text = parseSearchText(query.query);
    return this.getQuery('search', `${text.toLowerCase()}:${query.limit}`, { query: text, limit: query.limit });
  }

  async getEconomicSeries(query: EconomicSeriesQuery): Promise<EconomicSeries> {
    const id = parseSeriesId(query.id);
    const normalised = { id, ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
    return this.getQuery('economicSeries', `${id}:${query.from ?? ''}:${query.to ?? ''}`, normalised, id);
  }

  /**
   * One background refresh of a key no provider could answer, with no client waiting: the path a
   * request takes (fresh cache, single-flight, the chain), so a success stores the fresh value.
   * Resolves once the key is fresh or a provider said it does not exist; rejects with the chain's
   * last error while no provider can answer. A failing refresh serves nobody, so it counts no
   * stale answer and schedules no further refresh (its job retries on its own schedule).
   */
  async refresh(work: RefreshWork): Promise<void> {
    let settled: Settled<unknown>;
    if (BATCH_CAPABILITIES.has(work.capability)) {
      const capability = work.capability as BatchCapability;
      const hit = await this.options.cache.get(capability, work.key);
      settled = hit ? { answer: hit.value } : ((await this.fetchMisses(capability, [work.key], true))[0] as Settled<unknown>);
    } else if (QUERY_CAPABILITIES.has(work.capability)) {
      settled = await this.settleQuery(work.capability as QueryCapability, work.key, work.query, undefined, true);
    } else {
      throw new MarketError(ErrorCode.BAD_USER_INPUT, `No such capability to refresh: "${work.capability}".`);
    }
    if (settled.failure !== undefined) throw settled.failure;
  }

  /**
   * Replays the parked background refreshes of one enabled provider, or of every enabled provider
   * without one; answers how many were replayed. A provider this gateway does not run is
   * BAD_USER_INPUT, as for a breaker reset.
   */
  async replayDeadLetters(provider?: ProviderId): Promise<number> {
    const enabled = this.options.registry.summaries().map((summary) => summary.id);
    if (provider !== undefined && !enabled.includes(provider)) {
      throw new MarketError(ErrorCode.BAD_USER_INPUT, `Provider "${provider}" is not enabled on this gateway.`, { provider, enabled });
    }
    return this.options.refreshes?.replay(provider === undefined ? enabled : [provider]) ?? 0;
  }

  private async getBatched<T>(capability: BatchCapability, inputs: readonly string[]): Promise<Array<T | MarketError>> {
    const answers = new Array<T | MarketError>(inputs.length);
    const wanted = new Map<string, number[]>();
    inputs.forEach((input, index) => {
      try {
        const symbol = parseSymbol(input);
        wanted.set(symbol, [...(wanted.get(symbol) ?? []), index]);
      } catch (error) {
        answers[index] = toClientError(error);
      }
    });

    const symbols = [...wanted.keys()];
    const found = await this.options.cache.lookupMany<T>(capability, symbols);
    const misses: string[] = [];
    symbols.forEach((symbol, position) => {
      const answer = this.fromCache(capability, symbol, symbol, found[position], false);
      if (answer) for (const index of wanted.get(symbol) ?? []) answers[index] = answer.answer;
      else misses.push(symbol);
    });

    if (misses.length > 0) {
      const refusal = await this.callRefusal(misses.map((symbol) => `${capability}:${symbol}`));
      // Refused: a miss that joins a fetch already running still costs no call.
      const fetchable = refusal ? misses.filter((symbol) => this.flights.join(`${capability}:${symbol}`) !== undefined) : misses;
      if (refusal) {
        const joined = new Set(fetchable);
        for (const symbol of misses) if (!joined.has(symbol)) for (const index of wanted.get(symbol) ?? []) answers[index] = refusal;
      }
      const fetched = await this.fetchMisses<T>(capability, fetchable);
      fetchable.forEach((symbol, position) => {
        for (const index of wanted.get(symbol) ?? []) answers[index] = (fetched[position] as Settled<T>).answer;
      });
    }
    return answers;
  }

  /** Why the provider calls these flights would need are refused; nothing when each can join one running. */
  private async callRefusal(flightKeys: readonly string[]): Promise<MarketError | undefined> {
    if (!this.options.refuseProviderCall || flightKeys.every((key) => this.flights.join(key) !== undefined)) return undefined;
    return this.options.refuseProviderCall();
  }

  /**
   * Misses already being fetched by a concurrent request join that fetch; the rest go out
   * together as one batch, so concurrent requests never fetch a symbol twice.
   */
  private fetchMisses<T>(capability: BatchCapability, symbols: readonly string[], background = false): Promise<Array<Settled<T>>> {
    const flightKey = (symbol: string) => `${capability}:${symbol}`;
    const unclaimed = symbols.filter((symbol) => this.flights.join(flightKey(symbol)) === undefined);
    for (let joined = symbols.length - unclaimed.length; joined > 0; joined -= 1) this.options.onCoalesced?.({ scope: 'process', kind: capability });
    if (unclaimed.length > 0) {
      // Across the cluster: the symbols this instance claims go out as one batch; the rest are awaited.
      const batch = this.acrossCluster<T>(capability, unclaimed, (symbol) => symbol, background, (owned) =>
        this.fetchBatchThroughChain<T>(capability, owned, background),
      );
      for (const symbol of unclaimed) void this.flights.run(flightKey(symbol), () => batch.then((settled) => settled.get(symbol)));
    }
    // Every symbol now has a flight: ours, or the concurrent request's we joined.
    return Promise.all(symbols.map((symbol) => this.flights.join(flightKey(symbol)) as Promise<Settled<T>>));
  }

  /**
   * Asks each provider of the chain in turn, within the chain's latency budget, for the symbols
   * the previous ones could not answer. A symbol no provider could answer is served from the
   * stale cache when it can be, marked stale.
   */
  private async fetchBatchThroughChain<T>(capability: BatchCapability, symbols: readonly string[], background: boolean): Promise<Map<string, Settled<T>>> {
    const answers = new Map<string, Settled<T>>();
    let remaining = [...symbols];
    const lastErrors = new Map<string, unknown>();
    const failedBefore = new Map<string, string[]>();
    const chain = this.options.registry.chain(capability);
    const budget = new ChainBudget(this.chainBudgetMs);
    for (const [position, adapter] of chain.entries()) {
      if (remaining.length === 0 || budget.exhausted) break;
      const fetcher = adapter[capability] as BatchFetcher<T>;
      const signal = budget.signalFor(chain.length - position);
      const chunks = chunk(remaining, fetcher.batchSize);
      const concurrency = this.options.batchConcurrency?.(adapter.id) ?? DEFAULT_BATCH_CONCURRENCY;
      const results = await mapBounded(chunks, concurrency, (part) => this.callBatch(adapter, capability, fetcher, part, signal));
      const unanswered: string[] = [];
      chunks.forEach((part, chunkIndex) => {
        const result = results[chunkIndex];
        for (const symbol of part) {
          const entry = result instanceof Error ? result : result?.get(symbol);
          if (entry === undefined || entry instanceof Error) {
            const error = entry ?? new ProviderError(ProviderFailureKind.NOT_FOUND, adapter.id, `No ${capability} for ${symbol}`);
            if (isFinalFailure(error)) answers.set(symbol, { answer: this.rememberNotFound(capability, symbol, notFound(capability, symbol)) });
            else {
              lastErrors.set(symbol, error);
              failedBefore.set(symbol, [...(failedBefore.get(symbol) ?? []), adapter.id]);
              unanswered.push(symbol);
            }
          } else {
            answers.set(symbol, { answer: withFallbackFrom(entry, failedBefore.get(symbol)) });
            this.remember(capability, symbol, entry);
          }
        }
      });
      remaining = unanswered;
    }
    await Promise.all(
      remaining.map(async (symbol) => {
        const failure = lastErrors.get(symbol) ?? noProvider(capability);
        answers.set(symbol, { answer: await this.lastResort<T>(capability, symbol, symbol, failure, background), failure });
      }),
    );
    return answers;
  }

  private async callBatch<T>(
    adapter: ProviderAdapter,
    capability: BatchCapability,
    fetcher: BatchFetcher<T>,
    symbols: readonly string[],
    signal: AbortSignal,
  ): Promise<ReadonlyMap<string, T | Error> | Error> {
    const started = performance.now();
    try {
      const result = await fetcher.fetch(symbols, { signal });
      this.report(adapter, capability, symbols.length, started, 'ok');
      return result;
    } catch (error) {
      this.report(adapter, capability, symbols.length, started, error instanceof ProviderError ? error.kind : 'ERROR');
      return budgetAware(error, adapter.id, signal);
    }
  }

  /** `symbol` names what a NOT_FOUND is about, in our words rather than the provider's. */
  private async getQuery<Q, T>(capability: QueryCapability, key: string, query: Q, symbol?: string): Promise<T> {
    const { answer } = await this.settleQuery<Q, T>(capability, key, query, symbol);
    if (answer instanceof MarketError) throw answer;
    return answer;
  }

  private async settleQuery<Q, T>(capability: QueryCapability, key: string, query: Q, symbol?: string, background = false): Promise<Settled<T>> {
    const [found] = await this.options.cache.lookupMany<T>(capability, [key]);
    const cached = this.fromCache(capability, key, query, found, background);
    if (cached) return cached;
    const flightKey = `${capability}:${key}`;
    const refusal = background ? undefined : await this.callRefusal([flightKey]);
    if (refusal && !this.flights.join(flightKey)) return { answer: refusal };
    if (this.flights.join(flightKey)) this.options.onCoalesced?.({ scope: 'process', kind: capability });
    return this.flights.run(flightKey, async (): Promise<Settled<T>> => {
      const settled = await this.acrossCluster<T>(capability, [key], () => query, background, async () =>
        new Map([[key, await this.queryThroughChain<Q, T>(capability, key, query, symbol, background)]]),
      );
      return settled.get(key) ?? this.queryThroughChain<Q, T>(capability, key, query, symbol, background);
    }) as Promise<Settled<T>>;
  }

  /** One trip down the chain for a query; the stale copy or the client's error when no provider answers. */
  private async queryThroughChain<Q, T>(capability: QueryCapability, key: string, query: Q, symbol: string | undefined, background: boolean): Promise<Settled<T>> {
    let lastError: unknown = noProvider(capability);
    const failed: string[] = [];
    const chain = this.options.registry.chain(capability);
    const budget = new ChainBudget(this.chainBudgetMs);
    for (const [position, adapter] of chain.entries()) {
      if (budget.exhausted) break;
      const fetcher = adapter[capability] as unknown as QueryFetcher<Q, T>;
      const signal = budget.signalFor(chain.length - position);
      const started = performance.now();
      try {
        const value = await fetcher.fetch(query, { signal });
        this.report(adapter, capability, 1, started, 'ok');
        this.remember(capability, key, value);
        return { answer: withFallbackFrom(value, failed) };
      } catch (error) {
        this.report(adapter, capability, 1, started, error instanceof ProviderError ? error.kind : 'ERROR');
        if (isFinalFailure(error)) return { answer: this.rememberNotFound(capability, key, symbol ? notFound(capability, symbol) : toClientError(error)) };
        lastError = budgetAware(error, adapter.id, signal);
        failed.push(adapter.id);
      }
    }
    return { answer: await this.lastResort<T>(capability, key, query, lastError, background), failure: lastError };
  }

  /**
   * `work` for the keys this instance claims across the cluster, in one call; for the keys another
   * instance is fetching, its outcome: the value (cached here too), a NOT_FOUND as it is, or, when
   * no provider could answer it, this instance's own stale copy or that error. Without a cluster
   * flight (no REDIS_URL), `work` for every key.
   */
  private acrossCluster<T>(
    kind: CacheKind,
    keys: readonly string[],
    queryOf: (key: string) => unknown,
    background: boolean,
    work: (keys: readonly string[]) => Promise<ReadonlyMap<string, Settled<T>>>,
  ): Promise<ReadonlyMap<string, Settled<T>>> {
    const cluster = this.options.clusterFlight;
    if (!cluster) return work(keys);
    return cluster.coalesce<Settled<T>>(kind, keys, work, {
      encode: (settled) => encodeOutcome(settled.answer, settled.failure),
      decode: async (payload, key): Promise<Settled<T> | undefined> => {
        const outcome = decodeOutcome(kind, payload);
        if (outcome === undefined) return undefined;
        this.options.onCoalesced?.({ scope: 'cluster', kind });
        if ('value' in outcome) {
          this.remember(kind, key, outcome.value);
          return { answer: withFallbackFrom(outcome.value as T, outcome.fallbackFrom) };
        }
        if (outcome.final) return { answer: outcome.error };
        return { answer: await this.lastResort<T>(kind, key, queryOf(key), outcome.error, background), failure: outcome.error };
      },
    });
  }

  /**
   * A cache lookup as an answer: a fresh value; a remembered NOT_FOUND; or, inside the kind's
   * revalidation window, the value answered at once while one background refresh of the key runs
   * (stale-while-revalidate). That answer is not stale: no provider has failed it. It is marked
   * stale only once a refresh of this very entry found no provider to answer. `undefined`: ask
   * the providers. A background refresh takes nothing past freshness: it is the one that asks.
   */
  private fromCache<T>(kind: CacheKind, key: string, query: unknown, found: CacheLookup<T> | undefined, background: boolean): Settled<T> | undefined {
    if (found === undefined) return undefined;
    if (found.state === 'notFound') return { answer: new MarketError(ErrorCode.NOT_FOUND, found.notFound.message, found.notFound.details) };
    if (found.state === 'fresh') return { answer: noteFetchedAt(found.value, kind, found.storedAt) };
    if (background) return undefined;
    const failed = this.revalidations.failedFor(kind, key, found.storedAt);
    this.revalidations.start(kind, key, found.storedAt, () => this.outsideRequests.runInAsyncScope(() => this.refreshInBackground(kind, key, query)));
    // Noted like a fresh hit, so the response cache sees it is past its freshness and keeps it not at all.
    if (!failed) return { answer: noteFetchedAt(found.value, kind, found.storedAt) };
    this.options.onStaleServed?.({ kind, key });
    return { answer: markServedStale(found.value) };
  }

  /**
   * The refresh of a key read inside its revalidation window: the request's own path (single-flight,
   * the chain), so it joins a fetch already running and a success stores the fresh value. If no
   * provider can answer, the refresh goes to the dead-letter queue, which retries it on its own
   * schedule. Answers whether a provider answered.
   */
  private async refreshInBackground(kind: CacheKind, key: string, query: unknown): Promise<boolean> {
    let settled: Settled<unknown>;
    try {
      settled = BATCH_CAPABILITIES.has(kind)
        ? ((await this.fetchMisses<unknown>(kind as BatchCapability, [key], true))[0] as Settled<unknown>)
        : await this.settleQuery<unknown, unknown>(kind as QueryCapability, key, query, subjectOf(kind, query), true);
    } catch (error) {
      settled = { answer: toClientError(error), failure: error };
    }
    if (settled.failure === undefined) return true;
    this.scheduleRefresh(kind, key, query, settled.failure);
    return false;
  }

  /** A provider's NOT_FOUND is remembered for the negative TTL, so asking again costs no provider call. */
  private rememberNotFound(kind: CacheKind, key: string, error: MarketError): MarketError {
    this.options.cache
      .setNotFound(kind, key, { message: error.message, details: error.details })
      .catch((failure: unknown) => this.options.onCacheError?.(failure));
    return error;
  }

  /**
   * When no provider could answer: the stale entry, marked stale, or the error a client may see.
   * A stale answer to a client also schedules one background refresh of the key (`query` is what
   * to ask again); a background refresh's own failure is no answer to anyone.
   */
  private async lastResort<T>(kind: CacheKind, key: string, query: unknown, lastError: unknown, background: boolean): Promise<T | MarketError> {
    const stale = await this.options.cache.getStale<T>(kind, key).catch(() => undefined);
    if (stale) {
      if (!background) {
        this.options.onStaleServed?.({ kind, key });
        this.scheduleRefresh(kind, key, query, lastError);
      }
      return markServedStale(stale.value);
    }
    return toClientError(lastError ?? noProvider(kind));
  }

  /** The refresh is the first provider's to owe: the one asked first, whose failure it is. */
  private scheduleRefresh(kind: CacheKind, key: string, query: unknown, error: unknown): void {
    const provider = this.options.refreshes && this.options.registry.chain(kind)[0]?.id;
    // Its retries run on timers: outside the request, or they would be charged to its consumer.
    if (provider) this.outsideRequests.runInAsyncScope(() => this.options.refreshes?.schedule({ provider, capability: kind, key, query, error: error ?? noProvider(kind) }));
  }

  /** A cache that cannot store is a slower gateway, not a failed request. */
  private remember(kind: CacheKind, key: string, value: unknown): void {
    this.options.cache.set(kind, key, value).catch((error: unknown) => this.options.onCacheError?.(error));
  }

  private report(adapter: ProviderAdapter, capability: string, items: number, started: number, outcome: ProviderCallEvent['outcome']): void {
    this.options.onProviderCall?.({ provider: adapter.id, capability, items, durationMs: performance.now() - started, outcome });
  }
}

/** Provenance of an answer that came from a fallback: who was asked first and failed. */
function withFallbackFrom<T>(value: T, failed: readonly string[] | undefined): T {
  if (!failed?.length || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return { ...value, fallbackFrom: [...failed] };
}

/** A call cut short by the chain's budget is an outage of that provider for this request. */
function budgetAware(error: unknown, provider: string, signal: AbortSignal): Error {
  if (error instanceof ProviderError) return error;
  if (signal.aborted) return new ProviderError(ProviderFailureKind.UNAVAILABLE, provider, `${provider}: no answer within the chain's latency budget`);
  return error instanceof Error ? error : new Error(String(error));
}

/** A NOT_FOUND from a provider is an answer about the symbol, not about the provider. */
function isFinalFailure(error: unknown): boolean {
  return error instanceof ProviderError && error.kind === ProviderFailureKind.NOT_FOUND;
}

const describedAs: Record<CacheKind, string> = {
  quote: 'quote',
  profile: 'company profile',
  history: 'price history',
  statements: 'financial statements',
  search: 'search result',
  economicSeries: 'economic series',
};

function notFound(capability: CacheKind, subject: string): MarketError {
  if (capability === 'economicSeries') {
    return new MarketError(ErrorCode.NOT_FOUND, `No economic series with id "${subject}".`, { id: subject });
  }
  return new MarketError(ErrorCode.NOT_FOUND, `No ${describedAs[capability]} found for symbol "${subject}".`, { symbol: subject });
}

/** What a query is about, in the words of a NOT_FOUND: the symbol or the series id. */
function subjectOf(kind: CacheKind, query: unknown): string | undefined {
  const fields = (query ?? {}) as { symbol?: unknown; id?: unknown };
  const subject = kind === 'economicSeries' ? fields.id : kind === 'search' ? undefined : fields.symbol;
  return typeof subject === 'string' ? subject : undefined;
}

function noProvider(capability: string): MarketError {
  return new MarketError(ErrorCode.PROVIDER_UNAVAILABLE, `No enabled provider can serve ${capability}.`);
}
