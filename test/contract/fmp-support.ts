import { expect } from 'vitest';
import type { ProviderError } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { fixture, type FakeUpstream, type RecordedRequest } from '../support/fake-upstream.js';
import { checkedFailure, failureOfCall, KEY, remoteSettings } from './support.js';

/** Shared set-up of the FMP contract tests: the adapter on a fake upstream, and what to assert on. */

export { KEY };

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
    ...remoteSettings(options.baseUrl ?? upstream.url, options),
    api: options.api ?? 'stable',
    batchQuotes: options.batchQuotes ?? false,
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
  checkedFailure(error, { provider: 'fmp', keys });
}

/** The ProviderError a call failed with, checked for keys. */
export function failureOf(promise: Promise<unknown>, keys: readonly string[] = [KEY]): Promise<ProviderError> {
  return failureOfCall(promise, { provider: 'fmp', keys });
}

/** The ProviderError a batch answered for one symbol, checked for keys. */
export function errorFor(result: ReadonlyMap<string, unknown>, symbol: string): ProviderError {
  return checkedFailure(result.get(symbol), { provider: 'fmp', keys: [KEY] });
}

/** The only request received, or a failure naming what arrived instead. */
export function onlyRequest(upstream: FakeUpstream): RecordedRequest {
  expect(upstream.requests).toHaveLength(1);
  return upstream.requests[0] as RecordedRequest;
}
