import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderFailureKind, SymbolMatchSchema } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { KEY, failureOf, finnhubOn, present } from './finnhub-support.js';

/** Finnhub `/search`, and every way a Finnhub call fails, classified into the taxonomy. */

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

const quoteOf = (symbol = 'AAPL') => present(adapter.quote).fetch([symbol]);

describe('search (/search)', () => {
  it('maps the matches in Finnhub’s order, with the query in `q` and the key in the header', async () => {
    upstream.on({ path: '/search', query: { q: 'apple' } }, { json: fixture('finnhub/search-apple.json') });
    const matches = await present(adapter.search).fetch({ query: 'apple', limit: 10 });
    for (const match of matches) SymbolMatchSchema.parse(match);
    expect(matches).toEqual([
      { symbol: 'AAPL', name: 'APPLE INC', exchange: null, type: 'EQUITY', source: 'finnhub' },
      { symbol: 'AAPL.SW', name: 'APPLE INC', exchange: null, type: 'EQUITY', source: 'finnhub' },
      { symbol: 'APC.BE', name: 'APPLE INC', exchange: null, type: 'EQUITY', source: 'finnhub' },
      { symbol: 'APC.DE', name: 'APPLE INC', exchange: null, type: 'EQUITY', source: 'finnhub' },
      { symbol: 'AAPU', name: 'DIREXION DAILY AAPL BULL 2X', exchange: null, type: 'ETF', source: 'finnhub' },
    ]);
    expect(upstream.requests[0]).toMatchObject({ path: '/search', query: { q: 'apple' } });
    expect(upstream.requests[0]?.headers['x-finnhub-token']).toBe(KEY);
  });

  it('stops at the limit and drops symbols the gateway cannot address', async () => {
    upstream.on(
      { path: '/search' },
      {
        json: {
          count: 3,
          result: [
            { description: 'EURO/US DOLLAR', displaySymbol: 'EUR/USD', symbol: 'OANDA:EUR_USD', type: '' },
            { description: 'APPLE INC', displaySymbol: 'AAPL', symbol: 'AAPL', type: 'Common Stock' },
            { description: 'APPLE HOSPITALITY REIT INC', displaySymbol: 'APLE', symbol: 'APLE', type: 'REIT' },
          ],
        },
      },
    );
    const matches = await present(adapter.search).fetch({ query: 'apple', limit: 1 });
    expect(matches.map((match) => match.symbol)).toEqual(['AAPL']);
  });

  it('answers an empty list when nothing matches', async () => {
    upstream.on({ path: '/search' }, { json: { count: 0, result: [] } });
    expect(await present(adapter.search).fetch({ query: 'zzzz', limit: 10 })).toEqual([]);
  });

  it('refuses a payload without `result` as BAD_RESPONSE', async () => {
    upstream.on({ path: '/search' }, { json: { count: 0 } });
    await failureOf(present(adapter.search).fetch({ query: 'apple', limit: 10 }), ProviderFailureKind.BAD_RESPONSE);
  });
});

