import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { apiKeyEntry, post, providerCalls } from './support.js';

/**
 * Per-consumer throttling on a spawned gateway: requests per minute and provider calls per
 * minute, each by the consumer's profile. A spent request budget refuses the whole request with
 * 429, Retry-After and RATE_LIMITED (extensions.retryAfter); a spent provider-call budget refuses
 * only the reads that would call a provider. Other consumers are not affected.
 */

const KEYS = {
  proA: 'mg_test_throttle_pro_a_not_a_secret',
  proB: 'mg_test_throttle_pro_b_not_a_secret',
  basic: 'mg_test_throttle_basic_not_a_secret',
};
let gateway: SpawnedGateway;

beforeAll(async () => {
  gateway = await spawnGateway({
    AUTH_API_KEYS: [apiKeyEntry(KEYS.proA, 'pro-a', 'pro'), apiKeyEntry(KEYS.proB, 'pro-b', 'pro'), apiKeyEntry(KEYS.basic, 'basic-c', 'basic')].join(','),
    THROTTLE_REQUESTS_PER_MIN: 'public=3,pro=5',
    THROTTLE_PROVIDER_CALLS_PER_MIN: 'basic=2',
  });
});
afterAll(async () => {
  await gateway?.stop();
});

const QUOTE = 'query Q($s: String!) { quote(symbol: $s) { symbol price } }';

describe('requests per minute', () => {
  it('refuses the anonymous public past its 3 requests with 429, Retry-After and RATE_LIMITED', async () => {
    // The public profile sees delayed quotes only; company profiles it may read at once.
    const COMPANY = '{ company(symbol: "AAPL") { symbol name } }';
    for (let request = 0; request < 3; request++) {
      const answer = await post(gateway.url, COMPANY);
      expect(answer.status).toBe(200);
      expect(answer.data).toMatchObject({ company: { symbol: 'AAPL' } });
      // What is left is told with every answer, so a client can slow down before it is refused.
      expect(answer.headers.get('ratelimit-limit')).toBe('3');
      expect(answer.headers.get('ratelimit-remaining')).toBe(String(2 - request));
      expect(answer.headers.get('ratelimit-policy')).toBe('3;w=60');
      const reset = Number(answer.headers.get('ratelimit-reset'));
      expect(reset).toBeGreaterThanOrEqual(0);
      expect(reset).toBeLessThanOrEqual(60);
    }
    const refused = await post(gateway.url, COMPANY);
    expect(refused.status).toBe(429);
    expect(refused.data ?? undefined).toBeUndefined();
    const extensions = refused.errors?.[0]?.extensions ?? {};
    expect(extensions).toMatchObject({ code: 'RATE_LIMITED', budget: 'requests', limit: 3 });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(extensions['retryAfter']).toBe(retryAfter);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('ratelimit-reset'))).toBe(retryAfter);
    expect(refused.errors?.[0]?.message).toMatch(/"public" profile allows 3 per minute/);
  });

  it('counts each consumer on its own, by its profile', async () => {
    const a = { 'x-api-key': KEYS.proA };
    for (let request = 0; request < 5; request++) expect((await post(gateway.url, QUOTE, { s: 'MSFT' }, a)).status).toBe(200);
    const refused = await post(gateway.url, QUOTE, { s: 'MSFT' }, a);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 5 });
    // Same profile, another consumer: its own five.
    const b = await post(gateway.url, QUOTE, { s: 'MSFT' }, { 'x-api-key': KEYS.proB });
    expect(b.status).toBe(200);
    expect(b.data).toMatchObject({ quote: { symbol: 'MSFT' } });
  });
});

describe('provider calls per minute', () => {
  it('once a consumer made its 2 provider calls, refuses only the reads that would call a provider: null with RATE_LIMITED at their path', async () => {
    const basic = { 'x-api-key': KEYS.basic };
    // Company profiles: the basic profile reads them from the provider (its quotes are delayed ones).
    const COMPANY = 'query C($s: String!) { company(symbol: $s) { symbol } }';
    const [first, second, third] = ['NVDA', 'AMZN', 'GOOGL'];
    const start = await providerCalls(gateway.origin);
    expect((await post(gateway.url, COMPANY, { s: first }, basic)).status).toBe(200);
    expect((await post(gateway.url, COMPANY, { s: second }, basic)).status).toBe(200);
    expect(await providerCalls(gateway.origin)).toBe(start + 2);

    // Spent. One request, two reads: the cached one is answered, the one a provider would have to answer is refused.
    const BOTH = 'query B($a: String!, $b: String!) { cached: company(symbol: $a) { symbol } uncached: company(symbol: $b) { symbol } }';
    const mixed = await post(gateway.url, BOTH, { a: first, b: third }, basic);
    expect(mixed.status).toBe(200);
    expect(mixed.data).toEqual({ cached: { symbol: first }, uncached: null });
    expect(mixed.errors?.map((error) => [error.path?.join('.'), error.extensions?.['code'], error.extensions?.['budget'], error.extensions?.['limit']])).toEqual([
      ['uncached', 'RATE_LIMITED', 'providerCalls', 2],
    ]);
    const retryAfter = Number(mixed.errors?.[0]?.extensions?.['retryAfter']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await providerCalls(gateway.origin)).toBe(start + 2);

    // Another consumer's calls are its own: pro-b is not charged for basic-c's.
    const other = await post(gateway.url, COMPANY, { s: third }, { 'x-api-key': KEYS.proB });
    expect(other.status).toBe(200);
    expect(other.data).toEqual({ company: { symbol: third } });
  });
});
