import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CompanyProfileSchema, ProviderError, ProviderFailureKind, QuoteSchema } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { KEY, SECOND_KEY, expectNoKey, failureOf, finnhubOn, present } from './finnhub-support.js';

/** Finnhub `/quote` and `/stock/profile2` against a fake upstream serving the documented payloads. */

let upstream: FakeUpstream;
let adapter: ProviderAdapter;
const NOW = Date.parse('2025-03-04T15:00:00Z');

beforeAll(async () => {
  upstream = await startFakeUpstream();
  adapter = finnhubOn(upstream.url, {}, { now: () => NOW });
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await adapter.close?.();
  await upstream.close();
});

describe('Finnhub adapter shape', () => {
  it('declares what the free plan serves, and no price history (/stock/candle is premium)', () => {
    expect(adapter).toMatchObject({ id: 'finnhub', name: 'Finnhub' });
    expect(adapter.quote?.batchSize).toBe(1);
    expect(adapter.profile?.batchSize).toBe(1);
    expect(adapter.statements).toBeDefined();
    expect(adapter.search).toBeDefined();
    expect(adapter.history).toBeUndefined();
    expect(adapter.stream).toBeUndefined();
    expect(adapter.economicSeries).toBeUndefined();
  });
});

describe('quote (/quote)', () => {
  it('maps c, d, dp, h, l, o, pc and t (unix seconds) to a quote', async () => {
    upstream.on({ path: '/quote', query: { symbol: 'AAPL' } }, { json: fixture('finnhub/quote-aapl.json') });
    const result = await present(adapter.quote).fetch(['AAPL']);
    const quote = result.get('AAPL');
    if (!quote || quote instanceof Error) throw new Error(`expected a quote, got ${String(quote)}`);
    expect(QuoteSchema.parse(quote)).toEqual({
      symbol: 'AAPL',
      price: 261.74,
      change: 2.29,
      changePercent: 0.8826,
      open: 261.07,
      high: 263.31,
      low: 260.68,
      previousClose: 259.45,
      volume: null,
      timestamp: new Date(1582641000 * 1000),
      source: 'finnhub',
      asOf: new Date(1582641000 * 1000),
      stale: false,
    });
  });

  it('sends the key in the X-Finnhub-Token header, never in the URL', async () => {
    upstream.on({ path: '/quote' }, { json: fixture('finnhub/quote-aapl.json') });
    await present(adapter.quote).fetch(['AAPL']);
    const request = upstream.requests[0];
    expect(request?.path).toBe('/quote');
    expect(request?.query).toEqual({ symbol: 'AAPL' });
    expect(request?.headers['x-finnhub-token']).toBe(KEY);
  });

  it('keeps the path prefix of the base URL (the real base is https://finnhub.io/api/v1)', async () => {
    const prefixed = finnhubOn(`${upstream.url}/api/v1`);
    upstream.on({ path: '/api/v1/quote', query: { symbol: 'MSFT' } }, { json: fixture('finnhub/quote-aapl.json') });
    const result = await present(prefixed.quote).fetch(['MSFT']);
    expect(result.get('MSFT')).toMatchObject({ symbol: 'MSFT', price: 261.74 });
    await prefixed.close?.();
  });

  it('asks for share classes as Finnhub spells them (BRK.B) and answers under the canonical symbol', async () => {
    upstream.on({ path: '/quote', query: { symbol: 'BRK.B' } }, { json: fixture('finnhub/quote-aapl.json') });
    const result = await present(adapter.quote).fetch(['BRK.B']);
    expect(result.get('BRK.B')).toMatchObject({ symbol: 'BRK.B', source: 'finnhub' });
  });

  it('reads the quote of zeros Finnhub sends for an unknown symbol as NOT_FOUND for that symbol', async () => {
    upstream.on({ path: '/quote', query: { symbol: 'NOPE' } }, { json: fixture('finnhub/quote-unknown.json') });
    const result = await present(adapter.quote).fetch(['NOPE']);
    const entry = result.get('NOPE');
    expect(entry).toBeInstanceOf(ProviderError);
    expect((entry as ProviderError).kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('answers a batch one call per symbol, an unknown symbol failing alone', async () => {
    upstream.on({ path: '/quote', query: { symbol: 'AAPL' } }, { json: fixture('finnhub/quote-aapl.json') });
    upstream.on({ path: '/quote', query: { symbol: 'NOPE' } }, { json: fixture('finnhub/quote-unknown.json') });
    const result = await present(adapter.quote).fetch(['AAPL', 'NOPE']);
    expect(result.get('AAPL')).toMatchObject({ price: 261.74 });
    expect((result.get('NOPE') as ProviderError).kind).toBe(ProviderFailureKind.NOT_FOUND);
    expect(upstream.count({ path: '/quote' })).toBe(2);
  });

  it('derives change and percent from the previous close when d and dp are null', async () => {
    upstream.on({ path: '/quote' }, { json: { c: 261.74, d: null, dp: null, h: 0, l: 0, o: 0, pc: 259.45, t: 0 } });
    const quote = (await present(adapter.quote).fetch(['AAPL'])).get('AAPL');
    expect(quote).toMatchObject({ change: 2.29, changePercent: 0.882636, open: null, high: null, low: null, timestamp: new Date(NOW) });
    expect(QuoteSchema.safeParse(quote).success).toBe(true);
  });

  it('refuses a payload without a price as BAD_RESPONSE', async () => {
    upstream.on({ path: '/quote' }, { json: { d: 1, dp: 1, pc: 10 } });
    const error = await failureOf(present(adapter.quote).fetch(['AAPL']), ProviderFailureKind.BAD_RESPONSE);
    expect(error.message).toContain('c:');
  });

  it('takes the keys in turn', async () => {
    const twoKeys = finnhubOn(upstream.url, { keys: [KEY, SECOND_KEY] });
    upstream.on({ path: '/quote' }, { json: fixture('finnhub/quote-aapl.json') });
    await present(twoKeys.quote).fetch(['AAPL']);
    await present(twoKeys.quote).fetch(['MSFT']);
    expect(upstream.requests.map((request) => request.headers['x-finnhub-token'])).toEqual([KEY, SECOND_KEY]);
    await twoKeys.close?.();
  });
});

describe('company profile (/stock/profile2)', () => {
  it('maps the profile, with market capitalisation from millions to units', async () => {
    upstream.on({ path: '/stock/profile2', query: { symbol: 'AAPL' } }, { json: fixture('finnhub/profile2-aapl.json') });
    const result = await present(adapter.profile).fetch(['AAPL']);
    expect(CompanyProfileSchema.parse(result.get('AAPL'))).toEqual({
      symbol: 'AAPL',
      name: 'Apple Inc',
      exchange: 'NASDAQ',
      sector: null,
      industry: 'Technology',
      country: 'US',
      currency: 'USD',
      description: null,
      marketCap: 1_415_993_000_000,
      source: 'finnhub',
      asOf: new Date(NOW),
      stale: false,
    });
    expect(upstream.requests[0]?.headers['x-finnhub-token']).toBe(KEY);
  });

  it('shortens the registered names of US venues and passes others through', async () => {
    const profile = fixture('finnhub/profile2-aapl.json') as Record<string, unknown>;
    upstream.on({ path: '/stock/profile2', query: { symbol: 'IBM' } }, { json: { ...profile, exchange: 'NEW YORK STOCK EXCHANGE, INC.' } });
    upstream.on({ path: '/stock/profile2', query: { symbol: 'SHOP' } }, { json: { ...profile, exchange: 'TORONTO STOCK EXCHANGE' } });
    const result = await present(adapter.profile).fetch(['IBM', 'SHOP']);
    expect(result.get('IBM')).toMatchObject({ exchange: 'NYSE' });
    expect(result.get('SHOP')).toMatchObject({ exchange: 'TORONTO STOCK EXCHANGE' });
  });

  it('reads the empty object Finnhub sends for an unknown symbol as NOT_FOUND', async () => {
    upstream.on({ path: '/stock/profile2' }, { json: fixture('finnhub/profile2-unknown.json') });
    const entry = (await present(adapter.profile).fetch(['NOPE'])).get('NOPE');
    expect((entry as ProviderError).kind).toBe(ProviderFailureKind.NOT_FOUND);
    expectNoKey(entry as Error);
  });

  it('throws the failure of a lone call that is not about the symbol (a refused key)', async () => {
    upstream.on({ path: '/stock/profile2' }, { status: 401, json: fixture('finnhub/error-401.json') });
    await failureOf(present(adapter.profile).fetch(['AAPL']), ProviderFailureKind.UNAUTHORIZED);
  });
});
