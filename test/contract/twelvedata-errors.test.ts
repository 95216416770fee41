import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderFailureKind } from '../../src/domain/index.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { KEY, failureOf, present, twelvedataOn } from './twelvedata-support.js';

/**
 * Twelve Data's `{code, message, status: "error"}` answers, whose HTTP status may or may not match
 * `code`, and the transport faults: each classified into exactly one kind, with no key in sight.
 */

let upstream: FakeUpstream;
let adapter: ProviderAdapter;
const NOW = Date.parse('2025-03-04T15:00:20Z');

beforeAll(async () => {
  upstream = await startFakeUpstream();
  adapter = twelvedataOn(upstream.url, {}, { now: () => NOW });
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await adapter.close?.();
  await upstream.close();
});

const quotes = () => present(adapter.quote).fetch(['AAPL', 'MSFT']);
const history = () => present(adapter.history).fetch({ symbol: 'AAPL', from: '2021-09-13', to: '2021-09-17', interval: 'DAY' });
const search = () => present(adapter.search).fetch({ query: 'apple', limit: 5 });

describe('error bodies, classified by their code', () => {
  it.each([
    ['401 bad key', 'error-401.json', 200, ProviderFailureKind.UNAUTHORIZED],
    ['401 bad key (HTTP 401)', 'error-401.json', 401, ProviderFailureKind.UNAUTHORIZED],
    ['403 plan lacks the endpoint', 'error-403.json', 200, ProviderFailureKind.UNAUTHORIZED],
    ['404 symbol not found', 'error-404-symbol.json', 200, ProviderFailureKind.NOT_FOUND],
    ['400 symbol missing or invalid', 'error-400-symbol.json', 400, ProviderFailureKind.NOT_FOUND],
    ['400 about something else (our request)', 'error-400-interval.json', 200, ProviderFailureKind.BAD_RESPONSE],
    ['429 out of credits', 'error-429-minute.json', 429, ProviderFailureKind.RATE_LIMITED],
    ['500 server trouble', 'error-500.json', 200, ProviderFailureKind.UNAVAILABLE],
  ])('%s (in HTTP %s)', async (_name, file, status, kind) => {
    upstream.on({ path: '/time_series' }, { status, json: fixture(`twelvedata/${file}`) });
    const error = await failureOf(history(), kind);
    expect(error.options.upstreamMessage).toBe((fixture(`twelvedata/${file}`) as { message: string }).message);
  });

  it('429 for the minute retries at the next minute, for the day at the next UTC day', async () => {
    upstream.on({ path: '/symbol_search' }, { json: fixture('twelvedata/error-429-minute.json') }, { times: 1 });
    expect((await failureOf(search(), ProviderFailureKind.RATE_LIMITED)).options.retryAfterMs).toBe(40_000);
    upstream.on({ path: '/symbol_search' }, { json: fixture('twelvedata/error-429-day.json') }, { times: 1 });
    expect((await failureOf(search(), ProviderFailureKind.RATE_LIMITED)).options.retryAfterMs).toBe(Date.parse('2025-03-05T00:00:00Z') - NOW);
  });

  it('429 with Retry-After follows the header', async () => {
    upstream.on({ path: '/quote' }, { status: 429, json: fixture('twelvedata/error-429-minute.json'), headers: { 'retry-after': '12' } });
    expect((await failureOf(quotes(), ProviderFailureKind.RATE_LIMITED)).options.retryAfterMs).toBe(12_000);
  });

  it('a 404 without Twelve Data’s error body (a wrong base URL) is BAD_RESPONSE, never an unknown symbol', async () => {
    upstream.on({ path: '/quote' }, { status: 404, json: { message: 'Not Found' } });
    await failureOf(quotes(), ProviderFailureKind.BAD_RESPONSE);
  });

  it('a 5xx without an error body is UNAVAILABLE', async () => {
    upstream.on({ path: '/quote' }, { status: 503, json: { message: 'Service Unavailable' } });
    await failureOf(quotes(), ProviderFailureKind.UNAVAILABLE);
  });

  it('never lets the key out, even when the message echoes it', async () => {
    upstream.on({ path: '/quote' }, { json: { code: 401, message: `**apikey** ${KEY} is incorrect`, status: 'error' } });
    const error = await failureOf(quotes(), ProviderFailureKind.UNAUTHORIZED);
    expect(error.options.upstreamMessage).toBe('**apikey** [redacted] is incorrect');
  });
});

describe('transport faults', () => {
  it.each([
    ['an HTML page with 200', { fault: 'html' as const, status: 200 }, ProviderFailureKind.UNAVAILABLE],
    ['an HTML page with 502', { fault: 'html' as const, status: 502 }, ProviderFailureKind.UNAVAILABLE],
    ['truncated JSON', { fault: 'truncated' as const }, ProviderFailureKind.BAD_RESPONSE],
    ['a body that is not JSON', { fault: 'malformed' as const }, ProviderFailureKind.BAD_RESPONSE],
    ['an empty body with 503', { fault: 'empty' as const, status: 503 }, ProviderFailureKind.UNAVAILABLE],
    ['a connection reset', { fault: 'reset' as const }, ProviderFailureKind.UNAVAILABLE],
  ])('%s is %s', async (_name, reply, kind) => {
    upstream.on({ path: '/quote' }, reply);
    await failureOf(quotes(), kind);
  });

  it('a hanging upstream times out as UNAVAILABLE', async () => {
    const impatient = twelvedataOn(upstream.url, { timeoutMs: 150 });
    upstream.on({ path: '/time_series' }, { fault: 'hang' });
    const error = await failureOf(present(impatient.history).fetch({ symbol: 'AAPL', from: '2021-09-13', to: '2021-09-17', interval: 'DAY' }), ProviderFailureKind.UNAVAILABLE);
    // Its own 150 ms limit ended the call (the message names it), not a stopwatch in the test.
    expect(error.message).toMatch(/timed out after 150 ms/);
    await impatient.close?.();
  });

  it('an aborted call stops at once', async () => {
    upstream.on({ path: '/quote' }, { fault: 'hang' });
    const controller = new AbortController();
    const call = present(adapter.quote).fetch(['AAPL', 'MSFT'], { signal: controller.signal });
    // Aborted once the call is in flight (it has reached the upstream), not after a guessed delay.
    await expect.poll(() => upstream.count({ path: '/quote' }), { timeout: 5_000, interval: 5 }).toBeGreaterThan(0);
    controller.abort();
    const error = await failureOf(call, ProviderFailureKind.UNAVAILABLE);
    // Ended by the abort, not by the adapter's own timeout.
    expect(error.message).not.toMatch(/timed out/);
  });
});
