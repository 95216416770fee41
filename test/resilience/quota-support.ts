import { expect } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ProviderError } from '../../src/domain/index.js';
import type { KeyPoolLog } from '../../src/app/key-pools.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createFinnhubProvider } from '../../src/providers/finnhub/index.js';
import { QuotaKeyPool, type QuotaKeyPoolOptions } from '../../src/resilience/quota.js';
import { fixture, type FakeUpstream, type RecordedRequest } from '../support/fake-upstream.js';

/** Shared by the quota tests: Finnhub adapters on a fake upstream, with key pools built from settings. */

export const KEY_A = 'test-key-aaaa0001';
export const KEY_B = 'test-key-bbbb0002';

export type QuoteAdapter = ProviderAdapter & Required<Pick<ProviderAdapter, 'quote'>>;

/** What a pool logged, for tests that check what operators are told. */
export class CapturedLog implements KeyPoolLog {
  readonly lines: Array<{ readonly level: 'warn' | 'info'; readonly details: Record<string, unknown>; readonly message: string }> = [];
  warn(details: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'warn', details, message });
  }
  info(details: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'info', details, message });
  }
}

/** Finnhub's key pool from the environment (`FINNHUB_API_KEY`, `FINNHUB_QUOTA`) read through the config schema. */
export function poolFromEnv(env: Record<string, string>, options: Partial<QuotaKeyPoolOptions> = {}): QuotaKeyPool {
  const config = loadConfig({ FINNHUB_API_KEY: `${KEY_A},${KEY_B}`, ...env });
  const { keys, quota } = config.remote.finnhub;
  return new QuotaKeyPool({ provider: 'finnhub', keys, limits: quota, ...options });
}

export function finnhubWithPool(upstream: FakeUpstream, pool: QuotaKeyPool): QuoteAdapter {
  const adapter = createFinnhubProvider({ baseUrl: upstream.url, keys: [KEY_A, KEY_B], timeoutMs: 2_000, keySource: pool });
  if (!adapter.quote) throw new Error('Finnhub serves quotes');
  return { ...adapter, quote: adapter.quote };
}

export const QUOTE = { path: '/quote' };

/** Any symbol answers the recorded AAPL quote, so every call that reaches the upstream succeeds. */
export function serveQuotes(upstream: FakeUpstream): void {
  upstream.on(QUOTE, { json: fixture('finnhub/quote-aapl.json') });
}

export function tokenOf(request: RecordedRequest): string {
  return String(request.headers['x-finnhub-token']);
}

/** Upstream calls per API key, read off what the fake upstream received. */
export function callsPerKey(upstream: FakeUpstream): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of upstream.requests) counts[tokenOf(request)] = (counts[tokenOf(request)] ?? 0) + 1;
  return counts;
}

/** How a fetch ended: the quote's symbol, or the ProviderError it failed with. */
export async function outcome(promise: Promise<ReadonlyMap<string, unknown>>): Promise<'ok' | ProviderError> {
  try {
    const result = await promise;
    const entry = [...result.values()][0];
    if (entry instanceof ProviderError) return entry;
    if (entry instanceof Error) throw entry;
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
}
