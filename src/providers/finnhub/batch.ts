import { ProviderError, ProviderFailureKind } from '../../domain/index.js';
import type { BatchResult } from '../adapter.js';

/**
 * Finnhub answers one symbol per call, so a "batch" is calls side by side. A symbol Finnhub does not
 * know fails alone; any other failure of a lone call is the call's failure and is thrown, so the
 * caller sees (and counts) it as the provider failing rather than as an answer about the symbol.
 */
export async function oneCallPerSymbol<T>(symbols: readonly string[], fetchOne: (symbol: string) => Promise<T>): Promise<BatchResult<T>> {
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
}
