import { expect } from 'vitest';
import { ProviderError, type ProviderFailureKind } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createTwelveDataProvider, type TwelveDataOptions } from '../../src/providers/twelvedata/index.js';
import type { RemoteAdapterSettings } from '../../src/providers/remote.js';

/** Shared by the Twelve Data contract tests: the test key, an adapter on a fake upstream, failure checks. */
export const KEY = 'test-key-0001';
export const SECOND_KEY = 'test-key-0002';

export function twelvedataOn(baseUrl: string, settings: Partial<RemoteAdapterSettings> = {}, options: TwelveDataOptions = {}): ProviderAdapter {
  return createTwelveDataProvider({ baseUrl, keys: [KEY], timeoutMs: 2000, ...settings }, options);
}

/** A capability that must be there, for tests that call it. */
export function present<T>(capability: T | undefined): T {
  if (capability === undefined) throw new Error('capability missing');
  return capability;
}

/** The ProviderError a call failed with, checked to carry no key anywhere. */
export async function failureOf(promise: Promise<unknown>, kind?: ProviderFailureKind): Promise<ProviderError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ProviderError);
  const error = outcome as ProviderError;
  expectNoKey(error);
  if (kind) expect(error.kind).toBe(kind);
  expect(error.provider).toBe('twelvedata');
  return error;
}

export function expectNoKey(error: Error): void {
  const text = `${error.message} ${error instanceof ProviderError ? (error.options.upstreamMessage ?? '') : ''} ${error.stack ?? ''}`;
  expect(text).not.toContain(KEY);
  expect(text).not.toContain(SECOND_KEY);
}
