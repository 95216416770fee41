import type { ProviderError, ProviderFailureKind } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import type { RemoteAdapterSettings } from '../../src/providers/remote.js';
import { createTwelveDataProvider, type TwelveDataOptions } from '../../src/providers/twelvedata/index.js';
import { expectNoKeyIn, failureOfCall, remoteSettings } from './support.js';

/** The shared contract-test support, bound to Twelve Data: an adapter on a fake upstream and its failure checks. */
export { KEY, SECOND_KEY, present } from './support.js';

export function twelvedataOn(baseUrl: string, settings: Partial<RemoteAdapterSettings> = {}, options: TwelveDataOptions = {}): ProviderAdapter {
  return createTwelveDataProvider({ ...remoteSettings(baseUrl), ...settings }, options);
}

/** The ProviderError a call failed with, Twelve Data's, checked to carry no key anywhere. */
export function failureOf(promise: Promise<unknown>, kind?: ProviderFailureKind): Promise<ProviderError> {
  return failureOfCall(promise, { provider: 'twelvedata', kind });
}

export function expectNoKey(error: Error): void {
  expectNoKeyIn(error);
}
