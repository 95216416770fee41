import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metric } from '../chaos/helpers.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { SHARED_REDIS_URL as REDIS_URL, deleteSharedKeys } from '../support/shared-redis.js';
import { sparePort } from './redis-server.js';

/**
 * Automatic persisted queries and the whole-response cache as a client sees them: two spawned
 * gateways sharing one real Redis (127.0.0.1:6379, under a key prefix of this run), on FMP served
 * by a fake upstream that counts calls. Then a gateway whose Redis is down, which must still answer.
 */

const prefix = `mgtest:apq-rc:${randomUUID()}`;
const KEY = `test-key-${randomUUID().slice(0, 8)}`;
const QUERY = 'query Quote($symbol: String!) { quote(symbol: $symbol) { symbol price source stale } }';
const HASH = createHash('sha256').update(QUERY).digest('hex');

let upstream: FakeUpstream;
const gateways: SpawnedGateway[] = [];

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: { data?: { quote?: Record<string, unknown> | null } | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function post(gateway: SpawnedGateway, payload: Record<string, unknown>): Promise<Reply> {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Reply['body'] };
}

const persisted = (hash = HASH) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
const hashOnly = (gateway: SpawnedGateway, symbol = 'AAPL') => post(gateway, { variables: { symbol }, extensions: persisted() });
const withQuery = (gateway: SpawnedGateway, symbol = 'AAPL') => post(gateway, { query: QUERY, variables: { symbol }, extensions: persisted() });
const plain = (gateway: SpawnedGateway, symbol = 'AAPL') => post(gateway, { query: QUERY, variables: { symbol } });

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { PROVIDERS: 'fmp', FMP_API_KEY: KEY, FMP_BASE_URL: upstream.url, FMP_QUOTA: '1000000/min', REDIS_URL, REDIS_PREFIX: prefix, CACHE_TTL_QUOTES: '600', ...extra };
}

async function start(extra?: Record<string, string>): Promise<SpawnedGateway> {
  const gateway = await spawnGateway(env(extra));
  gateways.push(gateway);
  return gateway;
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on({ path: '/stable/quote', query: { symbol: 'AAPL' } }, { json: fixture('fmp/stable/quote-aapl.json') });
  upstream.on({ path: '/stable/quote', query: { symbol: 'BRK-B' } }, { json: fixture('fmp/stable/quote-brk-b.json') });
});

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await upstream?.close();
  await deleteSharedKeys(`${prefix}*`);
});

describe('automatic persisted queries over HTTP', () => {
  it('asks for the query text once, then serves the hash alone, from any instance sharing Redis', async () => {
    const [one, two] = await Promise.all([start(), start()]);

    const unknown = await hashOnly(one);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_FOUND' }) })]);
    expect(unknown.body.data).toBeUndefined();

    const registered = await withQuery(one);
    expect(registered.status).toBe(200);
    expect(registered.body.data?.quote).toMatchObject({ symbol: 'AAPL', source: 'fmp', stale: false });

    const again = await hashOnly(one, 'BRK-B');
    expect(again.status).toBe(200);
    expect(again.body.data?.quote).toMatchObject({ source: 'fmp' });

    // The other instance never saw the query text: it reads it from Redis.
    const elsewhere = await hashOnly(two, 'BRK-B');
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.errors).toBeUndefined();
    expect(elsewhere.body.data?.quote).toMatchObject({ source: 'fmp' });
  });

  it('refuses a hash that does not match the query, with a code', async () => {
    const [gateway] = gateways as [SpawnedGateway];
    const wrong = await post(gateway, { query: QUERY, variables: { symbol: 'AAPL' }, extensions: persisted('0'.repeat(64)) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }]);
  });

  it('says so when turned off (APQ=false)', async () => {
    const gateway = await start({ APQ: 'false' });
    const refused = await hashOnly(gateway);
    expect(refused.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_SUPPORTED' }) })]);
    await gateway.stop();
  });
});

describe('the response cache over HTTP', () => {
  it('answers a repeated query without a provider call, says HIT with its age, and shares it through Redis', async () => {
    const [one, two] = gateways as [SpawnedGateway, SpawnedGateway];
    const symbol = 'AAPL';
    // The APQ test above has already cached this query's answer for AAPL on `one`; use a new shape.
    const query = 'query Q($symbol: String!) { quote(symbol: $symbol) { symbol price change } }';
    const before = upstream.count({ path: '/stable/quote' });
    const first = await post(one, { query, variables: { symbol } });
    expect(first.headers.get('x-cache')).toBe('MISS');
    const second = await post(one, { query, variables: { symbol } });
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(0);
    expect(second.body).toEqual(first.body);
    const third = await post(two, { query, variables: { symbol } });
    expect(third.headers.get('x-cache')).toBe('HIT');
    expect(third.body).toEqual(first.body);
    // The market cache already held AAPL from the APQ test, so this query cost no call at all.
    expect(upstream.count({ path: '/stable/quote' })).toBe(before);
    expect(await metric(two, 'response_cache_requests_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
    expect(await metric(one, 'response_cache_requests_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);
  });

  it('is not used for provider status, and is off with RESPONSE_CACHE=false', async () => {
    const [one] = gateways as [SpawnedGateway];
    const status = await post(one, { query: '{ providers { id calls } }' });
    expect(status.headers.get('x-cache')).toBeNull();
    const off = await start({ RESPONSE_CACHE: 'false' });
    for (let round = 0; round < 2; round++) expect((await plain(off)).headers.get('x-cache')).toBeNull();
    await off.stop();
  });
});

describe('with Redis down', () => {
  it('still answers every request: persisted queries and responses degrade to this instance', async () => {
    const gateway = await start({ REDIS_URL: `redis://127.0.0.1:${await sparePort()}` });
    const registered = await withQuery(gateway);
    expect(registered.body.errors).toBeUndefined();
    expect(registered.body.data?.quote).toMatchObject({ symbol: 'AAPL' });
    const again = await hashOnly(gateway);
    expect(again.body.errors).toBeUndefined();
    for (let round = 0; round < 2; round++) {
      const answer = await plain(gateway, 'BRK-B');
      expect(answer.status).toBe(200);
      expect(answer.body.data?.quote).toMatchObject({ source: 'fmp' });
    }
    await gateway.stop();
  });
});
