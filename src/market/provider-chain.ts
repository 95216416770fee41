import { ProviderError, ProviderFailureKind, toClientError, type CacheKind, type Caller, type MarketError } from '../domain/index.js';
import type { BatchFetcher, ProviderAdapter } from '../providers/adapter.js';
import { ChainBudget } from './budget.js';
import { chunk, mapBounded } from './chunks.js';
import { batchFetcherOf, noProvider, notFound, queryFetcherOf, type BatchKind, type QueryKind, type QueryOf, type ValueOf } from './kinds.js';
import { withFallbackFrom, type ChainOutcome } from './read-outcome.js';
import type { MarketServiceOptions, ProviderAnswer, ProviderCallEvent } from './service-options.js';

/** How many provider chunks of one batch may be in flight at once, unless configured (BATCH_CONCURRENCY). */
const DEFAULT_BATCH_CONCURRENCY = 4;
const DEFAULT_CHAIN_BUDGET_MS = 3_000;

/**
 * Where the chain keeps what providers answered, the moment they answer (the cache, through
 * freshness.ts): a value, or a NOT_FOUND for the negative TTL, so asking again costs no call.
 */
export interface ChainMemory {
  remember(kind: CacheKind, key: string, value: unknown): void;
  rememberNotFound(kind: CacheKind, key: string, error: MarketError): void;
}

export type ProviderChainOptions = Pick<MarketServiceOptions, 'registry' | 'chainBudgetMs' | 'batchConcurrency' | 'onProviderCall' | 'onAnswered'> & {
  readonly memory: ChainMemory;
};

/**
 * One trip down the provider chain, within the chain's latency budget: the providers that serve
 * the kind, in the order routing gives, each asked for what the ones before could not answer.
 * A provider `NOT_FOUND` ends the chain for that input (an answer about the symbol, not the
 * provider); any other failure passes it to the next provider. What the chain cannot answer comes
 * back as the chain's last error: what to serve instead is freshness's business (freshness.ts).
 */
export class ProviderChain {
  private readonly budgetMs: number;

  constructor(private readonly options: ProviderChainOptions) {
    this.budgetMs = options.chainBudgetMs ?? DEFAULT_CHAIN_BUDGET_MS;
  }

  /**
   * Asks each provider of the chain in turn, within the chain's latency budget, for the symbols
   * the previous ones could not answer, split to the provider's `batchSize`, at most
   * `batchConcurrency` chunks at once. One outcome per symbol. Every call is reported for `caller`.
   */
  async batch<K extends BatchKind>(kind: K, symbols: readonly string[], caller: Caller | undefined): Promise<Map<string, ChainOutcome<ValueOf<K>>>> {
    const outcomes = new Map<string, ChainOutcome<ValueOf<K>>>();
    let remaining = [...symbols];
    const lastErrors = new Map<string, unknown>();
    const failedBefore = new Map<string, string[]>();
    const chain = this.options.registry.chain(kind);
    const budget = new ChainBudget(this.budgetMs);
    for (const [position, adapter] of chain.entries()) {
      if (remaining.length === 0 || budget.exhausted) break;
      const fetcher = batchFetcherOf(kind, adapter);
      const signal = budget.signalFor(chain.length - position);
      const chunks = chunk(remaining, fetcher.batchSize);
      const concurrency = this.options.batchConcurrency?.(adapter.id) ?? DEFAULT_BATCH_CONCURRENCY;
      const results = await mapBounded(chunks, concurrency, (part) => this.callBatch(adapter, kind, fetcher, part, signal, caller));
      const unanswered: string[] = [];
      chunks.forEach((part, chunkIndex) => {
        const result = results[chunkIndex];
        for (const symbol of part) {
          const entry = result instanceof Error ? result : result?.get(symbol);
          if (entry === undefined || entry instanceof Error) {
            const error = entry ?? new ProviderError(ProviderFailureKind.NOT_FOUND, adapter.id, `No ${kind} for ${symbol}`);
            if (isFinalFailure(error)) outcomes.set(symbol, { notFound: this.notFoundHere(kind, symbol, notFound(kind, symbol)) });
            else {
              lastErrors.set(symbol, error);
              failedBefore.set(symbol, [...(failedBefore.get(symbol) ?? []), adapter.id]);
              unanswered.push(symbol);
            }
          } else {
            outcomes.set(symbol, { value: withFallbackFrom(entry, failedBefore.get(symbol)) });
            this.options.memory.remember(kind, symbol, entry);
            this.options.onAnswered?.({ kind, key: symbol, query: undefined, value: entry } as ProviderAnswer);
          }
        }
      });
      remaining = unanswered;
    }
    for (const symbol of remaining) outcomes.set(symbol, { failure: lastErrors.get(symbol) ?? noProvider(kind) });
    return outcomes;
  }

  /** One trip down the chain for a query; `subject` names what a NOT_FOUND is about, in our words rather than the provider's. */
  async query<K extends QueryKind>(kind: K, key: string, query: QueryOf<K>, subject: string | undefined, caller: Caller | undefined): Promise<ChainOutcome<ValueOf<K>>> {
    let lastError: unknown = noProvider(kind);
    const failed: string[] = [];
    const chain = this.options.registry.chain(kind);
    const budget = new ChainBudget(this.budgetMs);
    for (const [position, adapter] of chain.entries()) {
      if (budget.exhausted) break;
      const fetcher = queryFetcherOf(kind, adapter);
      const signal = budget.signalFor(chain.length - position);
      const started = performance.now();
      try {
        const value = await fetcher.fetch(query, { signal });
        this.report(caller, adapter, kind, 1, started, 'ok');
        this.options.memory.remember(kind, key, value);
        this.options.onAnswered?.({ kind, key, query, value } as ProviderAnswer);
        return { value: withFallbackFrom(value, failed) };
      } catch (error) {
        this.report(caller, adapter, kind, 1, started, error instanceof ProviderError ? error.kind : 'ERROR');
        if (isFinalFailure(error)) return { notFound: this.notFoundHere(kind, key, subject ? notFound(kind, subject) : toClientError(error)) };
        lastError = budgetAware(error, adapter.id, signal);
        failed.push(adapter.id);
      }
    }
    return { failure: lastError };
  }

  private async callBatch<T>(
    adapter: ProviderAdapter,
    kind: BatchKind,
    fetcher: BatchFetcher<T>,
    symbols: readonly string[],
    signal: AbortSignal,
    caller: Caller | undefined,
  ): Promise<ReadonlyMap<string, T | Error> | Error> {
    const started = performance.now();
    try {
      const result = await fetcher.fetch(symbols, { signal });
      this.report(caller, adapter, kind, symbols.length, started, 'ok');
      return result;
    } catch (error) {
      this.report(caller, adapter, kind, symbols.length, started, error instanceof ProviderError ? error.kind : 'ERROR');
      return budgetAware(error, adapter.id, signal);
    }
  }

  /** The NOT_FOUND as this key's outcome, remembered at once (see `ChainMemory`). */
  private notFoundHere(kind: CacheKind, key: string, error: MarketError): MarketError {
    this.options.memory.rememberNotFound(kind, key, error);
    return error;
  }

  private report(caller: Caller | undefined, adapter: ProviderAdapter, capability: string, items: number, started: number, outcome: ProviderCallEvent['outcome']): void {
    this.options.onProviderCall?.({ caller, provider: adapter.id, capability, items, durationMs: performance.now() - started, outcome });
  }
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
