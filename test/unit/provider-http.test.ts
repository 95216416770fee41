import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, ProviderFailureKind } from '../../src/domain/index.js';
import { ProviderHttpClient, parseRetryAfter } from '../../src/providers/http.js';
import { maskKey } from '../../src/providers/redact.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

const KEY = 'secret-key-4321abcd';

let upstream: FakeUpstream;
let http: ProviderHttpClient;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  // Generous: a loaded machine must not turn an answered call into a timeout. The timeout itself
  // is tested with a client of its own.
  http = new ProviderHttpClient({ provider: 'fmp', timeoutMs: 10_000, maxBodyBytes: 64 * 1024, secrets: [KEY] });
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await http.close();
  await upstream.close();
});

const urlWithKey = () => new URL(`${upstream.url}/stable/quote?symbol=AAPL&apikey=${KEY}`);

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ProviderError);
  const error = outcome as ProviderError;
  // Whatever went wrong, the key is nowhere in what the error carries.
  expect(`${error.message} ${error.options.upstreamMessage ?? ''} ${error.stack ?? ''}`).not.toContain(KEY);
  return error;
}

describe('ProviderHttpClient', () => {
  it('returns status, headers and the parsed JSON body', async () => {
    upstream.on({ path: '/stable/quote' }, { json: [{ symbol: 'AAPL', price: 1.5 }], headers: { 'x-ratelimit-remaining': '9' } });
    const response = await http.getJson(urlWithKey());
    expect(response.status).toBe(200);
    expect(response.body).toEqual([{ symbol: 'AAPL', price: 1.5 }]);
    expect(response.headers['x-ratelimit-remaining']).toBe('9');
    expect(upstream.requests[0]?.query['apikey']).toBe(KEY);
  });

  it('caps the decoded size of a compressed body, so a small bomb cannot get past it', async () => {
    upstream.on({ path: '/stable/quote' }, { json: { filler: 'x'.repeat(200 * 1024) }, gzip: true });
    const error = await failureOf(http.getJson(urlWithKey()));
    expect(error.kind).toBe(ProviderFailureKind.BAD_RESPONSE);
    expect(error.message).toMatch(/more than 65536 bytes/);
  });

  it('decodes gzip bodies', async () => {
    upstream.on({ path: '/stable/quote' }, { json: { zipped: true }, gzip: true });
    expect((await http.getJson(urlWithKey())).body).toEqual({ zipped: true });
  });

  it('hands non-2xx JSON bodies to the adapter rather than guessing', async () => {
    upstream.on({ path: '/stable/quote' }, { status: 403, json: { 'Error Message': 'Legacy Endpoint' } });
    const response = await http.getJson(urlWithKey());
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ 'Error Message': 'Legacy Endpoint' });
  });

  it.each([
    ['an HTML error page with 200', { fault: 'html' as const, status: 200 }, ProviderFailureKind.UNAVAILABLE],
    ['an HTML error page with 502', { fault: 'html' as const, status: 502 }, ProviderFailureKind.UNAVAILABLE],
    ['truncated JSON', { fault: 'truncated' as const }, ProviderFailureKind.BAD_RESPONSE],
    ['malformed JSON', { fault: 'malformed' as const }, ProviderFailureKind.BAD_RESPONSE],
    ['malformed JSON with 503', { fault: 'malformed' as const, status: 503 }, ProviderFailureKind.UNAVAILABLE],
    ['an empty body', { fault: 'empty' as const }, ProviderFailureKind.BAD_RESPONSE],
    ['an empty 429', { fault: 'empty' as const, status: 429 }, ProviderFailureKind.RATE_LIMITED],
    ['a 402 refusal in prose', { status: 402, text: 'Premium Query Parameter: upgrade your plan' }, ProviderFailureKind.UNAUTHORIZED],
    ['an empty 401', { fault: 'empty' as const, status: 401 }, ProviderFailureKind.UNAUTHORIZED],
    ['a body over the size cap', { fault: 'oversized' as const, oversizedBytes: 5 * 1024 * 1024 }, ProviderFailureKind.BAD_RESPONSE],
    ['a connection reset', { fault: 'reset' as const }, ProviderFailureKind.UNAVAILABLE],
    ['a server that never answers', { fault: 'hang' as const }, ProviderFailureKind.UNAVAILABLE],
  ])('classifies %s', async (_what, reply, kind) => {
    upstream.on({ path: '/stable/quote' }, reply);
    const error = await failureOf(http.getJson(urlWithKey()));
    expect(error.kind).toBe(kind);
    expect(error.provider).toBe('fmp');
    expect(error.message).toContain('[redacted]');
  });

  it('says a hung call timed out, within its timeout', async () => {
    upstream.on({ path: '/stable/quote' }, { fault: 'hang' });
    const impatient = new ProviderHttpClient({ provider: 'fmp', timeoutMs: 300, maxBodyBytes: 64 * 1024, secrets: [KEY] });
    try {
      const error = await failureOf(impatient.getJson(urlWithKey()));
      // The client's own 300 ms limit ended the call (the message names it), not a stopwatch in the test.
      expect(error.message).toMatch(/timed out after 300 ms/);
    } finally {
      await impatient.close();
    }
  });

  it('stops when the caller aborts', async () => {
    upstream.on({ path: '/stable/quote' }, { fault: 'hang' });
    const controller = new AbortController();
    const pending = failureOf(http.getJson(urlWithKey(), { signal: controller.signal }));
    // Aborted once the call is in flight (it has reached the upstream), not after a guessed delay.
    await expect.poll(() => upstream.count({ path: '/stable/quote' }), { timeout: 5_000, interval: 5 }).toBe(1);
    controller.abort();
    const error = await pending;
    expect(error.kind).toBe(ProviderFailureKind.UNAVAILABLE);
    // Ended by the abort, not by the client's own timeout.
    expect(error.message).not.toMatch(/timed out/);
  });

  it('keeps the upstream words of an error page for logs, redacted and capped', async () => {
    upstream.on({ path: '/stable/quote' }, { status: 500, text: `oops for key ${KEY} ${'x'.repeat(2_000)}`, headers: { 'content-type': 'text/plain' } });
    const error = await failureOf(http.getJson(urlWithKey()));
    expect(error.kind).toBe(ProviderFailureKind.UNAVAILABLE);
    expect(error.options.upstreamMessage?.length).toBeLessThanOrEqual(500);
    expect(error.options.upstreamMessage).toContain('oops for key [redacted]');
  });

  it('maps statuses for adapters with nothing better to say, with Retry-After', async () => {
    const cases: Array<[number, ProviderFailureKind]> = [
      [429, ProviderFailureKind.RATE_LIMITED],
      [401, ProviderFailureKind.UNAUTHORIZED],
      [402, ProviderFailureKind.UNAUTHORIZED],
      [403, ProviderFailureKind.UNAUTHORIZED],
      [404, ProviderFailureKind.NOT_FOUND],
      [503, ProviderFailureKind.UNAVAILABLE],
      [400, ProviderFailureKind.BAD_RESPONSE],
    ];
    for (const [status, kind] of cases) {
      const error = http.failureForStatus({ status, headers: { 'retry-after': '7' }, body: { error: `bad ${KEY}` } }, 'quote');
      expect(error?.kind).toBe(kind);
      expect(error?.options.retryAfterMs).toBe(7_000);
      expect(error?.options.upstreamMessage).not.toContain(KEY);
    }
    expect(http.failureForStatus({ status: 200, headers: {}, body: {} }, 'quote')).toBeUndefined();
  });
});

describe('helpers', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('masks a key to its last four characters', () => {
    expect(maskKey(KEY)).toBe('…abcd');
    expect(maskKey('abc')).toBe('****');
  });
});
