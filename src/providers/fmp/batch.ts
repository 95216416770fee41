import type { z } from 'zod';
import { ProviderError } from '../../domain/index.js';
import type { BatchFetcher, BatchResult, FetchOptions } from '../adapter.js';
import type { FmpClient } from './client.js';
import { toFmpSymbol } from './symbols.js';

/**
 * Batched capabilities (quote, profile) over calls that answer an array of rows, one per symbol
 * FMP knows. A symbol FMP leaves out is NOT_FOUND alone; a row that fails its schema is
 * BAD_RESPONSE alone; a call that fails as a whole fails every symbol it carried.
 */

/** A BatchFetcher that sends at most `batchSize` symbols per call. */
export function batchFetcher<T>(
  batchSize: number,
  fetchChunk: (symbols: readonly string[], options?: FetchOptions) => Promise<BatchResult<T>>,
): BatchFetcher<T> {
  return {
    batchSize,
    async fetch(symbols, options) {
      const chunks: string[][] = [];
      for (let start = 0; start < symbols.length; start += batchSize) chunks.push(symbols.slice(start, start + batchSize));
      const [only] = chunks;
      // One call: its failure is the batch's failure, thrown as the contract says.
      if (chunks.length === 1 && only) return fetchChunk(only, options);
      // Several calls (when a caller did not split to batchSize): each call fails only its own symbols.
      const results = new Map<string, T | Error>();
      await Promise.all(
        chunks.map(async (chunk) => {
          try {
            for (const [symbol, value] of await fetchChunk(chunk, options)) results.set(symbol, value);
          } catch (error) {
            if (!(error instanceof ProviderError)) throw error;
            for (const symbol of chunk) results.set(symbol, error);
          }
        }),
      );
      return results;
    },
  };
}

/**
 * Each asked symbol's answer out of one call's rows. Rows are matched to asked symbols by FMP's
 * spelling (BRK-B answers BRK.B); `fromRow` may throw a ProviderError for its symbol alone.
 */
export function answerEach<R, T>(
  client: FmpClient,
  asked: readonly string[],
  body: unknown,
  rowSchema: z.ZodType<R>,
  fromRow: (symbol: string, row: R) => T,
  what: string,
): Map<string, T | Error> {
  const label = `${what} ${asked.join(',')}`;
  if (!Array.isArray(body)) throw client.invalid(label, 'expected an array of rows');
  const askedBySpelling = new Map<string, string[]>();
  for (const symbol of asked) {
    const spelling = toFmpSymbol(symbol);
    askedBySpelling.set(spelling, [...(askedBySpelling.get(spelling) ?? []), symbol]);
  }

  const results = new Map<string, T | Error>();
  for (const item of body) {
    const spelling = symbolOf(item);
    if (spelling === undefined) throw client.invalid(label, 'a row without a symbol');
    const parsed = rowSchema.safeParse(item);
    for (const symbol of askedBySpelling.get(spelling) ?? []) {
      if (results.has(symbol)) continue;
      results.set(symbol, parsed.success ? answerOne(() => fromRow(symbol, parsed.data)) : client.invalid(`${what} ${symbol}`, parsed.error));
    }
  }
  for (const symbol of asked) if (!results.has(symbol)) results.set(symbol, client.notFound(`${what} for ${symbol}`));
  return results;
}

function answerOne<T>(fromRow: () => T): T | Error {
  try {
    return fromRow();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
}

function symbolOf(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const symbol = (item as { symbol?: unknown }).symbol;
  return typeof symbol === 'string' && symbol.trim() !== '' ? symbol.trim().toUpperCase() : undefined;
}
