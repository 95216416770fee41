import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderFailureKind } from '../../src/domain/index.js';
import { fixture, startFakeUpstream, type FakeUpstream, type Reply } from '../support/fake-upstream.js';
import {
  checkedFailure,
  dailyBarsPath,
  detailsPath,
  failureOf,
  FINANCIALS_PATH,
  KEY,
  polygonAdapter,
  SNAPSHOT_PATH,
  TICKERS_PATH,
  type PolygonAdapter,
} from './polygon-support.js';

/**
 * Every failure Polygon can produce lands in exactly one kind of the taxonomy, with Polygon's own
 * words kept for the log only and no key anywhere (failureOf / checkedFailure assert that).
 */

let upstream: FakeUpstream;
let polygon: PolygonAdapter;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  polygon = polygonAdapter(upstream);
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await polygon.close?.();
  await upstream.close();
});

const quoteBatch = (): Promise<unknown> => polygon.quote.fetch(['AAPL', 'MSFT']);
const history = (): Promise<unknown> => polygon.history.fetch({ symbol: 'AAPL', from: '2025-01-02', to: '2025-01-31', interval: 'DAY' });
const JANUARY = dailyBarsPath('AAPL', '2025-01-02', '2025-01-31');

describe("Polygon's error answers", () => {
  it('an unknown or revoked key (401) is UNAUTHORIZED for the whole batch', async () => {
    upstream.on({ path: SNAPSHOT_PATH }, { status: 401, json: fixture('polygon/error-unknown-api-key.json') });
    const error = await failureOf(quoteBatch());
    expect(error.kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect(error.options.upstreamMessage).toBe('Unknown API Key');
  });

  it('the per-minute limit (429) is RATE_LIMITED, with Retry-After when Polygon sends one', async () => {
    upstream.on({ path: SNAPSHOT_PATH }, { status: 429, json: fixture('polygon/error-rate-limited.json'), headers: { 'retry-after': '30' } });
    const error = await failureOf(quoteBatch());
    expect(error.kind).toBe(ProviderFailureKind.RATE_LIMITED);
    expect(error.options.retryAfterMs).toBe(30_000);
    expect(error.options.upstreamMessage).toMatch(/maximum requests per minute/);

    upstream.reset();
    upstream.on({ path: JANUARY }, { status: 429, json: fixture('polygon/error-rate-limited.json') });
    const bare = await failureOf(history());
    expect(bare.kind).toBe(ProviderFailureKind.RATE_LIMITED);
    expect(bare.options.retryAfterMs).toBeUndefined();
  });

  it('the rate-limit body is RATE_LIMITED even with HTTP 200', async () => {
    upstream.on({ path: JANUARY }, { json: fixture('polygon/error-rate-limited.json') });
    expect((await failureOf(history())).kind).toBe(ProviderFailureKind.RATE_LIMITED);
  });

  it('an endpoint outside the plan (NOT_AUTHORIZED) is UNAUTHORIZED where there is no fallback', async () => {
    upstream.on({ path: FINANCIALS_PATH }, { status: 403, json: fixture('polygon/error-not-authorized.json') });
    const error = await failureOf(polygon.statements.fetch({ symbol: 'AAPL', statement: 'INCOME', period: 'ANNUAL', limit: 4 }));
    expect(error.kind).toBe(ProviderFailureKind.UNAUTHORIZED);
    expect(error.message).toMatch(/plan/);
    expect(error.options.upstreamMessage).toMatch(/not entitled/);
  });

  it('an unknown ticker (404 NOT_FOUND) is NOT_FOUND', async () => {
    upstream.on({ path: detailsPath('ZZZZ') }, { status: 404, json: fixture('polygon/error-ticker-not-found.json') });
    expect(checkedFailure((await polygon.profile.fetch(['ZZZZ'])).get('ZZZZ')).kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('a request Polygon cannot parse (400 ERROR) is BAD_RESPONSE', async () => {
    upstream.on({ path: JANUARY }, { status: 400, json: fixture('polygon/error-bad-request.json') });
    expect((await failureOf(history())).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });

  it('a server error (5xx with a JSON body) is UNAVAILABLE', async () => {
    upstream.on({ path: TICKERS_PATH }, { status: 503, json: { status: 'ERROR', request_id: 'x', error: 'Service Unavailable' } });
    expect((await failureOf(polygon.search.fetch({ query: 'apple', limit: 5 }))).kind).toBe(ProviderFailureKind.UNAVAILABLE);
  });

  it('redacts a key Polygon echoes back in its words', async () => {
    upstream.on({ path: SNAPSHOT_PATH }, { status: 401, json: { status: 'ERROR', request_id: 'x', error: `Unknown API Key: ${KEY}` } });
    const error = await failureOf(quoteBatch());
    expect(error.options.upstreamMessage).toBe('Unknown API Key: [redacted]');
  });
});

describe('generic faults', () => {
  const cases: ReadonlyArray<[string, Reply, ProviderFailureKind]> = [
    ['an HTML error page with HTTP 200', { fault: 'html' }, ProviderFailureKind.UNAVAILABLE],
    ['an HTML gateway page with HTTP 502', { fault: 'html', status: 502 }, ProviderFailureKind.UNAVAILABLE],
    ['truncated JSON', { fault: 'truncated', json: fixture('polygon/snapshot-tickers.json') }, ProviderFailureKind.BAD_RESPONSE],
    ['a body that is not JSON', { fault: 'malformed' }, ProviderFailureKind.BAD_RESPONSE],
    ['an empty body', { fault: 'empty' }, ProviderFailureKind.BAD_RESPONSE],
    ['a reset connection', { fault: 'reset' }, ProviderFailureKind.UNAVAILABLE],
  ];
  for (const [name, reply, kind] of cases) {
    it(`${name} is ${kind}`, async () => {
      upstream.on({ path: SNAPSHOT_PATH }, reply);
      expect((await failureOf(quoteBatch())).kind).toBe(kind);
    });
  }

  it('a call that never answers times out as UNAVAILABLE', async () => {
    const impatient = polygonAdapter(upstream, { timeoutMs: 150 });
    upstream.on({ path: SNAPSHOT_PATH }, { fault: 'hang' });
    const error = await failureOf(impatient.quote.fetch(['AAPL']));
    expect(error.kind).toBe(ProviderFailureKind.UNAVAILABLE);
    expect(error.message).toMatch(/timed out after 150 ms/);
    await impatient.close?.();
  });

  it('a body past the size cap is BAD_RESPONSE', async () => {
    const capped = polygonAdapter(upstream, { maxBodyBytes: 64 * 1024 });
    upstream.on({ path: JANUARY }, { fault: 'oversized', oversizedBytes: 1024 * 1024 });
    expect((await failureOf(capped.history.fetch({ symbol: 'AAPL', from: '2025-01-02', to: '2025-01-31', interval: 'DAY' }))).kind).toBe(
      ProviderFailureKind.BAD_RESPONSE,
    );
    await capped.close?.();
  });
});

describe('base URL', () => {
  it('keeps a path prefix of the base (a proxy in front of Polygon)', async () => {
    const proxied = polygonAdapter(upstream, { baseUrl: `${upstream.url}/massive` });
    upstream.on({ path: `/massive${SNAPSHOT_PATH}` }, { json: fixture('polygon/snapshot-tickers.json') });
    const result = await proxied.quote.fetch(['AAPL']);
    expect(result.get('AAPL')).toMatchObject({ price: 232.12 });
    await proxied.close?.();
  });
});
