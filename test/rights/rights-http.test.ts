import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogDocument, ReplayDeadLettersAuditedDocument, RightsProbeDocument } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { SHARED_REDIS_URL as REDIS_URL, useSharedRedisPrefix, type Closable } from '../support/shared-redis.js';
import { apiKeysSetting, as, CONSUMERS } from './support.js';

/**
 * Rights end to end: a real gateway with FMP behind it, served by a fake upstream that counts
 * every call, API keys for each built-in profile, and every key it writes to the real Redis (the
 * audit stream, the FMP key's quota, consumer budgets) under a prefix of this run's own, removed
 * after it, so no run spends the next one's quota. A denied field must be null with FORBIDDEN at
 * its path, leave its siblings alone and cost no upstream call; the same query from a profile that
 * has the right does call.
 */

const opened: Closable[] = [];
const { prefix, admin: redis } = useSharedRedisPrefix('rights-http', opened);
/** The audit stream under the gateway's REDIS_PREFIX. */
const STREAM = `${prefix}:audit`;
const fmp = (path: string): unknown => fixture(`fmp/${path}`);

let upstream: FakeUpstream;
let gateway: SpawnedGateway;

const PROBE = { symbols: ['AAPL', 'BRK.B'], symbol: 'AAPL' };
const STATEMENTS = { path: '/stable/income-statement' };
const HISTORY = { path: '/stable/historical-price-eod/full' };
const QUOTES = { path: '/stable/quote' };

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const profile = (fmp('stable/profile-aapl.json') as Array<Record<string, unknown>>)[0]!;
  upstream.on({ path: '/stable/quote', query: { symbol: 'AAPL' } }, { json: fmp('stable/quote-aapl.json') });
  upstream.on({ path: '/stable/quote', query: { symbol: 'BRK-B' } }, { json: fmp('stable/quote-brk-b.json') });
  upstream.on({ path: '/stable/profile', query: { symbol: 'AAPL' } }, { json: [profile] });
  upstream.on({ path: '/stable/profile', query: { symbol: 'BRK-B' } }, { json: [{ ...profile, symbol: 'BRK-B', companyName: 'Berkshire Hathaway Inc.' }] });
  upstream.on({ path: '/stable/income-statement', query: { symbol: 'AAPL', period: 'annual' } }, { json: fmp('stable/income-statement-aapl-annual.json') });
  upstream.on({ path: '/stable/income-statement', query: { symbol: 'BRK-B' } }, { json: [] });
  upstream.on({ path: '/stable/historical-price-eod/full', query: { symbol: 'AAPL' } }, { json: fmp('stable/historical-eod-aapl.json') });
  gateway = await spawnGateway({
    PROVIDERS: 'fmp',
    FMP_API_KEY: 'test-key-fmp-0001',
    FMP_BASE_URL: upstream.url,
    AUTH_API_KEYS: apiKeysSetting(),
    REDIS_URL,
    REDIS_PREFIX: prefix,
    // Every answer fresh from the provider, so each query's upstream calls are its own.
    CACHE_TTL_QUOTES: '0',
    CACHE_TTL_PROFILES: '0',
    CACHE_TTL_STATEMENTS: '0',
    CACHE_TTL_HISTORY: '0',
    RESPONSE_CACHE: 'false',
  });
  // Stopped after the file, before the keys under its prefix are removed.
  opened.push(gateway);
});
afterAll(async () => {
  await upstream?.close();
});

function forbiddenPaths(errors: ReadonlyArray<{ readonly path?: ReadonlyArray<string | number>; readonly extensions?: Record<string, unknown> }> = []) {
  return errors.filter((error) => error.extensions?.['code'] === 'FORBIDDEN').map((error) => [error.path?.join('.'), error.extensions?.['right']]);
}

describe('a denied field', () => {
  it('is null with FORBIDDEN and its right at its path, inside lists and nested objects, siblings intact, and no provider call', async () => {
    const before = { statements: upstream.count(STATEMENTS), history: upstream.count(HISTORY), quotes: upstream.count(QUOTES) };
    const response = await execute(gateway.url, RightsProbeDocument, PROBE, as('public'));

    expect(response.status).toBe(200);
    expect(forbiddenPaths(response.errors).sort()).toEqual([
      ['priceHistory', 'HISTORY'],
      ['quotes.0.company.financials', 'FUNDAMENTALS'],
      ['quotes.1.company.financials', 'FUNDAMENTALS'],
    ]);
    expect(response.errors?.every((error) => error.extensions?.['code'] === 'FORBIDDEN')).toBe(true);
    expect(response.data?.priceHistory).toBeNull();
    const [apple, berkshire] = response.data?.quotes ?? [];
    expect(apple).toMatchObject({ symbol: 'AAPL', price: 232.8, delayed: true, company: { name: 'Apple Inc.', financials: null } });
    expect(berkshire).toMatchObject({ symbol: 'BRK.B', delayed: true, company: { name: 'Berkshire Hathaway Inc.', financials: null } });
    // The allowed fields reached the provider; the denied ones never did.
    expect(upstream.count(QUOTES)).toBeGreaterThan(before.quotes);
    expect(upstream.count(STATEMENTS)).toBe(before.statements);
    expect(upstream.count(HISTORY)).toBe(before.history);
  });

  it('is answered, and costs provider calls, for a profile that has the right', async () => {
    const before = { statements: upstream.count(STATEMENTS), history: upstream.count(HISTORY) };
    const response = await execute(gateway.url, RightsProbeDocument, PROBE, as('pro'));

    expect(forbiddenPaths(response.errors)).toEqual([]);
    expect(response.data?.quotes?.[0]).toMatchObject({ symbol: 'AAPL', delayed: false, delayMinutes: 0 });
    expect(response.data?.quotes?.[0]?.company?.financials?.length).toBeGreaterThan(0);
    expect(response.data?.priceHistory).toBeInstanceOf(Array);
    expect(upstream.count(STATEMENTS)).toBeGreaterThan(before.statements);
    expect(upstream.count(HISTORY)).toBeGreaterThan(before.history);
  });
});

