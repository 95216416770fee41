import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderFailureKind } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import type { Reply } from '../support/fake-upstream.js';
import { av, failureOf, Harness, KEY, query } from './alphavantage-support.js';

let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start();
});
afterEach(() => harness.upstream.reset());
afterAll(async () => {
  await harness.close();
});

const NOW = Date.parse('2024-05-10T22:00:00Z');
const UNTIL_UTC_MIDNIGHT = Date.parse('2024-05-11T00:00:00Z') - NOW;

/** One call of each capability, each through its own Alpha Vantage function. */
const calls: Array<[string, string, (adapter: ProviderAdapter) => Promise<unknown>]> = [
  ['quote', 'GLOBAL_QUOTE', (adapter) => adapter.quote!.fetch(['IBM'])],
  ['profile', 'OVERVIEW', (adapter) => adapter.profile!.fetch(['IBM'])],
  ['history', 'TIME_SERIES_DAILY', (adapter) => adapter.history!.fetch({ symbol: 'IBM', from: '2024-05-01', to: '2024-05-10', interval: 'DAY' })],
  ['statements', 'CASH_FLOW', (adapter) => adapter.statements!.fetch({ symbol: 'IBM', statement: 'CASH_FLOW', period: 'ANNUAL', limit: 4 })],
  ['search', 'SYMBOL_SEARCH', (adapter) => adapter.search!.fetch({ query: 'ibm', limit: 5 })],
];

const adapter = (options: Parameters<Harness['adapter']>[0] = {}) => harness.adapter({ now: NOW, ...options });

describe('Alpha Vantage error bodies (all HTTP 200)', () => {
  const bodies: Array<[string, ProviderFailureKind, number | undefined]> = [
    ['errors/rate-limit-daily', ProviderFailureKind.RATE_LIMITED, UNTIL_UTC_MIDNIGHT],
    ['errors/rate-limit-burst', ProviderFailureKind.RATE_LIMITED, 1_000],
    ['errors/rate-limit-note', ProviderFailureKind.RATE_LIMITED, 60_000],
    ['errors/premium-endpoint', ProviderFailureKind.UNAUTHORIZED, undefined],
    ['errors/premium-outputsize', ProviderFailureKind.UNAUTHORIZED, undefined],
    ['errors/demo-key', ProviderFailureKind.UNAUTHORIZED, undefined],
    ['errors/invalid-apikey', ProviderFailureKind.UNAUTHORIZED, undefined],
  ];

  for (const [capability, fn, call] of calls) {
    it.each(bodies)(`${capability} (${fn}): %s → %s`, async (name, kind, retryAfterMs) => {
      harness.upstream.on(query(fn), { json: av(name) });
      const error = await failureOf(call(adapter()));
      expect(error.kind).toBe(kind);
      expect(error.provider).toBe('alphavantage');
      expect(error.options.retryAfterMs).toBe(retryAfterMs);
      // The provider's words are kept for logs, ours are the message.
      expect(error.options.upstreamMessage?.length).toBeGreaterThan(20);
      expect(error.message).toMatch(new RegExp(`^Alpha Vantage ${fn}`));
      expect(harness.upstream.requests[0]?.query['apikey']).toBe(KEY);
    });
  }

  it('removes the key Alpha Vantage quotes back in the daily-limit text', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE'), { json: av('errors/rate-limit-daily') });
    const error = await failureOf(adapter().quote!.fetch(['IBM']));
    expect(error.options.upstreamMessage).toContain('We have detected your API key as [redacted] and our standard API rate limit is 25 requests per day');
  });

  it('removes a quoted key even when it is not one of ours', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE'), {
      json: { Information: 'We have detected your API key as OLDKEY9X8Y7Z and our standard API rate limit is 25 requests per day.' },
    });
    const error = await failureOf(adapter().quote!.fetch(['IBM']));
    expect(error.kind).toBe(ProviderFailureKind.RATE_LIMITED);
    expect(error.options.upstreamMessage).not.toContain('OLDKEY9X8Y7Z');
  });

  it('reads the invalid-key text as UNAUTHORIZED under "Information" too', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE'), {
      json: { Information: 'the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key).' },
    });
    expect((await failureOf(adapter().quote!.fetch(['IBM']))).kind).toBe(ProviderFailureKind.UNAUTHORIZED);
  });

  it('treats a notice in unknown words as a rate limit (resting a key heals, retiring it does not)', async () => {
    harness.upstream.on(query('OVERVIEW'), { json: { Information: 'Thank you for using Alpha Vantage! Something new happened.' } });
    expect((await failureOf(adapter().profile!.fetch(['IBM']))).kind).toBe(ProviderFailureKind.RATE_LIMITED);
  });
});

