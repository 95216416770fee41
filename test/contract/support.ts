import { expect } from 'vitest';
import { ProviderError, type ProviderFailureKind, type ProviderId } from '../../src/domain/index.js';
import type { RemoteAdapterSettings } from '../../src/providers/remote.js';

/**
 * What every provider's contract tests share: the test keys, an adapter's settings on a fake
 * upstream, and the checks on failures (of the right provider and kind, with no key anywhere in
 * them). The `<provider>-support.ts` modules bind these to their provider.
 */

export const KEY = 'test-key-0001';
export const SECOND_KEY = 'test-key-0002';

/** Overridable parts of an adapter's settings; undefined keeps the default. */
export interface SettingsOverrides {
  readonly keys?: readonly string[] | undefined;
  readonly timeoutMs?: number | undefined;
  readonly maxBodyBytes?: number | undefined;
}

/** Settings for an adapter on a fake upstream: the test key and a 2 s timeout unless overridden. */
export function remoteSettings(baseUrl: string, overrides: SettingsOverrides = {}): RemoteAdapterSettings {
  return {
    baseUrl,
    keys: overrides.keys ?? [KEY],
    timeoutMs: overrides.timeoutMs ?? 2000,
    ...(overrides.maxBodyBytes !== undefined ? { maxBodyBytes: overrides.maxBodyBytes } : {}),
  };
}

/** What a promise rejected with, or undefined when it answered. */
export function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Every text a failure carries (message, upstream words, stack, what it serializes to), where a key must never appear. */
export function textsOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const options = error instanceof ProviderError ? error.options : {};
  return [error.message, options.upstreamMessage ?? '', error.stack ?? '', JSON.stringify(options), JSON.stringify(error)].join('\n');
}

export function expectNoKeyIn(error: unknown, keys: readonly string[] = [KEY, SECOND_KEY]): void {
  const texts = textsOf(error);
  for (const key of keys) expect(texts).not.toContain(key);
}

/** What a failure must be: a ProviderError, of this provider and kind when given, carrying none of `keys`. */
export interface FailureCheck {
  readonly provider?: ProviderId;
  readonly kind?: ProviderFailureKind | undefined;
  readonly keys?: readonly string[];
}

/** `entry` (a thrown error or a batch entry), checked to be the failure `check` describes. */
export function checkedFailure(entry: unknown, check: FailureCheck = {}): ProviderError {
  expect(entry).toBeInstanceOf(ProviderError);
  const error = entry as ProviderError;
  if (check.provider !== undefined) expect(error.provider).toBe(check.provider);
  if (check.kind !== undefined) expect(error.kind).toBe(check.kind);
  expectNoKeyIn(error, check.keys);
  return error;
}

/** The ProviderError a call failed with, checked as `check` says. */
export async function failureOfCall(promise: Promise<unknown>, check: FailureCheck = {}): Promise<ProviderError> {
  return checkedFailure(await rejectionOf(promise), check);
}

/** A capability that must be there, for tests that call it. */
export function present<T>(capability: T | undefined): T {
  if (capability === undefined) throw new Error('capability missing');
  return capability;
}

/** The entry of a batch result for `symbol`, required to be a value. */
export function entryValue<T>(result: ReadonlyMap<string, T | Error>, symbol: string): T {
  const entry = result.get(symbol);
  if (entry === undefined) throw new Error(`no entry for ${symbol}`);
  if (entry instanceof Error) throw new Error(`no value for ${symbol}: ${entry.message}`);
  return entry;
}
