import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderError, ProviderFailureKind } from '../../src/domain/index.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { QuotaKeyPool, type KeyRetiredEvent } from '../../src/resilience/quota.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { settlesWithoutWaiting } from '../support/timing.js';
import {
  KEY_A,
  KEY_B,
  QUOTE,
  callsPerKey,
  finnhubWithPool,
  outcome,
  poolFromEnv,
  serveQuotes,
  tokenOf,
} from './quota-support.js';

/**
 * Quotas per API key, in process: a real Finnhub adapter whose keys come from a QuotaKeyPool,
 * against a fake upstream on loopback that records which key each call carried.
 */

let upstream: FakeUpstream;
const pools: QuotaKeyPool[] = [];
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterEach(async () => {
  upstream.reset();
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});
afterAll(async () => upstream.close());

function pool(env: Record<string, string>, onKeyRetired?: (event: KeyRetiredEvent) => void): QuotaKeyPool {
  const made = poolFromEnv(env, onKeyRetired ? { onKeyRetired } : {});
  pools.push(made);
  return made;
}

/**
 * The windows (the pool's Date.now, and the in-memory counter's Date.now and expiry timers) run
 * on a fake clock that moves only when a test moves it: a burst cannot straddle a window's end on
 * a slow machine, and a reset comes from moving the clock, not from sleeping. Sockets are real.
 */
function useFakeClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

describe('quota per key under load', () => {
  useFakeClock();

  it('lets 1,000 concurrent quotes make at most each key’s quota of upstream calls; the rest fail fast as RATE_LIMITED', async () => {
    serveQuotes(upstream);
    const finnhub = finnhubWithPool(upstream, pool({ FINNHUB_QUOTA: '5/min,3/s' }));

    const outcomes = await Promise.all(Array.from({ length: 1_000 }, (_, index) => outcome(finnhub.quote.fetch([`S${index}`]))));

    // Two keys, each allowed 3 calls this second (and 5 this minute): 6 calls, never more.
    expect(callsPerKey(upstream)).toEqual({ [KEY_A]: 3, [KEY_B]: 3 });
    expect(outcomes.filter((result) => result === 'ok')).toHaveLength(6);
    const refused = outcomes.filter((result): result is ProviderError => result !== 'ok');
    expect(refused).toHaveLength(994);
    for (const error of refused) {
      expect(error.kind).toBe(ProviderFailureKind.RATE_LIMITED);
      expect(error.options.retryAfterMs).toBeGreaterThan(0);
      expect(error.options.retryAfterMs).toBeLessThanOrEqual(1_000);
      expect(error.message).not.toContain(KEY_A);
    }
    // Refusals cost no call and wait for nothing: no timer (the fake clock never moved, so a
    // refusal waiting for a window to reset would never have settled), no socket.
    const refusal = outcome(finnhub.quote.fetch(['LATE']));
    expect(await settlesWithoutWaiting(refusal)).toBe(true);
    expect(await refusal).toMatchObject({ kind: ProviderFailureKind.RATE_LIMITED });
    expect(upstream.count()).toBe(6);
  });

  it('spends the per-minute budget over several seconds and then refuses until the minute resets', async () => {
    serveQuotes(upstream);
    const finnhub = finnhubWithPool(upstream, pool({ FINNHUB_QUOTA: '5/min,3/s' }));
    await Promise.all(Array.from({ length: 100 }, (_, index) => outcome(finnhub.quote.fetch([`A${index}`]))));
    await vi.advanceTimersByTimeAsync(1_100);
    const second = await Promise.all(Array.from({ length: 100 }, (_, index) => outcome(finnhub.quote.fetch([`B${index}`]))));
    // 3 + 2 per key: the minute's 5 are spent, whatever the per-second window allows.
    expect(callsPerKey(upstream)).toEqual({ [KEY_A]: 5, [KEY_B]: 5 });
    const refused = second.filter((result): result is ProviderError => result !== 'ok');
    expect(refused.length).toBe(96);
    // The soonest a key frees up is the minute's reset, about a minute away.
    expect(Math.min(...refused.map((error) => error.options.retryAfterMs ?? 0))).toBeGreaterThan(50_000);
  });

  it('uses the keys in turn', async () => {
    serveQuotes(upstream);
    const finnhub = finnhubWithPool(upstream, pool({ FINNHUB_QUOTA: '100/min' }));
    for (let index = 0; index < 4; index += 1) expect(await outcome(finnhub.quote.fetch(['AAPL']))).toBe('ok');
    expect(upstream.requests.map(tokenOf)).toEqual([KEY_A, KEY_B, KEY_A, KEY_B]);
  });
});

