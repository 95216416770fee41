import { ErrorCode, MarketError, ProviderError, ProviderFailureKind, type ProviderId, type Quote } from '../../domain/index.js';
import type { BatchResult, TickWatcher } from '../../providers/adapter.js';
import type { PollEvents } from './poll-events.js';

/**
 * The watched symbols of one polling feed and what each has heard: the last quote delivered (so
 * an unchanged or older one is not sent again) and the outage its watchers were told about (so
 * they are told once, not once a poll). The timers are poll-source.ts's.
 */

/** A watcher of one symbol of the polling feed. */
export type PollWatcher = TickWatcher;

interface Entry {
  readonly symbol: string;
  readonly watchers: Set<PollWatcher>;
  /** The newest quote delivered, as delivered. */
  last: Quote | undefined;
  /** The outage the watchers were told of; cleared by the next quote of the symbol. */
  failure: Error | undefined;
  /** The provider does not know the symbol: not asked again while it is watched. */
  unknown: boolean;
}

export interface ChunkOutcome {
  /** Quotes delivered. */
  readonly changed: number;
  /** Why the call failed as a whole, or the first RATE_LIMITED of its symbols (the pace must hear it). */
  readonly failure: Error | undefined;
}

export class PollSymbols {
  private readonly entries = new Map<string, Entry>();
  /** The latest RATE_LIMITED, told to the symbols a poll skipped after it. */
  lastRateLimit: Error;

  constructor(
    private readonly provider: ProviderId,
    private readonly events: PollEvents,
  ) {
    this.lastRateLimit = new ProviderError(ProviderFailureKind.RATE_LIMITED, provider, `${provider} is rate limiting the quote poll`);
  }

  /** The symbols a poll asks for, in the order they were first watched. */
  polled(): string[] {
    const symbols: string[] = [];
    for (const entry of this.entries.values()) if (!entry.unknown) symbols.push(entry.symbol);
    return symbols;
  }

  /**
   * Adds a watcher; the returned function removes it. A watcher joining a symbol already polled
   * hears its last quote (or its outage) at once, after `start` has returned.
   */
  watch(symbol: string, watcher: PollWatcher): () => void {
    const known = this.entries.get(symbol);
    const entry: Entry = known ?? { symbol, watchers: new Set(), last: undefined, failure: undefined, unknown: false };
    entry.watchers.add(watcher);
    if (!known) this.entries.set(symbol, entry);
    else {
      queueMicrotask(() => {
        if (!entry.watchers.has(watcher)) return;
        if (entry.failure) watcher.onError(entry.failure);
        else if (entry.last) watcher.onTick(entry.last);
      });
    }
    return () => {
      if (!entry.watchers.delete(watcher) || entry.watchers.size > 0) return;
      if (this.entries.get(symbol) === entry) this.entries.delete(symbol);
    };
  }

  /** What one call answered for its chunk: quotes delivered where changed, failures told once. */
  apply(chunk: readonly string[], result: BatchResult<Quote> | Error): ChunkOutcome {
    if (result instanceof Error) {
      const [only] = chunk;
      // A call for one symbol failing NOT_FOUND is that symbol's answer, not an outage.
      if (chunk.length === 1 && only !== undefined && isNotFound(result)) this.refuse(only, result);
      else this.failed(chunk, result);
      return { changed: 0, failure: result };
    }
    let changed = 0;
    let failure: Error | undefined;
    for (const symbol of chunk) {
      const entry = this.entries.get(symbol);
      // Left while the call was under way: nobody to tell.
      if (!entry) continue;
      const answer = result.get(symbol) ?? new ProviderError(ProviderFailureKind.UNAVAILABLE, this.provider, `${this.provider} left ${symbol} out of its quote batch`);
      if (!(answer instanceof Error)) {
        if (this.deliver(entry, answer)) changed += 1;
      } else if (isNotFound(answer)) this.refuse(symbol, answer);
      else {
        if (failure === undefined && isRateLimited(answer)) failure = answer;
        this.failed([symbol], answer);
      }
    }
    return { changed, failure };
  }

  /** Tells the watchers of each symbol about `error`, unless they already heard of this outage. */
  failed(symbols: readonly string[], error: Error): void {
    if (isRateLimited(error)) this.lastRateLimit = error;
    for (const symbol of symbols) {
      const entry = this.entries.get(symbol);
      if (!entry || entry.failure) continue;
      entry.failure = error;
      for (const watcher of [...entry.watchers]) watcher.onError(error);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  /** An unknown symbol: said once, and not asked again while it is watched (it would only cost quota). */
  private refuse(symbol: string, error: Error): void {
    const entry = this.entries.get(symbol);
    if (!entry) return;
    entry.unknown = true;
    entry.failure = error;
    for (const watcher of [...entry.watchers]) watcher.onError(error);
  }

  /**
   * Delivers `quote` if it changed: a newer trade, or another price for the same one (a
   * correction). An older trade is never delivered, whatever its price: the watcher already has a
   * later one. Any answer ends the symbol's outage, changed or not.
   */
  private deliver(entry: Entry, quote: Quote): boolean {
    entry.failure = undefined;
    const last = entry.last;
    const at = quote.timestamp.getTime();
    if (last) {
      const lastAt = last.timestamp.getTime();
      if (at < lastAt || (at === lastAt && quote.price === last.price)) return false;
    }
    const live: Quote = { ...quote, feed: 'poll' };
    entry.last = live;
    for (const watcher of [...entry.watchers]) watcher.onTick(live);
    this.events.emitChanged({ provider: this.provider, symbol: entry.symbol, quote: live });
    return true;
  }
}

function isNotFound(error: Error): boolean {
  return (error instanceof ProviderError && error.kind === ProviderFailureKind.NOT_FOUND) || (error instanceof MarketError && error.code === ErrorCode.NOT_FOUND);
}

export function isRateLimited(error: Error): boolean {
  return (error instanceof ProviderError && error.kind === ProviderFailureKind.RATE_LIMITED) || (error instanceof MarketError && error.code === ErrorCode.RATE_LIMITED);
}
