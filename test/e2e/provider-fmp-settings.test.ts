import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompanyDocument, QuoteDocument, QuotesDocument } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * FMP's two settings, through real gateways: FMP_BATCH_QUOTES=true turns a list of quotes into
 * one `/stable/batch-quote` call, and FMP_API=v3 reads the legacy `/api/v3` formats into the
 * same answers (and turns FMP's "Legacy Endpoint" refusal into an error no client can misread).
 */

const KEY = 'test-key-0001';
const fmp = (path: string): unknown => fixture(`fmp/${path}`);

let upstream: FakeUpstream;
let batching: SpawnedGateway;
let legacy: SpawnedGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on({ path: '/stable/batch-quote' }, { json: fmp('stable/batch-quote.json') });
  upstream.on({ path: '/api/v3/quote/AAPL,MSFT' }, { json: fmp('v3/quote-aapl-msft.json') });
  upstream.on({ path: '/api/v3/quote/NVDA' }, { status: 403, json: fmp('errors/legacy-endpoint.json') });
  upstream.on({ path: '/api/v3/profile/AAPL' }, { json: fmp('v3/profile-aapl.json') });
  upstream.on({ path: '/api/v3/quote/AAPL' }, { json: fmp('v3/quote-aapl-msft.json') });
  upstream.on({ path: '/api/v3/income-statement/AAPL' }, { json: fmp('v3/income-statement-aapl.json') });
  const env = { PROVIDERS: 'fmp', FMP_API_KEY: KEY, FMP_BASE_URL: upstream.url };
  [batching, legacy] = await Promise.all([spawnGateway({ ...env, FMP_BATCH_QUOTES: 'true' }), spawnGateway({ ...env, FMP_API: 'v3' })]);
});
afterAll(async () => {
  await Promise.all([batching?.stop(), legacy?.stop()]);
  await upstream?.close();
});

describe('FMP_BATCH_QUOTES=true', () => {
  it('answers a list of quotes with one batch-quote call', async () => {
    const { data, errors } = await execute(batching.url, QuotesDocument, { symbols: ['AAPL', 'MSFT', 'BRK.B'] });
    expect(errors).toBeUndefined();
    expect(data?.quotes!.map((quote) => [quote?.symbol, quote?.price, quote?.source])).toEqual([
      ['AAPL', 232.8, 'fmp'],
      ['MSFT', 412.37, 'fmp'],
      ['BRK.B', 477.42, 'fmp'],
    ]);
    expect(upstream.requests.filter((request) => request.path === '/stable/batch-quote').map((request) => request.query['symbols'])).toEqual([
      'AAPL,MSFT,BRK-B',
    ]);
  });
});

describe('FMP_API=v3', () => {
  it('answers quotes and company from the legacy formats', async () => {
    const [quotes, company] = await Promise.all([
      execute(legacy.url, QuotesDocument, { symbols: ['AAPL', 'MSFT'] }),
      execute(legacy.url, CompanyDocument, { symbol: 'AAPL' }),
    ]);
    expect(quotes.errors).toBeUndefined();
    expect(quotes.data?.quotes!.map((quote) => [quote?.symbol, quote?.price])).toEqual([
      ['AAPL', 191.31],
      ['MSFT', 377.85],
    ]);
    expect(company.errors).toBeUndefined();
    expect(company.data?.company).toMatchObject({
      name: 'Apple Inc.',
      exchange: 'NASDAQ',
      marketCap: 3269996825000,
      source: 'fmp',
      financials: [{ fiscalDate: '2024-09-28', revenue: 391035000000 }],
    });
  });

  it('shows a key the legacy API refuses as PROVIDER_UNAVAILABLE, with no upstream words and no key', async () => {
    const response = await execute(legacy.url, QuoteDocument, { symbol: 'NVDA' });
    expect(response.data).toEqual({ quote: null });
    expect(response.errors?.[0]).toMatchObject({ path: ['quote'], extensions: { code: 'PROVIDER_UNAVAILABLE' } });
    expect(JSON.stringify(response)).not.toMatch(/Legacy|test-key/);
    expect(JSON.stringify(legacy.logs)).not.toContain(KEY);
  });
});
