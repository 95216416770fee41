import type { ProviderError } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createAlphaVantageProvider } from '../../src/providers/alphavantage/index.js';
import { fixture, startFakeUpstream, type FakeUpstream, type RouteMatch } from '../support/fake-upstream.js';
import { checkedFailure, failureOfCall, remoteSettings } from './support.js';

/** Shared set-up of the Alpha Vantage contract tests: a fake upstream and adapters pointed at it. */

export { KEY, SECOND_KEY, entryValue } from './support.js';
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
      { ...remoteSettings(this.upstream.url + (options.basePath ?? ''), options), premium: options.premium ?? false },
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

/** The ProviderError a promise rejects with, checked to carry no key. */
export function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  return failureOfCall(promise);
}

/** The entry of a batch result for `symbol`, required to be an error, checked to carry no key. */
export function entryFailure(result: ReadonlyMap<string, unknown>, symbol: string): ProviderError {
  return checkedFailure(result.get(symbol));
}

/** A deep copy of a fixture, to derive a variant from. */
export function variant<T>(name: string, change: (payload: T) => void): T {
  const payload = structuredClone(av(name)) as T;
  change(payload);
  return payload;
}
