import { ProviderError, ProviderFailureKind } from '../../domain/index.js';
import type { BatchFetcher, BatchResult } from '../adapter.js';

/**
 * A batch answered one upstream call per symbol. How the calls go out and what one failure does
 * to the rest differ by provider (its quota, its burst limits), so that is a strategy the adapter
 * picks; the batch contract (each symbol its value or its own Error) is the same for all.
 */
export type PerSymbolStrategy = <T>(symbols: readonly string[], fetchOne: (symbol: string) => Promise<T>) => Promise<BatchResult<T>>;

/** A BatchFetcher over an endpoint that takes one symbol a call, its calls made by `strategy`. */
export function oneSymbolPerCall<T>(strategy: PerSymbolStrategy, fetchOne: (symbol: string, signal: AbortSignal | undefined) => Promise<T>): BatchFetcher<T> {
  return {
    batchSize: 1,
    fetch: (symbols, options) => strategy(symbols, (symbol) => fetchOne(symbol, options?.signal)),
  };
}

/**
 * One call at a time, for a free quota counted per minute (Alpha Vantage). A symbol's own failure
 * stays with that symbol; when no symbol got an answer and something other than NOT_FOUND went
 * wrong (quota, outage, key), the call as a whole failed and says so, so that the caller's metrics
 * and fallback see it.
 */
export const inTurn: PerSymbolStrategy = async <T>(symbols: readonly string[], fetchOne: (symbol: string) => Promise<T>) => {
  const results = new Map<string, T | Error>();
  let answered = false;
  let callFailure: ProviderError | undefined;
  for (const symbol of symbols) {
    try {
      results.set(symbol, await fetchOne(symbol));
      answered = true;
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      if (error.kind !== ProviderFailureKind.NOT_FOUND) callFailure ??= error;
      results.set(symbol, error);
    }
  }
  if (!answered && callFailure) throw callFailure;
  return results;
};

/**
 * Every call side by side (Finnhub: generous per-second limits). A symbol the provider does not
 * know fails alone; any other failure of a lone call is the call's failure and is thrown, so the
 * caller sees (and counts) it as the provider failing rather than as an answer about the symbol.
 */
export const sideBySide: PerSymbolStrategy = async <T>(symbols: readonly string[], fetchOne: (symbol: string) => Promise<T>) => {
  const settled = await Promise.allSettled(symbols.map((symbol) => fetchOne(symbol)));
  const results = new Map<string, T | Error>();
  settled.forEach((outcome, index) => {
    const symbol = symbols[index] as string;
    if (outcome.status === 'fulfilled') {
      results.set(symbol, outcome.value);
      return;
    }
    const error: unknown = outcome.reason;
    const notFound = error instanceof ProviderError && error.kind === ProviderFailureKind.NOT_FOUND;
    if (!notFound && symbols.length === 1) throw error;
    results.set(symbol, error instanceof Error ? error : new Error(String(error)));
  });
  return results;
};

/** Per-symbol calls in flight at once: enough to hide latency, few enough not to look like a burst. */
export const FEW_AT_A_TIME = 4;

/**
 * Failures that are about the key rather than the symbol: once one comes back, every further call
 * of the batch would fail the same way and spend quota doing so.
 */
function stopsTheBatch(error: ProviderError): boolean {
  return error.kind === ProviderFailureKind.RATE_LIMITED || error.kind === ProviderFailureKind.UNAUTHORIZED;
}

/**
 * A few calls at a time (Polygon), each asked symbol once: each symbol gets its value or its own
 * ProviderError. After a rate limit or a refused key the remaining symbols get that error without
 * a call. Anything that is not a ProviderError is a bug and propagates.
 */
export const fewAtATime: PerSymbolStrategy = async <T>(symbols: readonly string[], task: (symbol: string) => Promise<T>) => {
  const unique = [...new Set(symbols)];
  const results = new Map<string, T | Error>();
  let stopped: ProviderError | undefined;
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < unique.length) {
      const symbol = unique[next++] as string;
      if (stopped) {
        results.set(symbol, stopped);
        continue;
      }
      try {
        results.set(symbol, await task(symbol));
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        if (stopsTheBatch(error)) stopped ??= error;
        results.set(symbol, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(FEW_AT_A_TIME, unique.length) }, worker));
  return results;
};
