import { expect } from 'vitest';
import { ProviderError } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createAlphaVantageProvider } from '../../src/providers/alphavantage/index.js';
import { fixture, startFakeUpstream, type FakeUpstream, type RouteMatch } from '../support/fake-upstream.js';

/** Shared set-up of the Alpha Vantage contract tests: a fake upstream and adapters pointed at it. */

export const KEY = 'test-key-0001';
export const SECOND_KEY = 'test-key-0002';

export { fixture };

export function av(name: string): unknown {
  return fixture(`alphavantage/${name}.json`);
}

/** A route on `/query` for one Alpha Vantage function (and, optionally, more parameters). */
export function query(fn: string, params: Record<string, string> = {}): RouteMatch {
  return { path: '/query', query: { function: fn, ...params } };
}

export interface AdapterOptions {
  readonly premium?: boolean;
  readonly now?: number;
  readonly timeoutMs?: number;
  readonly keys?: readonly string[];
  readonly maxBodyBytes?: number;
  readonly basePath?: string;
}

export class Harness {
  private readonly adapters: ProviderAdapter[] = [];

  private constructor(readonly upstream: FakeUpstream) {}

  static async start(): Promise<Harness> {
    return new Harness(await startFakeUpstream());
  }

  adapter(options: AdapterOptions = {}): ProviderAdapter {
    const now = options.now ?? Date.parse('2024-10-31T12:00:00Z');
    const adapter = createAlphaVantageProvider(
      {
        baseUrl: this.upstream.url + (options.basePath ?? ''),
        keys: options.keys ?? [KEY],
        timeoutMs: options.timeoutMs ?? 2000,
        premium: options.premium ?? false,
        ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      },
      { now: () => now },
    );
    this.adapters.push(adapter);
    return adapter;
  }

  async close(): Promise<void> {
    await Promise.all(this.adapters.map((adapter) => adapter.close?.()));
    await this.upstream.close();
  }
}

/** Every text a failure carries, where a key must never appear. */
export function textsOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const options = error instanceof ProviderError ? error.options : {};
  return [error.message, error.stack ?? '', JSON.stringify(options), JSON.stringify(error)].join('\n');
}

export function expectNoKey(error: unknown): void {
  for (const key of [KEY, SECOND_KEY]) expect(textsOf(error)).not.toContain(key);
}

/** The ProviderError a promise rejects with, checked to carry no key. */
export async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const outcome = await promise.then(
    () => new Error('expected a failure, got an answer'),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ProviderError);
  expectNoKey(outcome);
  return outcome as ProviderError;
}

/** The entry of a batch result for `symbol`, required to be an error, checked to carry no key. */
export function entryFailure(result: ReadonlyMap<string, unknown>, symbol: string): ProviderError {
  const entry = result.get(symbol);
  expect(entry).toBeInstanceOf(ProviderError);
  expectNoKey(entry);
  return entry as ProviderError;
}

/** An entry of a batch result, required to be a value. */
export function entryValue<T>(result: ReadonlyMap<string, T | Error>, symbol: string): T {
  const entry = result.get(symbol);
  if (entry === undefined) throw new Error(`no entry for ${symbol}`);
  if (entry instanceof Error) throw new Error(`no value for ${symbol}: ${entry.message}`);
  return entry;
}

/** A deep copy of a fixture, to derive a variant from. */
export function variant<T>(name: string, change: (payload: T) => void): T {
  const payload = structuredClone(av(name)) as T;
  change(payload);
  return payload;
}
