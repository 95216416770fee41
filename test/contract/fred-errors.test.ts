import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderFailureKind } from '../../src/domain/index.js';
import { fixture, startFakeUpstream, type FakeUpstream, type Reply } from '../support/fake-upstream.js';
import { failureOf, fredAdapter, KEY, OBSERVATIONS_PATH, SERIES_PATH, serveBoth, serveSeries, type FredAdapter } from './fred-support.js';

/**
 * Every way a FRED call fails, in FRED's own error format, classified into exactly one kind of the
 * taxonomy, with FRED's words kept for logs and no key anywhere in the error.
 */

let upstream: FakeUpstream;
let adapter: FredAdapter;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  adapter = fredAdapter(upstream);
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await adapter.close?.();
  await upstream.close();
});

const gdp = () => adapter.economicSeries.fetch({ id: 'GDP', from: '2024-01-01', to: '2025-04-01' });

describe("FRED's error bodies", () => {
  it.each([
    ['an unknown series (400)', 400, 'fred/error-series-not-found.json', ProviderFailureKind.NOT_FOUND, 'The series does not exist.'],
    ['an unregistered key (400)', 400, 'fred/error-api-key-not-registered.json', ProviderFailureKind.UNAUTHORIZED, 'is not registered'],
    ['a malformed key (400)', 400, 'fred/error-api-key-malformed.json', ProviderFailureKind.UNAUTHORIZED, '32 character alpha-numeric'],
    ['a missing key (400)', 400, 'fred/error-api-key-not-set.json', ProviderFailureKind.UNAUTHORIZED, 'has not been set'],
    ['a refused request parameter (400)', 400, 'fred/error-bad-date.json', ProviderFailureKind.BAD_RESPONSE, 'not a valid date'],
    ['the rate limit (429)', 429, 'fred/error-rate-limited.json', ProviderFailureKind.RATE_LIMITED, 'Exceeded Rate Limit'],
    ['a server error (500)', 500, 'fred/error-internal.json', ProviderFailureKind.UNAVAILABLE, 'Internal Server Error'],
  ])('classifies %s', async (_what, status, path, kind, words) => {
    // FRED's documented error responses carry a JSON body under Content-Type text/xml.
    serveBoth(upstream, { status, json: fixture(path), headers: { 'content-type': 'text/xml;charset=utf-8' } });
    const error = await failureOf(gdp());
    expect(error.kind).toBe(kind);
    // FRED's words are for logs only: upstreamMessage, not the message.
    expect(error.options.upstreamMessage).toContain(words);
    expect(error.message).not.toContain(words);
    expect(error.message).toContain('GDP');
  });

  it('classifies an unknown series when only one endpoint has answered yet', async () => {
    serveSeries(upstream, 'NOSUCH', {
      series: { status: 400, json: fixture('fred/error-series-not-found.json') },
      observations: { status: 400, json: fixture('fred/error-series-not-found.json'), delayMs: 300 },
    });
    expect((await failureOf(adapter.economicSeries.fetch({ id: 'NOSUCH' }))).kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('reads Retry-After of a 429 into retryAfterMs', async () => {
    serveBoth(upstream, { status: 429, json: fixture('fred/error-rate-limited.json'), headers: { 'retry-after': '30' } });
    const error = await failureOf(gdp());
    expect(error.kind).toBe(ProviderFailureKind.RATE_LIMITED);
    expect(error.options.retryAfterMs).toBe(30_000);
  });

  it('leaves retryAfterMs unset when a 429 has no Retry-After', async () => {
    serveBoth(upstream, { status: 429, json: fixture('fred/error-rate-limited.json') });
    const error = await failureOf(gdp());
    expect(error.kind).toBe(ProviderFailureKind.RATE_LIMITED);
    expect(error.options.retryAfterMs).toBeUndefined();
  });

  it('takes a locked key (423) as unusable', async () => {
    serveBoth(upstream, { status: 423, json: { error_code: 423, error_message: 'Locked.' } });
    expect((await failureOf(gdp())).kind).toBe(ProviderFailureKind.UNAUTHORIZED);
  });

  it('does not take a 404 (a path FRED does not serve) for an unknown series', async () => {
    // No rule: the fake upstream answers 404, as a wrong base URL would.
    const error = await failureOf(gdp());
    expect(error.kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('treats an error body inside a 200 as the error it reports', async () => {
    serveBoth(upstream, { json: fixture('fred/error-rate-limited.json') });
    expect((await failureOf(gdp())).kind).toBe(ProviderFailureKind.RATE_LIMITED);
  });

  it('redacts a key that FRED echoes back in its message', async () => {
    const echoed = { error_code: 400, error_message: `Bad Request.  The value for variable api_key is not registered: ${KEY} (api_key=${KEY}).` };
    serveBoth(upstream, { status: 400, json: echoed });
    const error = await failureOf(gdp());
    expect(error.kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect(error.options.upstreamMessage).toContain('[redacted]');
  });
});

describe('payloads that do not fit the documented format', () => {
  const seriesBody = () => fixture('fred/series-gdp.json') as { seriess: Array<Record<string, unknown>> };
  const observationsBody = () => fixture('fred/observations-gdp.json') as { count: number; observations: Array<Record<string, unknown>> };

  it('an empty seriess is an unknown series', async () => {
    serveSeries(upstream, 'GDP', { series: { json: { realtime_start: '2025-10-15', realtime_end: '2025-10-15', seriess: [] } } });
    expect((await failureOf(gdp())).kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it.each<[string, () => { series?: Reply; observations?: Reply }]>([
    ['a series without a title', () => ({ series: { json: { seriess: [{ ...seriesBody().seriess[0], title: undefined }] } } })],
    ['an answer about another series', () => ({ series: { json: { seriess: [{ ...seriesBody().seriess[0], id: 'GNPCA' }] } } })],
    ['a body without observations', () => ({ observations: { json: { ...observationsBody(), observations: undefined } } })],
    [
      'an observation value that is not a number',
      () => ({ observations: { json: { ...observationsBody(), observations: [{ date: '2024-01-01', value: 'twelve' }] } } }),
    ],
    [
      'an observation date that is not YYYY-MM-DD',
      () => ({ observations: { json: { ...observationsBody(), observations: [{ date: '01/01/2024', value: '1.5' }] } } }),
    ],
    ['a cut-off page (count above what was sent)', () => ({ observations: { json: { ...observationsBody(), count: 250_000 } } })],
  ])('%s is BAD_RESPONSE', async (_what, replies) => {
    serveSeries(upstream, 'GDP', replies());
    const error = await failureOf(gdp());
    expect(error.kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });
});

describe('generic faults', () => {
  it.each([
    ['an HTML page with 200', { fault: 'html' as const, status: 200 }, ProviderFailureKind.UNAVAILABLE],
    ['an HTML page with 503', { fault: 'html' as const, status: 503 }, ProviderFailureKind.UNAVAILABLE],
    ['truncated JSON', { fault: 'truncated' as const }, ProviderFailureKind.BAD_RESPONSE],
    ['a body that is not JSON', { fault: 'malformed' as const }, ProviderFailureKind.BAD_RESPONSE],
    ['an empty body', { fault: 'empty' as const }, ProviderFailureKind.BAD_RESPONSE],
    ['an empty body with 502', { fault: 'empty' as const, status: 502 }, ProviderFailureKind.UNAVAILABLE],
    ['a connection reset', { fault: 'reset' as const }, ProviderFailureKind.UNAVAILABLE],
  ])('classifies %s', async (_what, reply, kind) => {
    serveBoth(upstream, reply);
    expect((await failureOf(gdp())).kind).toBe(kind);
  });

  it('classifies a body over the size cap as BAD_RESPONSE', async () => {
    serveSeries(upstream, 'GDP', { observations: { fault: 'oversized', oversizedBytes: 10 * 1024 * 1024 } });
    expect((await failureOf(gdp())).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('gives up on a server that never answers within its timeout, as UNAVAILABLE', async () => {
    const impatient = fredAdapter(upstream, { timeoutMs: 200 });
    try {
      serveBoth(upstream, { fault: 'hang' });
      const error = await failureOf(impatient.economicSeries.fetch({ id: 'GDP' }));
      expect(error.kind).toBe(ProviderFailureKind.UNAVAILABLE);
      // Its own 200 ms limit ended the call (the message names it), not a stopwatch in the test.
      expect(error.message).toMatch(/timed out after 200 ms/);
    } finally {
      await impatient.close?.();
    }
  });

  it('fails as soon as one call fails, without waiting for the other', async () => {
    // An adapter that would wait a minute for the hung sibling, so no stopwatch is needed: the
    // answer comes within the test's timeout only if the sibling is not waited for, and close()
    // (which waits for calls in flight) returns only if the sibling was aborted.
    const patient = fredAdapter(upstream, { timeoutMs: 60_000 });
    try {
      serveSeries(upstream, 'GDP', { series: { status: 400, json: fixture('fred/error-series-not-found.json') }, observations: { fault: 'hang' } });
      const error = await failureOf(patient.economicSeries.fetch({ id: 'GDP' }));
      expect(error.kind).toBe(ProviderFailureKind.NOT_FOUND);
    } finally {
      await patient.close?.();
    }
  });

  it('honours the caller aborting', async () => {
    serveBoth(upstream, { fault: 'hang' });
    const controller = new AbortController();
    const pending = adapter.economicSeries.fetch({ id: 'GDP' }, { signal: controller.signal });
    // Aborted once both calls are in flight (they have reached the upstream), not after a guessed delay.
    await expect.poll(() => upstream.count(), { timeout: 5_000, interval: 5 }).toBe(2);
    controller.abort();
    const error = await failureOf(pending);
    expect(error.kind).toBe(ProviderFailureKind.UNAVAILABLE);
    // Ended by the abort, not by the adapter's own timeout.
    expect(error.message).not.toMatch(/timed out/);
  });
});

describe('paths of the requests in failures', () => {
  it('never put the key into an error message, even with the URL in it', async () => {
    serveBoth(upstream, { fault: 'reset' });
    const error = await failureOf(gdp());
    expect(error.message).toMatch(new RegExp(`${SERIES_PATH}|${OBSERVATIONS_PATH}`));
    expect(error.message).toContain('api_key=[redacted]');
  });
});
