import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderFailureKind } from '../../src/domain/index.js';
import { startFakeUpstream, type FakeUpstream, type Reply } from '../support/fake-upstream.js';
import { failureOf, fmpAdapter, fmpFixture, KEY, plainTextRefusal, type FmpAdapter } from './fmp-support.js';

/**
 * Every way an FMP call fails, in FMP's own error formats (JSON `{"Error Message": …}` under
 * 401/403/429 or even 200, plain-text 402 refusals), and the generic faults of any upstream:
 * each classified into exactly one kind, FMP's words kept for logs only, no key anywhere.
 */

let upstream: FakeUpstream;
let adapter: FmpAdapter;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  adapter = fmpAdapter(upstream);
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await adapter.close?.();
  await upstream.close();
});

const statements = () => adapter.statements.fetch({ symbol: 'AAPL', statement: 'INCOME', period: 'ANNUAL', limit: 4 });

/** Every capability, each on its own endpoint. */
const calls: Array<[string, string, () => Promise<unknown>]> = [
  ['quote', '/stable/quote', () => adapter.quote.fetch(['AAPL'])],
  ['profile', '/stable/profile', () => adapter.profile.fetch(['AAPL'])],
  ['statements', '/stable/income-statement', statements],
  ['search', '/stable/search-symbol', () => adapter.search.fetch({ query: 'apple', limit: 5 })],
  ['history', '/stable/historical-price-eod/full', () => adapter.history.fetch({ symbol: 'AAPL', from: '2025-02-03', to: '2025-02-07', interval: 'DAY' })],
];

