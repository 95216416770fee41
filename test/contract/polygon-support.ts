import { expect } from 'vitest';
import type { ProviderError } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createPolygonProvider } from '../../src/providers/polygon/index.js';
import type { FakeUpstream, RecordedRequest } from '../support/fake-upstream.js';
import { checkedFailure as checkedProviderFailure, entryValue, failureOfCall, KEY, remoteSettings } from './support.js';

/** Shared set-up of the Polygon contract tests: the adapter on a fake upstream, paths, and checks. */

export { KEY };
/** 13:00:30 New York time on Monday 13 January 2025, when the snapshot fixture was "taken". */
export const NOW = Date.parse('2025-01-13T18:00:30Z');

export const SNAPSHOT_PATH = '/v2/snapshot/locale/us/markets/stocks/tickers';
export const TICKERS_PATH = '/v3/reference/tickers';
export const FINANCIALS_PATH = '/vX/reference/financials';
export const detailsPath = (ticker: string): string => `${TICKERS_PATH}/${ticker}`;
export const dailyBarsPath = (ticker: string, from: string, to: string): string => `/v2/aggs/ticker/${ticker}/range/1/day/${from}/${to}`;
/** The window the free-plan quote asks for at NOW: two weeks up to today. */
export const RECENT_BARS_PATH = dailyBarsPath('AAPL', '2024-12-30', '2025-01-13');

export type PolygonAdapter = ProviderAdapter & Required<Pick<ProviderAdapter, 'quote' | 'history' | 'profile' | 'statements' | 'search'>>;

export interface AdapterOverrides {
  readonly timeoutMs?: number;
  readonly keys?: readonly string[];
  readonly baseUrl?: string;
  readonly maxBodyBytes?: number;
  readonly now?: () => number;
}

export function polygonAdapter(upstream: FakeUpstream, overrides: AdapterOverrides = {}): PolygonAdapter {
  const adapter = createPolygonProvider(remoteSettings(overrides.baseUrl ?? upstream.url, overrides), { now: overrides.now ?? (() => NOW) });
  const { quote, history, profile, statements, search } = adapter;
  if (!quote || !history || !profile || !statements || !search) throw new Error('Polygon serves quote, history, profile, statements and search');
  return adapter as PolygonAdapter;
}

/** The ProviderError a call failed with; whatever went wrong, no key is anywhere in it. */
export function failureOf(promise: Promise<unknown>, keys: readonly string[] = [KEY]): Promise<ProviderError> {
  return failureOfCall(promise, { provider: 'polygon', keys });
}

/** A per-symbol entry of a batch that must be a ProviderError of Polygon's, with no key in it. */
export function checkedFailure(entry: unknown, keys: readonly string[] = [KEY]): ProviderError {
  return checkedProviderFailure(entry, { provider: 'polygon', keys });
}

/** The key went in the Authorization header and nowhere in the URL. */
export function expectKeyInHeaderOnly(request: RecordedRequest | undefined, key: string = KEY): void {
  expect(request?.headers.authorization).toBe(`Bearer ${key}`);
  expect(JSON.stringify(request?.query)).not.toContain(key);
  expect(request?.path).not.toContain(key);
  expect(Object.keys(request?.query ?? {})).not.toContain('apiKey');
}

/** A batch entry that must be a value, not an error. */
export const valueOf = entryValue;
