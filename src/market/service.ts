import {
  ErrorCode,
  MarketError,
  parseSearchText,
  parseSeriesId,
  parseSymbol,
  toClientError,
  type Bar,
  type CacheKind,
  type Caller,
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
import { Coalescing } from './coalescing/coalescing.js';
import { Freshness } from './freshness.js';
import { isBatchKind, isQueryKind, subjectOf, type BatchKind, type QueryKind, type QueryOf, type ValueOf } from './kinds.js';
import { ProviderChain } from './provider-chain.js';
import type { Settled } from './read-outcome.js';
import { Reads } from './reads.js';
import type { Span } from '@opentelemetry/api';
import { inReadSpan } from './read-span.js';
import type { MarketServiceOptions, RefreshWork } from './service-options.js';

export type { MarketServiceOptions, ProviderAnswer, ProviderCallEvent, RefreshScheduler, RefreshWork } from './service-options.js';

/**
 * The provider-neutral market: every read goes cache → single-flight → provider chain. Batched
 * reads answer one entry per asked symbol, in order, each either the value or the error a client
 * may see for that symbol alone, which is what DataLoader wants of a batch function.
 *
 * This is the public API: it parses inputs, makes cache keys, refuses provider calls a client may
 * not make, and hands the rest to its parts. `Reads` (reads.ts) is the read path, held twice:
 * `reads` for clients and `refreshes` for background work, told apart only by their freshness
 * (freshness.ts); `Coalescing` (coalescing.ts) is every flight, in process and across instances;
 * `ProviderChain` (provider-chain.ts) asks the providers.
 *
 * Every client read takes its `Caller` (the consumer and the field that asked): the provider calls
 * it causes are refused when the caller's budget is spent, and reported for it (audit, budgets).
 * Background work (refreshes, dead-letter retries) has no caller and is nobody's to pay for.
 */
export class MarketService {
  private readonly flights: Coalescing;
  private readonly reads: Reads;
  private readonly refreshes: Reads;

  constructor(private readonly options: MarketServiceOptions) {
    const freshness = new Freshness(options, (kind, key, query) => this.revalidate(kind, key, query));
    const chain = new ProviderChain({ ...options, memory: freshness });
    this.flights = new Coalescing({ ...options, memory: freshness });
    this.reads = new Reads({ cache: options.cache, chain, flights: this.flights, freshness: freshness.forClients });
    this.refreshes = new Reads({ cache: options.cache, chain, flights: this.flights, freshness: freshness.forRefreshes });
  }

  getQuotes(symbols: readonly string[], caller?: Caller): Promise<Array<Quote | MarketError>> {
    return this.getBatched('quote', symbols, caller);
  }

  getProfiles(symbols: readonly string[], caller?: Caller): Promise<Array<CompanyProfile | MarketError>> {
    return this.getBatched('profile', symbols, caller);
  }

  async getHistory(query: HistoryQuery, caller?: Caller): Promise<Bar[]> {
    const symbol = parseSymbol(query.symbol);
    const normalised = { ...query, symbol };
    return this.getQuery('history', `${symbol}:${query.from}:${query.to}:${query.interval}`, normalised, caller, symbol);
  }

  async getStatements(query: StatementQuery, caller?: Caller): Promise<FinancialStatement[]> {
    const symbol = parseSymbol(query.symbol);
    const normalised = { ...query, symbol };
    return this.getQuery('statements', `${symbol}:${query.statement}:${query.period}:${query.limit}`, normalised, caller, symbol);
  }

  async search(query: SearchQuery, caller?: Caller): Promise<SymbolMatch[]> {
    const text = parseSearchText(query.query);
    return this.getQuery('search', `${text.toLowerCase()}:${query.limit}`, { query: text, limit: query.limit }, caller);
  }

  async getEconomicSeries(query: EconomicSeriesQuery, caller?: Caller): Promise<EconomicSeries> {
    const id = parseSeriesId(query.id);
    const normalised = { id, ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
    return this.getQuery('economicSeries', `${id}:${query.from ?? ''}:${query.to ?? ''}`, normalised, caller, id);
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
    if (isBatchKind(work.capability)) {
      const hit = await this.options.cache.get(work.capability, work.key);
      settled = hit ? { answer: hit.value } : await this.refreshes.fetchSymbol(work.capability, work.key, undefined);
    } else if (isQueryKind(work.capability)) {
      settled = await this.refreshQuery(work.capability, work.key, work.query, undefined);
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

  private getBatched<K extends BatchKind>(kind: K, inputs: readonly string[], caller: Caller | undefined): Promise<Array<ValueOf<K> | MarketError>> {
    return inReadSpan(kind, { 'marketgraph.symbols': inputs.length }, (span) => this.readBatched(kind, inputs, caller, span));
  }

  private async readBatched<K extends BatchKind>(kind: K, inputs: readonly string[], caller: Caller | undefined, span: Span | undefined): Promise<Array<ValueOf<K> | MarketError>> {
    const answers = new Array<ValueOf<K> | MarketError>(inputs.length);
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
    const cached = await this.reads.lookup(kind, symbols, (symbol) => symbol);
    const misses: string[] = [];
    symbols.forEach((symbol, position) => {
      const hit = cached[position];
      if (hit) for (const index of wanted.get(symbol) ?? []) answers[index] = hit.answer;
      else misses.push(symbol);
    });
    span?.setAttributes({ 'marketgraph.cache.hits': symbols.length - misses.length, 'marketgraph.cache.misses': misses.length });

    if (misses.length > 0) {
      const refusal = await this.callRefusal(kind, misses, caller);
      // Refused: a miss that joins a fetch already running still costs no call.
      const fetchable = refusal ? misses.filter((symbol) => this.flights.isRunning(kind, symbol)) : misses;
      if (refusal) {
        span?.setAttribute('marketgraph.refused', misses.length - fetchable.length);
        const joined = new Set(fetchable);
        for (const symbol of misses) if (!joined.has(symbol)) for (const index of wanted.get(symbol) ?? []) answers[index] = refusal;
      }
      const fetched = await this.reads.fetchBatch(kind, fetchable, caller);
      for (const [symbol, settled] of fetched) for (const index of wanted.get(symbol) ?? []) answers[index] = settled.answer;
    }
    return answers;
  }

  /** `subject` names what a NOT_FOUND is about, in our words rather than the provider's. */
  private getQuery<K extends QueryKind>(kind: K, key: string, query: QueryOf<K>, caller: Caller | undefined, subject?: string): Promise<ValueOf<K>> {
    return inReadSpan(kind, { 'marketgraph.symbols': 1 }, async (span) => {
      const [cached] = await this.reads.lookup(kind, [key], () => query);
      span?.setAttributes({ 'marketgraph.cache.hits': cached ? 1 : 0, 'marketgraph.cache.misses': cached ? 0 : 1 });
      const { answer } = cached ?? (await this.fetchUnlessRefused(kind, key, query, subject, caller));
      if (answer instanceof MarketError) throw answer;
      return answer;
    });
  }

  private async fetchUnlessRefused<K extends QueryKind>(
    kind: K,
    key: string,
    query: QueryOf<K>,
    subject: string | undefined,
    caller: Caller | undefined,
  ): Promise<Settled<ValueOf<K>>> {
    const refusal = await this.callRefusal(kind, [key], caller);
    if (refusal && !this.flights.isRunning(kind, key)) return { answer: refusal };
    return this.reads.fetchQuery(kind, key, query, subject, caller);
  }

  /** Why the provider calls these keys would need are refused; nothing when each can join a flight running, or without a caller. */
  private async callRefusal(kind: CacheKind, keys: readonly string[], caller: Caller | undefined): Promise<MarketError | undefined> {
    if (!caller || !this.options.refuseProviderCall || keys.every((key) => this.flights.isRunning(kind, key))) return undefined;
    return this.options.refuseProviderCall(caller);
  }

  /**
   * The refresh of a key read inside its revalidation window (freshness.ts starts it): the refresh
   * reads, so it joins a fetch already running and a success stores the fresh value.
   */
  private revalidate(kind: CacheKind, key: string, query: unknown): Promise<Settled<unknown>> {
    if (isBatchKind(kind)) return this.refreshes.fetchSymbol(kind, key, undefined);
    return this.refreshQuery(kind, key, query, subjectOf(kind, query));
  }

  /**
   * A query read again in the background. Its query comes back untyped, from the revalidation
   * bookkeeping or a dead-letter job, but it is the one the key's client read was made with.
   */
  private refreshQuery(kind: QueryKind, key: string, query: unknown, subject: string | undefined): Promise<Settled<unknown>> {
    return this.refreshes.answerQuery(kind, key, query as QueryOf<QueryKind>, subject, undefined);
  }
}