describe('a rate-limited key', () => {
  useFakeClock();

  it('rests until the reset the provider names while the next key answers, then is used again', async () => {
    let refusedOnce = false;
    upstream.on(QUOTE, (request) => {
      if (tokenOf(request) === KEY_A && !refusedOnce) {
        refusedOnce = true;
        return { status: 429, headers: { 'retry-after': '1' }, json: fixture('finnhub/error-429.json') };
      }
      return { json: fixture('finnhub/quote-aapl.json') };
    });
    const keys = pool({ FINNHUB_QUOTA: '100/min' });
    const finnhub = finnhubWithPool(upstream, keys);

    const first = await outcome(finnhub.quote.fetch(['AAPL']));
    expect(first).toBeInstanceOf(ProviderError);
    expect((first as ProviderError).kind).toBe(ProviderFailureKind.RATE_LIMITED);
    expect((await keys.snapshot()).map((key) => key.state)).toEqual(['RESTING', 'ACTIVE']);

    // While A rests, every call goes to B.
    for (let index = 0; index < 3; index += 1) expect(await outcome(finnhub.quote.fetch(['AAPL']))).toBe('ok');
    expect(upstream.requests.map(tokenOf)).toEqual([KEY_A, KEY_B, KEY_B, KEY_B]);

    await vi.advanceTimersByTimeAsync(1_100);
    expect((await keys.snapshot()).map((key) => key.state)).toEqual(['ACTIVE', 'ACTIVE']);
    await outcome(finnhub.quote.fetch(['AAPL']));
    await outcome(finnhub.quote.fetch(['AAPL']));
    expect(upstream.requests.slice(4).map(tokenOf).sort()).toEqual([KEY_A, KEY_B]);
  });

  it('fails fast with the soonest reset when every key rests', async () => {
    upstream.on(QUOTE, { status: 429, headers: { 'retry-after': '30' }, json: fixture('finnhub/error-429.json') });
    const finnhub = finnhubWithPool(upstream, pool({ FINNHUB_QUOTA: '100/min' }));
    await outcome(finnhub.quote.fetch(['AAPL']));
    await outcome(finnhub.quote.fetch(['AAPL']));
    expect(upstream.count()).toBe(2);

    const error = await outcome(finnhub.quote.fetch(['AAPL']));
    expect(upstream.count()).toBe(2);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe(ProviderFailureKind.RATE_LIMITED);
    expect((error as ProviderError).options.retryAfterMs).toBeGreaterThan(28_000);
    expect((error as ProviderError).options.retryAfterMs).toBeLessThanOrEqual(30_000);
  });
});