describe('HTTP statuses and transport faults', () => {
  const faults: Array<[string, Reply, ProviderFailureKind]> = [
    ['429 with Retry-After', { status: 429, json: { message: 'Too Many Requests' }, headers: { 'retry-after': '30' } }, ProviderFailureKind.RATE_LIMITED],
    ['401', { status: 401, json: { message: 'Unauthorized' } }, ProviderFailureKind.UNAUTHORIZED],
    ['503 with JSON', { status: 503, json: { message: 'Service Unavailable' } }, ProviderFailureKind.UNAVAILABLE],
    ['an HTML page with 200', { fault: 'html', status: 200 }, ProviderFailureKind.UNAVAILABLE],
    ['an HTML page with 502', { fault: 'html', status: 502 }, ProviderFailureKind.UNAVAILABLE],
    ['truncated JSON', { fault: 'truncated', json: av('global-quote-ibm') }, ProviderFailureKind.BAD_RESPONSE],
    ['malformed JSON', { fault: 'malformed' }, ProviderFailureKind.BAD_RESPONSE],
    ['an empty body', { fault: 'empty' }, ProviderFailureKind.BAD_RESPONSE],
    ['a reset connection', { fault: 'reset' }, ProviderFailureKind.UNAVAILABLE],
    ['a JSON array', { json: [] }, ProviderFailureKind.BAD_RESPONSE],
    ['a JSON string', { json: 'OK' }, ProviderFailureKind.BAD_RESPONSE],
  ];

  it.each(faults)('classifies %s', async (_what, reply, kind) => {
    harness.upstream.on(query('GLOBAL_QUOTE'), reply);
    const error = await failureOf(adapter().quote!.fetch(['IBM']));
    expect(error.kind).toBe(kind);
  });

  it('reads Retry-After on a 429', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE'), { status: 429, json: {}, headers: { 'retry-after': '30' } });
    expect((await failureOf(adapter().quote!.fetch(['IBM']))).options.retryAfterMs).toBe(30_000);
  });

  it('gives up on a server that never answers within the timeout, as UNAVAILABLE', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE'), { fault: 'hang' });
    const error = await failureOf(adapter({ timeoutMs: 150 }).quote!.fetch(['IBM']));
    expect(error.kind).toBe(ProviderFailureKind.UNAVAILABLE);
    // Its own 150 ms limit ended the call (the message names it), not a stopwatch in the test.
    expect(error.message).toMatch(/timed out after 150 ms/);
  });

  it('stops reading a body over the size cap, as BAD_RESPONSE', async () => {
    harness.upstream.on(query('TIME_SERIES_DAILY'), { fault: 'oversized', oversizedBytes: 512 * 1024 });
    const error = await failureOf(adapter({ maxBodyBytes: 64 * 1024 }).history!.fetch({ symbol: 'IBM', from: '2024-05-01', to: '2024-05-10', interval: 'DAY' }));
    expect(error.kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('says where it failed with the key redacted', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE'), { fault: 'reset' });
    const error = await failureOf(adapter().quote!.fetch(['IBM']));
    expect(error.message).toContain('apikey=[redacted]');
  });

  it('follows the caller aborting the call', async () => {
    harness.upstream.on(query('GLOBAL_QUOTE'), { fault: 'hang' });
    const controller = new AbortController();
    const pending = failureOf(adapter().quote!.fetch(['IBM'], { signal: controller.signal }));
    // Aborted once the call is in flight (it has reached the upstream), not after a guessed delay.
    await expect.poll(() => harness.upstream.count(query('GLOBAL_QUOTE')), { timeout: 5_000, interval: 5 }).toBe(1);
    controller.abort();
    const error = await pending;
    expect(error.kind).toBe(ProviderFailureKind.UNAVAILABLE);
    // Ended by the abort, not by the adapter's own timeout.
    expect(error.message).not.toMatch(/timed out/);
  });
});

describe('the adapter', () => {
  it('declares what Alpha Vantage serves and nothing else', () => {
    const built = adapter();
    expect(built).toMatchObject({ id: 'alphavantage', name: 'Alpha Vantage' });
    expect(built.quote && built.profile && built.history && built.statements && built.search).toBeTruthy();
    expect(built.stream).toBeUndefined();
    expect(built.economicSeries).toBeUndefined();
  });
});
