import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyEntry } from '../support/api-keys.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { metric } from '../support/metrics.js';

/**
 * Repeated cached queries are answered before Apollo (src/server/response-cache/answer-lane.ts).
 * What a client and an operator see must not change: the consumer's request budget is spent
 * once per request, with the RateLimit fields; a spent budget is refused with the same 429 and
 * audited once; the answer's content type follows Accept; a body Apollo would refuse is never
 * answered from the lane; every request is counted in the operation and cache metrics. On a
 * spawned gateway (simulated market, no Redis); the API key is obviously fake.
 */

const KEY = 'mg_test_only_answer_lane_basic';
const CONSUMER = 'lane-consumer';
const BUDGET = 6;
const QUERY = 'query Lane { quote(symbol: "MSFT") { symbol price } }';

let gateway: SpawnedGateway;

beforeAll(async () => {
  gateway = await spawnGateway({
    PROVIDERS: 'simulated',
    AUTH_API_KEYS: apiKeyEntry(KEY, CONSUMER, 'basic'),
    THROTTLE_REQUESTS_PER_MIN: `basic=${BUDGET}`,
    CACHE_TTL_QUOTES: '600',
    CORS_ORIGINS: 'https://app.example',
    LIMIT_MAX_BODY_BYTES: '65536',
  });
});
afterAll(async () => {
  await gateway?.stop();
});

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY, ...headers }, body });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('answers from the response cache before Apollo', () => {
  it('spends the budget once per request, refuses the spent one as the full path does, and audits it once', async () => {
    const body = JSON.stringify({ query: QUERY });
    const answers = [];
    for (let request = 0; request < BUDGET + 2; request++) answers.push(await post(body));

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    expect(answers.map((answer) => answer.headers.get('x-cache'))).toEqual(['MISS', 'HIT', 'HIT', 'HIT', 'HIT', 'HIT', null, null]);
    // One request, one point, whichever path answered it.
    expect(answers.map((answer) => answer.headers.get('ratelimit-remaining'))).toEqual(['5', '4', '3', '2', '1', '0', '0', '0']);
    for (const answer of answers.slice(0, BUDGET)) {
      expect(answer.text).toBe(answers[0]?.text);
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(answer.headers.get('ratelimit-limit')).toBe(String(BUDGET));
      expect(answer.headers.get('ratelimit-policy')).toBe(`${BUDGET};w=60`);
      expect(answer.headers.get('vary')).toBe('Origin');
      expect(Number(answer.headers.get('content-length'))).toBe(Buffer.byteLength(answer.text));
    }
    expect(answers.slice(1, BUDGET).every((answer) => Number(answer.headers.get('age')) >= 0)).toBe(true);
    const refused = JSON.parse(answers[BUDGET]?.text ?? '{}') as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', budget: 'requests', limit: BUDGET });
    expect(Number(answers[BUDGET]?.headers.get('retry-after'))).toBeGreaterThan(0);

    // One audit line per refused request, no more (a request charged twice, or refused twice, would show).
    // Log lines are written after the answer: waited for, not assumed.
    await expect.poll(() => gateway.logs.filter((line) => String(line['msg']).startsWith(`REFUSED ${CONSUMER}`)).length).toBe(2);
    expect(await metric(gateway, 'graphql_operations_total', { operation: 'Lane', type: 'query', status: 'ok' })).toBe(BUDGET);
    expect(await metric(gateway, 'response_cache_requests_total', { result: 'hit' })).toBe(BUDGET - 1);
    expect(await metric(gateway, 'graphql_refusals_total', { code: 'RATE_LIMITED', cause: 'requests' })).toBe(2);
    // Each answered request logged its operation line, as Apollo's path logs it.
    await expect.poll(() => gateway.logs.filter((line) => line['msg'] === 'graphql request' && line['operation'] === 'Lane' && line['status'] === 'ok').length).toBe(BUDGET);
  });
});

