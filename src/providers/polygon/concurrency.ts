import { ProviderError, ProviderFailureKind } from '../../domain/index.js';
import type { BatchResult } from '../adapter.js';

/** Per-symbol calls in flight at once: enough to hide latency, few enough not to look like a burst. */
export const PER_SYMBOL_CONCURRENCY = 4;

/**
 * Failures that are about the key rather than the symbol: once one comes back, every further call
 * of the batch would fail the same way and spend quota doing so.
 */
function stopsTheBatch(error: ProviderError): boolean {
  return error.kind === ProviderFailureKind.RATE_LIMITED || error.kind === ProviderFailureKind.UNAUTHORIZED;
}

/**
 * One upstream call per symbol, a few at a time, collected as a batch result: each symbol gets its
 * value or its own ProviderError. After a rate limit or a refused key the remaining symbols get
 * that error without a call. Anything that is not a ProviderError is a bug and propagates.
 */
export async function perSymbol<T>(symbols: readonly string[], task: (symbol: string) => Promise<T>): Promise<BatchResult<T>> {
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
  await Promise.all(Array.from({ length: Math.min(PER_SYMBOL_CONCURRENCY, unique.length) }, worker));
  return results;
}
