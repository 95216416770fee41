import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuoteProvenanceDocument } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { errorLogs } from './helpers.js';

/**
 * Chaos: FMP throttles the gateway (HTTP 429 with Retry-After). With a fallback provider the
 * fallback answers and says whom it stood in for; without one, the client is told to come back
 * after exactly the provider's Retry-After.
 */

const QUOTE = { path: '/stable/quote' };
const RETRY_AFTER_S = 37;
const throttled = {
  status: 429,
  headers: { 'retry-after': String(RETRY_AFTER_S) },
  json: fixture('fmp/errors/limit-reach.json'),
};

let withFallback: { upstream: FakeUpstream; gateway: SpawnedGateway };
let alone: { upstream: FakeUpstream; gateway: SpawnedGateway };

async function start(providers: string) {
  const upstream = await startFakeUpstream();
  upstream.on(QUOTE, throttled);
  // Production retry settings: a rate limit must not be retried at all, whatever they say.
  const gateway = await spawnGateway({ PROVIDERS: providers, FMP_API_KEY: 'test-key-0001', FMP_BASE_URL: upstream.url });
  return { upstream, gateway };
}

beforeAll(async () => {
  [withFallback, alone] = await Promise.all([start('fmp,simulated'), start('fmp')]);
});
afterAll(async () => {
  for (const setup of [withFallback, alone]) {
    await setup?.gateway.stop();
    await setup?.upstream.close();
  }
});

describe('FMP answers 429 with Retry-After', () => {
  it('lets the simulated fallback answer, with fallbackFrom naming FMP', async () => {
    const { data, errors, headers } = await execute(withFallback.gateway.url, QuoteProvenanceDocument, { symbol: 'AAPL' });
    expect(errors).toBeUndefined();
    expect(data?.quote).toMatchObject({ symbol: 'AAPL', source: 'simulated', stale: false, fallbackFrom: ['fmp'] });
    expect(headers.get('x-data-stale')).toBeNull();
    expect(withFallback.upstream.count(QUOTE)).toBe(1);
  });

  it('is RATE_LIMITED with the provider’s Retry-After when there is no fallback', async () => {
    const { data, errors } = await execute(alone.gateway.url, QuoteProvenanceDocument, { symbol: 'AAPL' });
    expect(data?.quote).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['quote'], extensions: { code: 'RATE_LIMITED', retryAfter: RETRY_AFTER_S } });
    expect(alone.upstream.count(QUOTE)).toBe(1);
  });

  it('logs no error for a rate limit', () => {
    expect(errorLogs(withFallback.gateway)).toEqual([]);
    expect(errorLogs(alone.gateway)).toEqual([]);
  });
});
