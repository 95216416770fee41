import { expect } from 'vitest';
import { ProviderError } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { fixture, type FakeUpstream, type RecordedRequest } from '../support/fake-upstream.js';

/** Shared set-up of the FMP contract tests: the adapter on a fake upstream, and what to assert on. */

export const KEY = 'test-key-0001';

export type FmpAdapter = ProviderAdapter & Required<Pick<ProviderAdapter, 'quote' | 'profile' | 'history' | 'statements' | 'search'>>;

export interface AdapterOptions {
  readonly api?: 'stable' | 'v3';
  readonly batchQuotes?: boolean;
  readonly timeoutMs?: number;
  readonly keys?: string[];
  readonly baseUrl?: string;
  readonly maxBodyBytes?: number;
}

export function fmpAdapter(upstream: FakeUpstream, options: AdapterOptions = {}): FmpAdapter {
  const adapter = createFmpProvider({
    baseUrl: options.baseUrl ?? upstream.url,
    keys: options.keys ?? [KEY],
    timeoutMs: options.timeoutMs ?? 2000,
    api: options.api ?? 'stable',
    batchQuotes: options.batchQuotes ?? false,
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
  const { quote, profile, history, statements, search } = adapter;
  if (!quote || !profile || !history || !statements || !search) throw new Error('FMP serves quote, profile, history, statements and search');
  return { ...adapter, quote, profile, history, statements, search };
}

/** A fixture under test/fixtures/fmp. */
export function fmpFixture(path: string): unknown {
  return fixture(`fmp/${path}`);
}

/** The words of one of FMP's plain-text refusals (test/fixtures/fmp/errors/plain-text-refusals.json). */
export function plainTextRefusal(name: 'restrictedEndpoint' | 'premiumSymbol' | 'premiumLimit'): string {
  const refusals = fmpFixture('errors/plain-text-refusals.json') as Record<string, string>;
  const words = refusals[name];
  if (words === undefined) throw new Error(`no refusal ${name}`);
  return words;
}

/** Whatever went wrong, no key is anywhere in what an error carries. */
export function expectNoKey(error: ProviderError, keys: readonly string[] = [KEY]): void {
  expect(error.provider).toBe('fmp');
  const everything = `${error.message} ${error.options.upstreamMessage ?? ''} ${error.stack ?? ''} ${JSON.stringify(error)}`;
  for (const key of keys) expect(everything).not.toContain(key);
}

/** The ProviderError a call failed with, checked for keys. */
export async function failureOf(promise: Promise<unknown>, keys: readonly string[] = [KEY]): Promise<ProviderError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ProviderError);
  const error = outcome as ProviderError;
  expectNoKey(error, keys);
  return error;
}

/** The ProviderError a batch answered for one symbol, checked for keys. */
export function errorFor(result: ReadonlyMap<string, unknown>, symbol: string): ProviderError {
  const entry = result.get(symbol);
  expect(entry).toBeInstanceOf(ProviderError);
  const error = entry as ProviderError;
  expectNoKey(error);
  return error;
}

/** The only request received, or a failure naming what arrived instead. */
export function onlyRequest(upstream: FakeUpstream): RecordedRequest {
  expect(upstream.requests).toHaveLength(1);
  return upstream.requests[0] as RecordedRequest;
}
