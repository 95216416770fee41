import { ProviderError, ProviderFailureKind } from '../../domain/index.js';
import type { BatchResult } from '../adapter.js';

/**
 * A batch answered one upstream call per symbol. A symbol's own failure stays with that symbol;
 * when no symbol got an answer and something other than NOT_FOUND went wrong (quota, outage, key),
 * the call as a whole failed and says so, so that the caller's metrics and fallback see it.
 */
export async function perSymbol<T>(symbols: readonly string[], fetchOne: (symbol: string) => Promise<T>): Promise<BatchResult<T>> {
  const results = new Map<string, T | Error>();
  let answered = false;
  let callFailure: ProviderError | undefined;
  // One at a time: these endpoints take one symbol per call and the free quota is per minute.
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
}