describe('Finnhub error answers', () => {
  it('401 (invalid key) is UNAUTHORIZED, with Finnhub’s words kept for logs only', async () => {
    upstream.on({ path: '/quote' }, { status: 401, json: fixture('finnhub/error-401.json') });
    const error = await failureOf(quoteOf(), ProviderFailureKind.UNAUTHORIZED);
    expect(error.options.upstreamMessage).toBe('Invalid API key');
    expect(error.message).not.toContain('Invalid API key');
  });

  it('403 "You don’t have access to this resource." (a premium endpoint) is UNAUTHORIZED', async () => {
    upstream.on({ path: '/stock/financials-reported' }, { status: 403, json: fixture('finnhub/error-403.json') });
    await failureOf(present(adapter.statements).fetch({ symbol: 'AAPL', statement: 'INCOME', period: 'ANNUAL', limit: 4 }), ProviderFailureKind.UNAUTHORIZED);
  });

  it('429 is RATE_LIMITED, retryable after Retry-After', async () => {
    upstream.on({ path: '/quote' }, { status: 429, json: fixture('finnhub/error-429.json'), headers: { 'retry-after': '7' } });
    const error = await failureOf(quoteOf(), ProviderFailureKind.RATE_LIMITED);
    expect(error.options.retryAfterMs).toBe(7000);
  });

  it('429 without Retry-After is retryable when X-Ratelimit-Reset says the quota refills', async () => {
    const reset = String(NOW / 1000 + 42);
    upstream.on({ path: '/quote' }, { status: 429, json: fixture('finnhub/error-429.json'), headers: { 'x-ratelimit-reset': reset } });
    const error = await failureOf(quoteOf(), ProviderFailureKind.RATE_LIMITED);
    expect(error.options.retryAfterMs).toBe(42_000);
  });

  it('an error body inside a 200 is classified by its words', async () => {
    upstream.on({ path: '/quote', query: { symbol: 'AAPL' } }, { json: fixture('finnhub/error-429.json') });
    upstream.on({ path: '/quote', query: { symbol: 'MSFT' } }, { json: fixture('finnhub/error-403.json') });
    await failureOf(quoteOf('AAPL'), ProviderFailureKind.RATE_LIMITED);
    await failureOf(quoteOf('MSFT'), ProviderFailureKind.UNAUTHORIZED);
  });

  it('5xx is UNAVAILABLE', async () => {
    upstream.on({ path: '/quote' }, { status: 503, json: { error: 'Service Unavailable' } });
    await failureOf(quoteOf(), ProviderFailureKind.UNAVAILABLE);
  });

  it('a 404 is our path’s fault, not an unknown symbol: BAD_RESPONSE, so it is never cached as one', async () => {
    upstream.on({ path: '/quote' }, { status: 404, json: { error: 'Not Found' } });
    await failureOf(quoteOf(), ProviderFailureKind.BAD_RESPONSE);
  });

  it('a payload of the wrong shape is BAD_RESPONSE', async () => {
    upstream.on({ path: '/stock/profile2' }, { json: ['AAPL'] });
    await failureOf(present(adapter.profile).fetch(['AAPL']), ProviderFailureKind.BAD_RESPONSE);
  });

  it('never lets the key out, even when Finnhub echoes it', async () => {
    upstream.on({ path: '/quote' }, { status: 401, json: { error: `Invalid API key ${KEY}` } });
    const error = await failureOf(quoteOf(), ProviderFailureKind.UNAUTHORIZED);
    expect(error.options.upstreamMessage).toBe('Invalid API key [redacted]');
  });
});

describe('transport faults', () => {
  it.each([
    ['an HTML page with 200', { fault: 'html' as const, status: 200 }, ProviderFailureKind.UNAVAILABLE],
    ['an HTML page with 502', { fault: 'html' as const, status: 502 }, ProviderFailureKind.UNAVAILABLE],
    ['truncated JSON', { fault: 'truncated' as const }, ProviderFailureKind.BAD_RESPONSE],
    ['a body that is not JSON', { fault: 'malformed' as const }, ProviderFailureKind.BAD_RESPONSE],
    ['an empty body', { fault: 'empty' as const }, ProviderFailureKind.BAD_RESPONSE],
    ['a connection reset', { fault: 'reset' as const }, ProviderFailureKind.UNAVAILABLE],
  ])('%s is %s', async (_name, reply, kind) => {
    upstream.on({ path: '/quote' }, reply);
    await failureOf(quoteOf(), kind);
  });

  it('a hanging upstream times out as UNAVAILABLE', async () => {
    const impatient = finnhubOn(upstream.url, { timeoutMs: 150 });
    upstream.on({ path: '/quote' }, { fault: 'hang' });
    const error = await failureOf(present(impatient.quote).fetch(['AAPL']), ProviderFailureKind.UNAVAILABLE);
    // Its own 150 ms limit ended the call (the message names it), not a stopwatch in the test.
    expect(error.message).toMatch(/timed out after 150 ms/);
    await impatient.close?.();
  });

  it('a body past the size cap is BAD_RESPONSE', async () => {
    const small = finnhubOn(upstream.url, { maxBodyBytes: 16 * 1024 });
    upstream.on({ path: '/quote' }, { fault: 'oversized', oversizedBytes: 256 * 1024 });
    await failureOf(present(small.quote).fetch(['AAPL']), ProviderFailureKind.BAD_RESPONSE);
    await small.close?.();
  });
});
