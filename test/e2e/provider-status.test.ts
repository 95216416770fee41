import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderStatusDocument, QuoteDocument, ResetCircuitBreakerDocument, type ProviderStatusQuery } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * Provider status and the breaker reset, as an operator sees them: a real gateway on FMP (a fake
 * upstream) with the simulated market behind it, no retries, a breaker that opens after three
 * failed calls and stays open for a minute, and no quote caching, so every query is a provider call.
 * The steps build on one another, in order.
 */

const KEY = 'test-key-status-0001';
const QUOTE = { path: '/stable/quote' };

let upstream: FakeUpstream;
let gateway: SpawnedGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });
  gateway = await spawnGateway({
    PROVIDERS: 'fmp,simulated',
    FMP_API_KEY: KEY,
    FMP_BASE_URL: upstream.url,
    RETRY_MAX: '0',
    BREAKER_THRESHOLD: '3',
    BREAKER_OPEN_MS: '60000',
    CACHE_TTL_QUOTES: '0',
  });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

type Status = NonNullable<ProviderStatusQuery['providers']>[number];

async function statusOf(id: string): Promise<Status> {
  const { data, errors } = await execute(gateway.url, ProviderStatusDocument);
  expect(errors).toBeUndefined();
  const status = data?.providers!.find((provider) => provider.id === id);
  expect(status).toBeDefined();
  return status as Status;
}

async function breakerGauge(provider: string): Promise<string | undefined> {
  const text = await (await fetch(`${gateway.origin}/metrics`)).text();
  return text.match(new RegExp(`^circuit_breaker_state\\{provider="${provider}"\\} (\\S+)$`, 'm'))?.[1];
}

async function quoteSource(): Promise<string | undefined> {
  const { data } = await execute(gateway.url, QuoteDocument, { symbol: 'AAPL' });
  return data?.quote?.source;
}

describe('provider status', () => {
  it('starts with every breaker closed, the gauge at 0 for FMP before any change, and nothing counted', async () => {
    expect(await breakerGauge('fmp')).toBe('0');
    // The simulated market has no breaker, hence no gauge.
    expect(await breakerGauge('simulated')).toBeUndefined();
    const { data, errors } = await execute(gateway.url, ProviderStatusDocument);
    expect(errors).toBeUndefined();
    expect(data?.providers!.map((provider) => provider.id)).toEqual(['fmp', 'simulated']);
    for (const provider of data?.providers ?? []) {
      expect(provider).toMatchObject({
        enabled: true,
        breaker: { state: 'CLOSED', since: null, lastErrorKind: null },
        window: { successRate: null, p50Ms: null, p95Ms: null, calls: 0 },
        calls: 0,
        errors: 0,
        deadLetters: 0,
      });
    }
  });

  it('after good calls: FMP closed, success rate 1, latency percentiles, calls counted', async () => {
    for (let call = 0; call < 3; call++) expect(await quoteSource()).toBe('fmp');
    const fmp = await statusOf('fmp');
    expect(fmp).toMatchObject({
      breaker: { state: 'CLOSED', since: null, lastErrorKind: null },
      window: { successRate: 1, calls: 3 },
      calls: 3,
      errors: 0,
    });
    expect(fmp.window.p50Ms).toBeGreaterThan(0);
    expect(fmp.window.p95Ms).toBeGreaterThanOrEqual(fmp.window.p50Ms ?? Infinity);
    // Keys, once a pool reports them, show a masked suffix at most.
    for (const key of fmp.keys) {
      expect(key.key.length).toBeLessThanOrEqual(5);
      expect(KEY).not.toBe(key.key);
    }
    expect(await statusOf('simulated')).toMatchObject({ calls: 0, breaker: { state: 'CLOSED', since: null } });
  });

  it('after three failed calls: FMP open since then, last error UNAVAILABLE, the gauge at 1, and no more calls sent', async () => {
    upstream.on(QUOTE, { status: 503, json: { 'Error Message': 'Service Unavailable' } });
    const before = Date.now();
    // Each failure falls back to the simulated market.
    for (let call = 0; call < 3; call++) expect(await quoteSource()).toBe('simulated');
    expect(upstream.count(QUOTE)).toBe(6);

    const fmp = await statusOf('fmp');
    expect(fmp).toMatchObject({
      breaker: { state: 'OPEN', lastErrorKind: 'UNAVAILABLE' },
      window: { successRate: 0.5, calls: 6 },
      calls: 6,
      errors: 3,
    });
    expect(Date.parse(fmp.breaker.since ?? '')).toBeGreaterThanOrEqual(before - 1_000);
    expect(await breakerGauge('fmp')).toBe('1');

    // Open: the next query does not reach FMP, and that refusal is not an FMP call.
    expect(await quoteSource()).toBe('simulated');
    expect(upstream.count(QUOTE)).toBe(6);
    expect((await statusOf('fmp')).calls).toBe(6);
    expect(await statusOf('simulated')).toMatchObject({ calls: 4, errors: 0, window: { successRate: 1 } });
  });

  it('resetCircuitBreaker(FMP) closes it, moves the gauge to 0, is logged, and the next query reaches FMP again', async () => {
    const { data, errors } = await execute(gateway.url, ResetCircuitBreakerDocument, { provider: 'FMP' });
    expect(errors).toBeUndefined();
    expect(data?.resetCircuitBreaker).toMatchObject({ id: 'fmp', breaker: { state: 'CLOSED', lastErrorKind: 'UNAVAILABLE' }, calls: 6, errors: 3 });
    expect(data?.resetCircuitBreaker!.breaker.since).not.toBeNull();
    expect(await breakerGauge('fmp')).toBe('0');
    await expect.poll(() => gateway.logs.find((line) => line['provider'] === 'fmp' && /reset by hand/.test(String(line['msg'])))).toMatchObject({
      level: 40,
      previous: 'OPEN',
    });

    upstream.reset();
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });
    expect(await quoteSource()).toBe('fmp');
    expect(upstream.count(QUOTE)).toBe(1);
    expect(await statusOf('fmp')).toMatchObject({ breaker: { state: 'CLOSED' }, calls: 7, errors: 3 });
  });

  it('resetCircuitBreaker(SIMULATED) answers its status unchanged: no breaker to close', async () => {
    const before = await statusOf('simulated');
    const { data, errors } = await execute(gateway.url, ResetCircuitBreakerDocument, { provider: 'SIMULATED' });
    expect(errors).toBeUndefined();
    expect(data?.resetCircuitBreaker).toEqual(before);
  });

  it('refuses a provider the gateway does not run, and one that does not exist, with a code', async () => {
    const notEnabled = await execute(gateway.url, ResetCircuitBreakerDocument, { provider: 'POLYGON' });
    expect(notEnabled.data).toEqual({ resetCircuitBreaker: null });
    expect(notEnabled.errors?.[0]).toMatchObject({
      path: ['resetCircuitBreaker'],
      extensions: { code: 'BAD_USER_INPUT', provider: 'polygon', enabled: ['fmp', 'simulated'] },
    });

    const unknown = await execute(gateway.url, ResetCircuitBreakerDocument, { provider: 'NOPE' as never });
    expect(unknown.data ?? null).toBeNull();
    expect(unknown.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});
