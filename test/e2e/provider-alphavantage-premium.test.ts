import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PriceHistoryDocument, QuotesDocument } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * The built gateway on Alpha Vantage with a premium key: quotes in bulk (one call for many
 * symbols) and full daily history.
 */

const KEY = 'test-key-0001';
const av = (name: string): unknown => fixture(`alphavantage/${name}.json`);

let upstream: FakeUpstream;
let gateway: SpawnedGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on({ path: '/query', query: { function: 'REALTIME_BULK_QUOTES' } }, { json: av('realtime-bulk-quotes') });
  upstream.on({ path: '/query', query: { function: 'TIME_SERIES_DAILY', symbol: 'IBM', outputsize: 'full' } }, { json: av('time-series-daily-ibm') });
  gateway = await spawnGateway({
    PROVIDERS: 'alphavantage',
    ALPHAVANTAGE_API_KEY: KEY,
    ALPHAVANTAGE_BASE_URL: upstream.url,
    ALPHAVANTAGE_PREMIUM: 'true',
  });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('a gateway on Alpha Vantage with a premium key', () => {
  it('answers many quotes from one REALTIME_BULK_QUOTES call, an unknown symbol failing alone', async () => {
    const { data, errors } = await execute(gateway.url, QuotesDocument, { symbols: ['MSFT', 'aapl', 'IBM', 'NOPE'] });
    expect(data?.quotes).toEqual([
      { symbol: 'MSFT', price: 432.53, source: 'alphavantage', stale: false },
      { symbol: 'AAPL', price: 230.1, source: 'alphavantage', stale: false },
      { symbol: 'IBM', price: 205.04, source: 'alphavantage', stale: false },
      null,
    ]);
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['quotes', 3], extensions: { code: 'NOT_FOUND' } });
    const bulk = upstream.requests.filter((request) => request.query['function'] === 'REALTIME_BULK_QUOTES');
    expect(bulk).toHaveLength(1);
    expect(bulk[0]?.query['symbol']?.split(',').sort()).toEqual(['AAPL', 'IBM', 'MSFT', 'NOPE']);
  });

  it('answers price history older than the compact window through outputsize=full', async () => {
    const days = await execute(gateway.url, PriceHistoryDocument, { symbol: 'IBM', from: '2024-04-01', to: '2024-04-30', interval: 'DAY' });
    expect(days.errors).toBeUndefined();
    expect(days.data?.priceHistory).toHaveLength(22);
    expect(days.data?.priceHistory![0]?.date).toBe('2024-04-01');

    const weeks = await execute(gateway.url, PriceHistoryDocument, { symbol: 'IBM', from: '2024-04-01', to: '2024-04-30', interval: 'WEEK' });
    expect(weeks.data?.priceHistory!.map((bar) => bar.date)).toEqual(['2024-04-01', '2024-04-08', '2024-04-15', '2024-04-22', '2024-04-29']);
  });
});