describe("FMP's error bodies", () => {
  it.each([
    ['a bad key (401)', 401, 'errors/invalid-api-key.json', ProviderFailureKind.UNAUTHORIZED, 'Invalid API KEY'],
    ['a bad key answered with 200', 200, 'errors/invalid-api-key.json', ProviderFailureKind.UNAUTHORIZED, 'Invalid API KEY'],
    ['the daily quota (429)', 429, 'errors/limit-reach.json', ProviderFailureKind.RATE_LIMITED, 'Limit Reach'],
    ['the daily quota answered with 200', 200, 'errors/limit-reach.json', ProviderFailureKind.RATE_LIMITED, 'Limit Reach'],
    ['the bandwidth quota (429)', 429, 'errors/bandwidth-limit-reach.json', ProviderFailureKind.RATE_LIMITED, 'Bandwidth Limit Reach'],
    ['an endpoint outside the plan (403)', 403, 'errors/exclusive-endpoint.json', ProviderFailureKind.UNAUTHORIZED, 'Exclusive Endpoint'],
  ])('classifies %s', async (_what, status, path, kind, words) => {
    upstream.on({ path: '/stable/income-statement' }, { status, json: fmpFixture(path) });
    const error = await failureOf(statements());
    expect(error.kind).toBe(kind);
    // FMP's words are for logs only: upstreamMessage, not the message.
    expect(error.options.upstreamMessage).toContain(words);
    expect(error.message).not.toContain(words);
    expect(error.message).toContain('AAPL');
  });

  it.each([
    ['an endpoint outside the plan', 'restrictedEndpoint', 'Restricted Endpoint'],
    ['a symbol outside the plan', 'premiumSymbol', 'Premium Query Parameter'],
    ['a parameter value outside the plan', 'premiumLimit', "'limit' must be between 0 and 5"],
  ] as const)('classifies %s, sent as plain text with 402, as UNAUTHORIZED', async (_what, name, words) => {
    upstream.on({ path: '/stable/income-statement' }, { status: 402, text: plainTextRefusal(name) });
    const error = await failureOf(statements());
    expect(error.kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect(error.options.upstreamMessage).toContain(words);
  });

  it('reads Retry-After of a 429 into retryAfterMs', async () => {
    upstream.on({ path: '/stable/income-statement' }, { status: 429, json: fmpFixture('errors/limit-reach.json'), headers: { 'retry-after': '120' } });
    const error = await failureOf(statements());
    expect(error.kind).toBe(ProviderFailureKind.RATE_LIMITED);
    expect(error.options.retryAfterMs).toBe(120_000);
  });

  it('classifies words it does not know by the status: 5xx UNAVAILABLE, 200 BAD_RESPONSE', async () => {
    upstream.on({ path: '/stable/income-statement' }, { status: 500, json: { 'Error Message': 'Something went wrong' } }, { times: 1 });
    expect((await failureOf(statements())).kind).toBe(ProviderFailureKind.UNAVAILABLE);
    upstream.on({ path: '/stable/income-statement' }, { status: 200, json: { error: 'temporary upstream calculation failure' } }, { times: 1 });
    const error = await failureOf(statements());
    expect(error.kind).toBe(ProviderFailureKind.BAD_RESPONSE);
    expect(error.options.upstreamMessage).toBe('temporary upstream calculation failure');
  });

  it('classifies bare statuses: 404 NOT_FOUND, 400 BAD_RESPONSE, 503 UNAVAILABLE', async () => {
    upstream.on({ path: '/stable/income-statement' }, { status: 404, json: {} }, { times: 1 });
    expect((await failureOf(statements())).kind).toBe(ProviderFailureKind.NOT_FOUND);
    upstream.on({ path: '/stable/income-statement' }, { status: 400, json: {} }, { times: 1 });
    expect((await failureOf(statements())).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
    upstream.on({ path: '/stable/income-statement' }, { status: 503, json: {} }, { times: 1 });
    expect((await failureOf(statements())).kind).toBe(ProviderFailureKind.UNAVAILABLE);
  });

  it.each(calls)('classifies a bad key the same way for %s', async (_capability, path, call) => {
    upstream.on({ path }, { status: 401, json: fmpFixture('errors/invalid-api-key.json') });
    upstream.on({ path: '/stable/search-name' }, { status: 401, json: fmpFixture('errors/invalid-api-key.json') });
    const error = await failureOf(call());
    expect(error.kind).toBe(ProviderFailureKind.UNAUTHORIZED);
  });

  it('never lets a key through, even when FMP echoes it back', async () => {
    upstream.on({ path: '/stable/quote' }, { status: 401, json: { 'Error Message': `Invalid API KEY. The key ${KEY} is not valid; apikey=${KEY}` } });
    const error = await failureOf(adapter.quote.fetch(['AAPL']));
    expect(error.options.upstreamMessage).toContain('[redacted]');
    upstream.on({ path: '/stable/quote' }, { status: 402, text: `Premium Query Parameter: not for ${KEY}` });
    expect((await failureOf(adapter.quote.fetch(['AAPL']))).kind).toBe(ProviderFailureKind.UNAUTHORIZED);
  });
});

describe('faults of any upstream', () => {
  it.each<[string, Reply, ProviderFailureKind]>([
    ['an HTML error page with 200', { fault: 'html', status: 200 }, ProviderFailureKind.UNAVAILABLE],
    ['an HTML error page with 502', { fault: 'html', status: 502 }, ProviderFailureKind.UNAVAILABLE],
    ['truncated JSON', { fault: 'truncated', json: fmpFixture('stable/income-statement-aapl-annual.json') }, ProviderFailureKind.BAD_RESPONSE],
    ['a body that is not JSON', { fault: 'malformed' }, ProviderFailureKind.BAD_RESPONSE],
    ['an empty body', { fault: 'empty' }, ProviderFailureKind.BAD_RESPONSE],
    ['a reset connection', { fault: 'reset' }, ProviderFailureKind.UNAVAILABLE],
  ])('classifies %s', async (_what, reply, kind) => {
    upstream.on({ path: '/stable/income-statement' }, reply);
    expect((await failureOf(statements())).kind).toBe(kind);
  });

  it('classifies a hung upstream as UNAVAILABLE after the timeout', async () => {
    const impatient = fmpAdapter(upstream, { timeoutMs: 200 });
    try {
      upstream.on({ path: '/stable/quote' }, { fault: 'hang' });
      const error = await failureOf(impatient.quote.fetch(['AAPL']));
      expect(error.kind).toBe(ProviderFailureKind.UNAVAILABLE);
      // Its own 200 ms limit ended the call (the message names it), not a stopwatch in the test.
      expect(error.message).toContain('timed out after 200 ms');
    } finally {
      await impatient.close?.();
    }
  });

  it('classifies an oversized body as BAD_RESPONSE', async () => {
    const small = fmpAdapter(upstream, { maxBodyBytes: 64 * 1024 });
    try {
      upstream.on({ path: '/stable/historical-price-eod/full' }, { fault: 'oversized', oversizedBytes: 1024 * 1024 });
      const error = await failureOf(small.history.fetch({ symbol: 'AAPL', from: '2020-01-01', to: '2025-01-01', interval: 'DAY' }));
      expect(error.kind).toBe(ProviderFailureKind.BAD_RESPONSE);
    } finally {
      await small.close?.();
    }
  });

  it('reads a gzip-encoded answer', async () => {
    upstream.on({ path: '/stable/income-statement' }, { json: fmpFixture('stable/income-statement-aapl-annual.json'), gzip: true });
    expect((await statements()).map((statement) => statement.fiscalDate)).toEqual(['2024-09-28', '2023-09-30']);
  });
});