describe('the audit trail', () => {
  it('records denials and the provider calls made for a consumer, in the log, the Redis stream and auditLog', async () => {
    await execute(gateway.url, RightsProbeDocument, PROBE, as('public'));
    const { data, errors } = await execute(gateway.url, AuditLogDocument, { limit: 200, consumer: CONSUMERS.public }, as('admin'));
    expect(errors).toBeUndefined();
    const entries = data?.auditLog ?? [];
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((entry) => entry.consumer === CONSUMERS.public && entry.profile === 'public')).toBe(true);
    expect(entries).toContainEqual(expect.objectContaining({ kind: 'DENIED', allowed: false, right: 'FUNDAMENTALS', path: 'quotes.1.company.financials' }));
    expect(entries).toContainEqual(expect.objectContaining({ kind: 'DENIED', allowed: false, right: 'HISTORY', path: 'priceHistory' }));
    expect(entries).toContainEqual(expect.objectContaining({ kind: 'PROVIDER_CALL', allowed: true, provider: 'fmp', capability: 'quote', outcome: 'ok', path: 'quotes' }));
    expect(entries).toContainEqual(expect.objectContaining({ kind: 'PROVIDER_CALL', provider: 'fmp', capability: 'profile' }));
    expect(entries.some((entry) => entry.capability === 'statements' || entry.capability === 'history')).toBe(false);
    // Newest first, each with its time.
    const times = entries.map((entry) => Date.parse(entry.time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const fields = (await redis.xRange(STREAM, '-', '+')).map(({ message }) => message);
    expect(fields).toContainEqual(expect.objectContaining({ kind: 'DENIED', consumer: CONSUMERS.public, profile: 'public', right: 'HISTORY', path: 'priceHistory', allowed: 'false' }));
    expect(fields).toContainEqual(expect.objectContaining({ kind: 'PROVIDER_CALL', consumer: CONSUMERS.public, provider: 'fmp', capability: 'quote' }));

    const logged = gateway.logs.filter((line) => line['component'] === 'audit').map((line) => line['audit'] as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ kind: 'DENIED', consumer: CONSUMERS.public, right: 'FUNDAMENTALS', path: 'quotes.0.company.financials' }));
  });

  it('is read by ADMIN only', async () => {
    const response = await execute(gateway.url, AuditLogDocument, { limit: 10 }, as('pro'));
    expect(response.data?.auditLog).toBeNull();
    expect(response.errors?.map((error) => [error.path?.join('.'), error.extensions?.['code'], error.extensions?.['right']])).toEqual([['auditLog', 'FORBIDDEN', 'ADMIN']]);
  });

  it('records admin actions, and refuses them to other profiles', async () => {
    const refused = await execute(gateway.url, ReplayDeadLettersAuditedDocument, {}, as('basic'));
    expect(refused.data?.replayDeadLetters).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', right: 'ADMIN', profile: 'basic' });
    const done = await execute(gateway.url, ReplayDeadLettersAuditedDocument, {}, as('admin'));
    expect(done.errors).toBeUndefined();
    expect(done.data?.replayDeadLetters).toBe(0);

    const { data } = await execute(gateway.url, AuditLogDocument, { limit: 50 }, as('admin'));
    expect(data?.auditLog).toContainEqual(expect.objectContaining({ kind: 'ADMIN_ACTION', consumer: CONSUMERS.admin, profile: 'admin', allowed: true, right: 'ADMIN', path: 'replayDeadLetters' }));
    expect(data?.auditLog).toContainEqual(expect.objectContaining({ kind: 'DENIED', consumer: CONSUMERS.basic, right: 'ADMIN', path: 'replayDeadLetters' }));
  });
});

describe('RIGHTS_DENIAL=request', () => {
  let strict: SpawnedGateway | undefined;
  afterAll(async () => {
    await strict?.stop();
  });

  it('refuses the whole request before anything runs: no data, one FORBIDDEN error listing every denied field, no provider call', async () => {
    strict = await spawnGateway({
      PROVIDERS: 'fmp',
      FMP_API_KEY: 'test-key-fmp-0001',
      FMP_BASE_URL: upstream.url,
      AUTH_API_KEYS: apiKeysSetting(),
      RIGHTS_DENIAL: 'request',
      CACHE_TTL_QUOTES: '0',
      RESPONSE_CACHE: 'false',
    });
    const before = upstream.count();
    const response = await execute(strict.url, RightsProbeDocument, PROBE, as('public'));
    expect(response.status).toBe(403);
    expect(response.data ?? null).toBeNull();
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      right: 'FUNDAMENTALS',
      denied: [
        { path: 'quotes.company.financials', right: 'FUNDAMENTALS' },
        { path: 'priceHistory', right: 'HISTORY' },
      ],
    });
    expect(upstream.count()).toBe(before);

    // A request within the profile's rights runs as usual.
    const allowed = await execute(strict.url, RightsProbeDocument, PROBE, as('pro'));
    expect(allowed.status).toBe(200);
    expect(forbiddenPaths(allowed.errors)).toEqual([]);
    expect(allowed.data?.quotes?.[0]?.company?.financials?.length).toBeGreaterThan(0);
    expect(upstream.count()).toBeGreaterThan(before);
  });
});
