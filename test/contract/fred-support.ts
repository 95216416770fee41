import type { ProviderError } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createFredProvider } from '../../src/providers/fred/index.js';
import { fixture, type FakeUpstream, type Reply } from '../support/fake-upstream.js';
import { failureOfCall, KEY, remoteSettings } from './support.js';

/** Shared set-up of the FRED contract tests: the adapter on a fake upstream, and fixture routes. */

export { KEY };
export const SERIES_PATH = '/fred/series';
export const OBSERVATIONS_PATH = '/fred/series/observations';

export type FredAdapter = ProviderAdapter & Required<Pick<ProviderAdapter, 'economicSeries'>>;

export function fredAdapter(upstream: FakeUpstream, overrides: { timeoutMs?: number; keys?: string[]; baseUrl?: string } = {}): FredAdapter {
  const adapter = createFredProvider(remoteSettings(overrides.baseUrl ?? upstream.url, overrides));
  if (!adapter.economicSeries) throw new Error('FRED must serve economic series');
  return adapter as FredAdapter;
}

/** Both endpoints of one series answered from fixtures (or given replies). */
export function serveSeries(
  upstream: FakeUpstream,
  id: string,
  replies: { series?: Reply; observations?: Reply; prefix?: string } = {},
): void {
  const lower = id.toLowerCase();
  const prefix = replies.prefix ?? '';
  upstream.on({ path: prefix + SERIES_PATH, query: { series_id: id } }, replies.series ?? { json: fixture(`fred/series-${lower}.json`) });
  upstream.on(
    { path: prefix + OBSERVATIONS_PATH, query: { series_id: id } },
    replies.observations ?? { json: fixture(`fred/observations-${lower}.json`) },
  );
}

/** The same reply on both endpoints, as FRED gives for an unknown id or a refused key. */
export function serveBoth(upstream: FakeUpstream, reply: Reply): void {
  upstream.on({ path: SERIES_PATH }, reply);
  upstream.on({ path: OBSERVATIONS_PATH }, reply);
}

/** The ProviderError a call failed with; whatever went wrong, no key is anywhere in it. */
export function failureOf(promise: Promise<unknown>, keys: readonly string[] = [KEY]): Promise<ProviderError> {
  return failureOfCall(promise, { provider: 'fred', keys });
}