describe('a refused key', () => {
  it('is retired after a bad-key 401, reported masked, and never used again', async () => {
    upstream.on(QUOTE, (request) =>
      tokenOf(request) === KEY_A ? { status: 401, json: fixture('finnhub/error-401.json') } : { json: fixture('finnhub/quote-aapl.json') },
    );
    const retired: KeyRetiredEvent[] = [];
    const keys = pool({ FINNHUB_QUOTA: '100/min' }, (event) => retired.push(event));
    const finnhub = finnhubWithPool(upstream, keys);

    const first = await outcome(finnhub.quote.fetch(['AAPL']));
    expect((first as ProviderError).kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect(retired).toEqual([{ provider: 'finnhub', key: '…0001', reason: expect.any(String) }]);
    expect(retired[0]?.reason).not.toContain(KEY_A);

    for (let index = 0; index < 5; index += 1) expect(await outcome(finnhub.quote.fetch(['AAPL']))).toBe('ok');
    expect(callsPerKey(upstream)).toEqual({ [KEY_A]: 1, [KEY_B]: 5 });
    expect(await keys.snapshot()).toEqual([
      { key: '…0001', state: 'RETIRED', remaining: null, limits: { minute: 100 } },
      { key: '…0002', state: 'ACTIVE', remaining: { minute: 95 }, limits: { minute: 100 } },
    ]);
  });

  it('is kept after a plan refusal (403 "no access to this resource")', async () => {
    let refusedOnce = false;
    upstream.on(QUOTE, () => {
      if (refusedOnce) return { json: fixture('finnhub/quote-aapl.json') };
      refusedOnce = true;
      return { status: 403, json: fixture('finnhub/error-403.json') };
    });
    const retired: KeyRetiredEvent[] = [];
    const finnhub = finnhubWithPool(upstream, pool({ FINNHUB_QUOTA: '100/min' }, (event) => retired.push(event)));

    const first = await outcome(finnhub.quote.fetch(['AAPL']));
    expect((first as ProviderError).kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect((first as ProviderError).options.scope).toBe('plan');
    await outcome(finnhub.quote.fetch(['AAPL']));
    await outcome(finnhub.quote.fetch(['AAPL']));
    expect(retired).toEqual([]);
    expect(upstream.requests.map(tokenOf)).toEqual([KEY_A, KEY_B, KEY_A]);
  });

  it('is kept after FMP’s plain-text premium-symbol refusal (HTTP 402)', async () => {
    const refusals = fixture('fmp/errors/plain-text-refusals.json') as Record<string, string>;
    upstream.on({ path: '/stable/quote' }, { json: fixture('fmp/stable/quote-aapl.json') });
    upstream.on({ path: '/stable/quote' }, { status: 402, text: refusals['premiumSymbol'] ?? '' }, { times: 1 });
    const retired: KeyRetiredEvent[] = [];
    const keys = new QuotaKeyPool({ provider: 'fmp', keys: [KEY_A], limits: [{ points: 250, per: 'day' }], onKeyRetired: (event) => retired.push(event) });
    pools.push(keys);
    const fmp = createFmpProvider({ baseUrl: upstream.url, keys: [KEY_A], timeoutMs: 2_000, api: 'stable', batchQuotes: false, keySource: keys });
    const quote = fmp.quote;
    if (!quote) throw new Error('FMP serves quotes');

    const first = await outcome(quote.fetch(['AAPL']));
    expect((first as ProviderError).kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect((first as ProviderError).options.scope).toBe('plan');
    expect(await outcome(quote.fetch(['AAPL']))).toBe('ok');
    expect(retired).toEqual([]);
    expect(upstream.count({ path: '/stable/quote' })).toBe(2);
    await fmp.close?.();
  });

  it('leaves the provider without keys once all are refused, and then costs no call', async () => {
    upstream.on(QUOTE, { status: 401, json: fixture('finnhub/error-401.json') });
    const finnhub = finnhubWithPool(upstream, pool({ FINNHUB_QUOTA: '100/min' }));
    await outcome(finnhub.quote.fetch(['AAPL']));
    await outcome(finnhub.quote.fetch(['AAPL']));
    const error = await outcome(finnhub.quote.fetch(['AAPL']));
    expect((error as ProviderError).kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect(upstream.count()).toBe(2);
  });
});

describe('snapshot', () => {
  it('shows each key masked, its state and what is left of each window', async () => {
    serveQuotes(upstream);
    const keys = pool({ FINNHUB_QUOTA: '60/min,30/s' });
    const finnhub = finnhubWithPool(upstream, keys);
    await outcome(finnhub.quote.fetch(['AAPL']));
    await outcome(finnhub.quote.fetch(['MSFT']));
    await outcome(finnhub.quote.fetch(['IBM']));

    const snapshot = await keys.snapshot();
    expect(snapshot).toEqual([
      { key: '…0001', state: 'ACTIVE', remaining: { second: 28, minute: 58 }, limits: { second: 30, minute: 60 } },
      { key: '…0002', state: 'ACTIVE', remaining: { second: 29, minute: 59 }, limits: { second: 30, minute: 60 } },
    ]);
    expect(JSON.stringify(snapshot)).not.toContain('test-key');
  });

  it('masks short keys whole', async () => {
    const keys = new QuotaKeyPool({ provider: 'finnhub', keys: ['abc'], limits: [] });
    expect(await keys.snapshot()).toEqual([{ key: '****', state: 'ACTIVE', remaining: {}, limits: {} }]);
  });
});

describe('calls that cost more than one', () => {
  it('charges a call its cost, and refuses at once a cost no window of the plan can ever hold', async () => {
    const keys = new QuotaKeyPool({ provider: 'twelvedata', keys: [KEY_A], limits: [{ points: 8, per: 'minute' }] });
    expect(await keys.acquire(5)).toBe(KEY_A);
    await expect(keys.acquire(5)).rejects.toMatchObject({ kind: ProviderFailureKind.RATE_LIMITED });
    expect(await keys.acquire(3)).toBe(KEY_A);
    await expect(keys.acquire(9)).rejects.toMatchObject({ kind: ProviderFailureKind.UNAUTHORIZED, options: { scope: 'plan' } });
  });
});
