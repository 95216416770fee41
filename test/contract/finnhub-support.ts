import type { ProviderError, ProviderFailureKind } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createFinnhubProvider, type FinnhubOptions } from '../../src/providers/finnhub/index.js';
import type { RemoteAdapterSettings } from '../../src/providers/remote.js';
import { expectNoKeyIn, failureOfCall, remoteSettings } from './support.js';

/** The shared contract-test support, bound to Finnhub: an adapter on a fake upstream and its failure checks. */
export { KEY, SECOND_KEY, present } from './support.js';

export function finnhubOn(baseUrl: string, settings: Partial<RemoteAdapterSettings> = {}, options: FinnhubOptions = {}): ProviderAdapter {
  return createFinnhubProvider({ ...remoteSettings(baseUrl), ...settings }, options);
}

/** The ProviderError a call failed with, Finnhub's, checked to carry no key anywhere. */
export function failureOf(promise: Promise<unknown>, kind?: ProviderFailureKind): Promise<ProviderError> {
  return failureOfCall(promise, { provider: 'finnhub', kind });
}

export function expectNoKey(error: Error): void {
  expectNoKeyIn(error);
}
