import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderStatusDocument, QuoteDocument } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * The built gateway on Finnhub alone with a plan of 5 calls a minute, against a fake Finnhub that
 * answers every quote: a burst of queries costs the provider at most the quota, and the queries
 * past it are answered at once with RATE_LIMITED and when to retry, instead of being sent upstream
 * to be refused there.
 */

const KEY = 'test-key-0001';
const QUOTA = 5;
let upstream: FakeUpstream;
let gateway: SpawnedGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on({ path: '/quote' }, { json: fixture('finnhub/quote-aapl.json') });
  gateway = await spawnGateway({ PROVIDERS: 'finnhub', FINNHUB_API_KEY: KEY, FINNHUB_BASE_URL: upstream.url, FINNHUB_QUOTA: `${QUOTA}/min` });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('a gateway with a quota per key', () => {
  it('answers 50 concurrent quotes with at most the quota of upstream calls, the rest RATE_LIMITED with retryAfter', async () => {
    const symbols = Array.from({ length: 50 }, (_, index) => `Q${index}`);
    const responses = await Promise.all(symbols.map((symbol) => execute(gateway.url, QuoteDocument, { symbol })));

    // The whole budget is used, and not one call more.
    expect(upstream.count({ path: '/quote' })).toBe(QUOTA);
    const answered = responses.filter((response) => response.data?.quote);
    expect(answered).toHaveLength(upstream.count({ path: '/quote' }));
    const refused = responses.filter((response) => response.data?.quote === null);
    expect(refused).toHaveLength(50 - answered.length);
    for (const response of refused) {
      expect(response.errors).toHaveLength(1);
      const [error] = response.errors ?? [];
      expect(error?.path).toEqual(['quote']);
      expect(error?.extensions?.['code']).toBe('RATE_LIMITED');
      // Seconds until the minute's budget frees up.
      expect(error?.extensions?.['retryAfter']).toBeGreaterThan(50);
      expect(error?.extensions?.['retryAfter']).toBeLessThanOrEqual(60);
      expect(JSON.stringify(response)).not.toContain(KEY);
    }
  });

  it('shows the spent key in provider status, masked, with nothing left this minute', async () => {
    const { data, errors } = await execute(gateway.url, ProviderStatusDocument, {});
    expect(errors).toBeUndefined();
    const finnhub = data?.providers!.find((provider) => provider.id === 'finnhub');
    expect(finnhub?.keys).toEqual([{ key: '…0001', state: 'ACTIVE', remainingPerMinute: 0, remainingPerDay: null }]);
  });

  it('exports what is left of each key’s quota to /metrics, key masked', async () => {
    const text = await (await fetch(`${gateway.origin}/metrics`)).text();
    expect(text).toMatch(/^provider_quota_remaining\{provider="finnhub",key="…0001",window="minute"\} 0$/m);
    expect(text).not.toContain(KEY);
  });

  it('costs the provider nothing more once the budget is spent', async () => {
    const before = upstream.count({ path: '/quote' });
    const { data, errors } = await execute(gateway.url, QuoteDocument, { symbol: 'NEW1' });
    expect(data?.quote).toBeNull();
    expect(errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    expect(upstream.count({ path: '/quote' })).toBe(before);
  });
});

describe('a gateway whose Redis is down', () => {
  let down: SpawnedGateway;
  let downstream: FakeUpstream;
  beforeAll(async () => {
    downstream = await startFakeUpstream();
    downstream.on({ path: '/quote' }, { json: fixture('finnhub/quote-aapl.json') });
    // Nothing listens on port 1: the quota store is unreachable from the start.
    down = await spawnGateway({
      PROVIDERS: 'finnhub',
      FINNHUB_API_KEY: KEY,
      FINNHUB_BASE_URL: downstream.url,
      FINNHUB_QUOTA: '2/min',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
  });
  afterAll(async () => {
    await down?.stop();
    await downstream?.close();
  });

  it('still answers, counts the quota in process, and warns once', async () => {
    const responses = await Promise.all(['A1', 'A2', 'A3', 'A4'].map((symbol) => execute(down.url, QuoteDocument, { symbol })));
    expect(responses.filter((response) => response.data?.quote)).toHaveLength(2);
    expect(responses.filter((response) => response.errors?.[0]?.extensions?.['code'] === 'RATE_LIMITED')).toHaveLength(2);
    expect(downstream.count({ path: '/quote' })).toBe(2);
    const warnings = down.logs.filter((line) => line['level'] === 40 && /quota store \(Redis\) unavailable/.test(String(line['msg'])));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(down.logs)).not.toContain(KEY);
  });
});
