import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/api-keys.js';
import { metric } from '../chaos/helpers.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';

/**
 * The response cache as consumers with different rights see it, over HTTP on a spawned gateway
 * (simulated market, no Redis): callers without credentials (public rights: delayed quotes), and
 * API keys of the `pro` profile and of a `partner` profile given pro's rights (realtime quotes). Keys
 * are obviously fake and exist only in this test.
 */

const PRO_KEY = 'mg_test_only_response_cache_pro';
const PARTNER_KEY = 'mg_test_only_response_cache_partner';
const PRO_RIGHTS = ['QUOTES_DELAYED', 'COMPANY', 'SEARCH', 'HISTORY', 'PROVIDER_STATUS', 'QUOTES_REALTIME', 'FUNDAMENTALS', 'ECONOMICS', 'STREAMING'];
const QUERY = 'query Q($symbol: String!) { quote(symbol: $symbol) { symbol price delayed timestamp } }';

let gateway: SpawnedGateway;

beforeAll(async () => {
  gateway = await spawnGateway({
    PROVIDERS: 'simulated',
    AUTH_API_KEYS: `${hashApiKey(PRO_KEY)}:acme:pro,${hashApiKey(PARTNER_KEY)}:globex:partner`,
    AUTH_PROFILES: JSON.stringify({ partner: PRO_RIGHTS }),
    CACHE_TTL_QUOTES: '600',
  });
});
afterAll(async () => {
  await gateway?.stop();
});

async function ask(apiKey?: string) {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
    body: JSON.stringify({ query: QUERY, variables: { symbol: 'AAPL' } }),
  });
  const body = (await response.json()) as { data?: { quote?: { delayed: boolean; timestamp: string } }; errors?: unknown };
  return { cache: response.headers.get('x-cache'), body };
}

describe('the response cache and rights', () => {
  it('keeps one answer per rights scope: never shared across different rights, shared between equal ones', async () => {
    const anonymous = await ask();
    expect(anonymous.cache).toBe('MISS');
    expect(anonymous.body.errors).toBeUndefined();
    expect(anonymous.body.data?.quote?.delayed).toBe(true);
    expect(await ask()).toEqual({ ...anonymous, cache: 'HIT' });

    // A realtime consumer asking the very same query must not get the public, delayed answer.
    const pro = await ask(PRO_KEY);
    expect(pro.cache).toBe('MISS');
    expect(pro.body.data?.quote?.delayed).toBe(false);
    expect(pro.body.data?.quote?.timestamp).not.toBe(anonymous.body.data?.quote?.timestamp);
    expect(await ask(PRO_KEY)).toEqual({ ...pro, cache: 'HIT' });

    // Another consumer, another profile, the same rights: the same answer, from the cache.
    expect(await ask(PARTNER_KEY)).toEqual({ ...pro, cache: 'HIT' });
    // And the public answer is still the public one.
    expect(await ask()).toEqual({ ...anonymous, cache: 'HIT' });

    expect(await metric(gateway, 'response_cache_requests_total', { result: 'hit' })).toBe(4);
    expect(await metric(gateway, 'response_cache_requests_total', { result: 'miss' })).toBe(2);
  });
});