describe('what the lane keys on', () => {
  const anonymous = (body: string, headers: Record<string, string>) =>
    fetch(gateway.url, { method: 'POST', headers, body }).then(async (response) => ({ status: response.status, headers: response.headers, text: await response.text() }));
  const body = JSON.stringify({ query: 'query Keyed { quote(symbol: "NVDA") { symbol price } }' });

  it('answers in the content type the request accepts, whichever came first', async () => {
    const json = { 'content-type': 'application/json' };
    const graphqlJson = { ...json, accept: 'application/graphql-response+json' };
    const types = [];
    for (const headers of [json, json, json, graphqlJson, graphqlJson, graphqlJson, json]) {
      const answer = await anonymous(body, headers);
      expect(answer.status).toBe(200);
      types.push(answer.headers.get('content-type'));
    }
    expect(types).toEqual([
      ...Array(3).fill('application/json; charset=utf-8'),
      ...Array(3).fill('application/graphql-response+json; charset=utf-8'),
      'application/json; charset=utf-8',
    ]);
  });

  it('answers a browser on an allowed origin with the same CORS headers as the full path, and none to others', async () => {
    const browser = { 'content-type': 'application/json', origin: 'https://app.example' };
    const answers = [];
    for (let request = 0; request < 3; request++) answers.push(await anonymous(body, browser));
    expect(answers.map((answer) => answer.headers.get('x-cache'))).toEqual(['HIT', 'HIT', 'HIT']);
    for (const answer of answers) {
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(answer.headers.get('access-control-expose-headers')).toContain('RateLimit-Remaining');
      expect(answer.headers.get('vary')).toBe('Origin');
    }
    const stranger = await anonymous(body, { ...browser, origin: 'https://evil.example' });
    expect(stranger.headers.get('x-cache')).toBe('HIT');
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    expect(stranger.headers.get('vary')).toBe('Origin');
  });

  it('still tells a browser why a body was refused before the lane could look (413)', async () => {
    const refused = await anonymous(JSON.stringify({ query: `{ quote(symbol: "NVDA") { symbol } } #${'x'.repeat(200_000)}` }), {
      'content-type': 'application/json',
      origin: 'https://app.example',
    });
    expect(refused.status).toBe(413);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(JSON.parse(refused.text)).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT', limit: 'maxBodyBytes' } }] });
  });

  it('answers a repeated GET query too, and never one Apollo refuses as a possible CSRF', async () => {
    const url = `${gateway.url}?query=${encodeURIComponent('query Got { quote(symbol: "AMZN") { symbol price } }')}`;
    const get = (headers: Record<string, string>) =>
      fetch(url, { headers }).then(async (response) => ({ status: response.status, headers: response.headers, text: await response.text() }));
    const answers = [];
    for (let request = 0; request < 4; request++) answers.push(await get({ 'apollo-require-preflight': 'true' }));
    expect(answers.map((answer) => [answer.status, answer.headers.get('x-cache')])).toEqual([
      [200, 'MISS'],
      [200, 'HIT'],
      [200, 'HIT'],
      [200, 'HIT'],
    ]);
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
    const remaining = answers.map((answer) => Number(answer.headers.get('ratelimit-remaining')));
    expect(remaining.slice(1).map((value, index) => (remaining[index] ?? 0) - value)).toEqual([1, 1, 1]);
    // The same URL without a preflight header is what a page on another site could make a browser send.
    const csrf = await get({});
    expect(csrf.status).toBe(400);
    expect(csrf.headers.get('x-cache')).toBeNull();
    expect(csrf.text).toContain('Cross-Site Request Forgery');
  });

  it('never answers a body Apollo refuses, however often its text was answered as JSON', async () => {
    for (let request = 0; request < 3; request++) expect((await anonymous(body, { 'content-type': 'application/json' })).status).toBe(200);
    // text/plain is a "simple" content type: Apollo's CSRF prevention refuses it, with a code.
    const refused = await anonymous(body, { 'content-type': 'text/plain' });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('x-cache')).toBeNull();
    expect(refused.text).toContain('BAD_REQUEST');
  });
});
