import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { DEFAULT_SIMULATED_NOW, spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { postQuery } from '../support/graphql-client.js';

/**
 * `quoteConsensus` on a real gateway with five providers, each on a fake upstream of its own
 * speaking its documented format (payloads from the fixtures, prices changed): FMP and Finnhub
 * agree, Twelve Data is 3 % away, Polygon is down (503) and Alpha Vantage answers after the
 * latency budget. Every source is listed; the failures do not fail the answer.
 */

const STAMP_S = Date.parse(DEFAULT_SIMULATED_NOW) / 1000 - 5;
const upstreams: Record<'fmp' | 'finnhub' | 'twelvedata' | 'polygon' | 'alphavantage', FakeUpstream> = {} as never;
let gateway: SpawnedGateway;
let tight: SpawnedGateway;

function withPrice<T extends Record<string, unknown>>(payload: T, fields: Partial<T>): T {
  return { ...payload, ...fields };
}

beforeAll(async () => {
  for (const name of ['fmp', 'finnhub', 'twelvedata', 'polygon', 'alphavantage'] as const) upstreams[name] = await startFakeUpstream();
  const [fmpQuote] = fixture('fmp/stable/quote-aapl.json') as Array<Record<string, unknown>>;
  upstreams.fmp.on({ path: '/stable/quote', query: { symbol: 'AAPL' } }, {
    json: [withPrice(fmpQuote as Record<string, unknown>, { price: 100, change: 1, changePercentage: 1.0101, dayLow: 98.5, dayHigh: 100.5, open: 99, previousClose: 99, timestamp: STAMP_S })],
  });
  upstreams.fmp.on({ path: '/stable/quote', query: { symbol: 'ZZZZ' } }, { json: [] });
  upstreams.finnhub.on({ path: '/quote', query: { symbol: 'AAPL' } }, {
    json: withPrice(fixture('finnhub/quote-aapl.json') as Record<string, unknown>, { c: 100.3, d: 1.3, dp: 1.3131, h: 100.6, l: 98.6, o: 99.1, pc: 99, t: STAMP_S }),
  });
  upstreams.finnhub.on({ path: '/quote', query: { symbol: 'ZZZZ' } }, { json: fixture('finnhub/quote-unknown.json') });
  upstreams.twelvedata.on({ path: '/quote', query: { symbol: 'AAPL' } }, {
    json: withPrice(fixture('twelvedata/quote-aapl.json') as Record<string, unknown>, {
      close: '103.50000', open: '99.00000', high: '103.60000', low: '98.90000', previous_close: '99.00000', change: '4.50000', percent_change: '4.54545',
      timestamp: STAMP_S, last_quote_at: STAMP_S, datetime: DEFAULT_SIMULATED_NOW.slice(0, 10), is_market_open: true,
    }),
  });
  upstreams.twelvedata.on({ path: '/quote', query: { symbol: 'ZZZZ' } }, { json: fixture('twelvedata/error-404-symbol.json') });
  upstreams.polygon.on({ path: '/v2/snapshot/locale/us/markets/stocks/tickers' }, { fault: 'html', status: 503 });
  upstreams.alphavantage.on({ path: '/query' }, { json: fixture('alphavantage/global-quote-ibm.json'), delayMs: 4_000 });

  const keys = {
    PROVIDERS: 'fmp,finnhub,twelvedata,polygon,alphavantage',
    FMP_API_KEY: 'fmp-key-0001',
    FMP_BASE_URL: upstreams.fmp.url,
    FINNHUB_API_KEY: 'finnhub-key-0001',
    FINNHUB_BASE_URL: upstreams.finnhub.url,
    TWELVEDATA_API_KEY: 'td-key-0001',
    TWELVEDATA_BASE_URL: upstreams.twelvedata.url,
    POLYGON_API_KEY: 'polygon-key-0001',
    POLYGON_BASE_URL: upstreams.polygon.url,
    ALPHAVANTAGE_API_KEY: 'av-key-0001',
    ALPHAVANTAGE_BASE_URL: upstreams.alphavantage.url,
    CHAIN_BUDGET_MS: '1500',
    // One attempt each: retries would only spend the budget.
    RETRY_MAX: '0',
  };
  [gateway, tight] = await Promise.all([
    spawnGateway(keys),
    // Anonymous callers are admins on an open development gateway: five provider calls a minute, a cost budget of 40.
    spawnGateway({ ...keys, THROTTLE_PROVIDER_CALLS_PER_MIN: 'admin=5', LIMIT_COST_BUDGET: 'admin=40' }),
  ]);
}, 30_000);

afterAll(async () => {
  await Promise.all([gateway?.stop(), tight?.stop()]);
  await Promise.all(Object.values(upstreams).map((upstream) => upstream?.close()));
});

const CONSENSUS = `query Consensus($symbol: String!) {
  quoteConsensus(symbol: $symbol) {
    symbol median bandBps agreeing answered outliers score grade reasons
    sources { source price deviationBps outlier grade error { code message } }
  }
}`;

describe('quoteConsensus', () => {
  it('answers the median, each source’s deviation, the outlier, and the failed sources with their errors', async () => {
    const { data, errors } = await postQuery<{ quoteConsensus: Record<string, unknown> & { sources: Array<Record<string, unknown>> } }>(gateway.url, CONSENSUS, { symbol: 'aapl' });
    expect(errors).toBeUndefined();
    const consensus = data?.quoteConsensus;
    expect(consensus).toMatchObject({ symbol: 'AAPL', median: 100.3, bandBps: 100, agreeing: 2, answered: 3, outliers: ['twelvedata'] });
    expect(consensus?.sources.map((source) => source.source)).toEqual(['fmp', 'finnhub', 'twelvedata', 'polygon', 'alphavantage']);
    const bySource = Object.fromEntries((consensus?.sources ?? []).map((source) => [source.source, source]));
    expect(bySource['fmp']).toMatchObject({ price: 100, deviationBps: 29.9, outlier: false, error: null });
    expect(bySource['finnhub']).toMatchObject({ price: 100.3, deviationBps: 0, outlier: false, error: null });
    expect(bySource['twelvedata']).toMatchObject({ price: 103.5, deviationBps: 319, outlier: true, error: null });
    expect(bySource['polygon']).toMatchObject({
      price: null,
      outlier: false,
      grade: null,
      error: { code: 'PROVIDER_UNAVAILABLE', message: 'polygon did not answer: unavailable (an outage, a timeout or an error page).' },
    });
    expect(bySource['alphavantage']).toMatchObject({ price: null, error: { code: 'PROVIDER_UNAVAILABLE' } });
    // fmp and finnhub grade A, each losing agreement points to the other two (fmp 57, finnhub 78): 94 on average.
    expect(bySource['fmp']?.['grade']).toBe('A');
    expect(bySource['finnhub']?.['grade']).toBe('A');
    // Half for 2 of 3 agreeing (33.3), half their mean score (47): 80.
    expect(consensus).toMatchObject({ score: 80, grade: 'B', reasons: ['twelvedata beyond 1 % of the median', "the agreeing sources' quotes score 94 on average"] });
  });

  it('calls every provider afresh each time: never from the cache', async () => {
    const before = upstreams.fmp.count({ path: '/stable/quote' });
    await postQuery(gateway.url, CONSENSUS, { symbol: 'AAPL' });
    expect(upstreams.fmp.count({ path: '/stable/quote' })).toBe(before + 1);
  });

  it('teaches agreement to later quotes: a quote then knows the other sources', async () => {
    const { data, errors } = await postQuery<{ quote: { source: string; quality: { dimensions: Array<{ name: string; score: number | null; reasons: string[] }> } } }>(
      gateway.url,
      '{ quote(symbol: "AAPL") { source quality { grade score session dimensions { name score reasons } } } }',
    );
    expect(errors).toBeUndefined();
    expect(data?.quote.source).toBe('fmp');
    const agreement = data?.quote.quality.dimensions.find((dimension) => dimension.name === 'AGREEMENT');
    // fmp's 100 against the median of finnhub's 100.3 and twelvedata's 103.5 (101.9): 1.86 % away.
    expect(agreement).toEqual({ name: 'AGREEMENT', score: 57, reasons: ['1.86 % from the median of finnhub, twelvedata (agreeing within 1 %)'] });
  });

  it('counts each answered quote’s grade per provider, in `providers` and on /metrics', async () => {
    const { data } = await postQuery<{ providers: Array<{ id: string; grades: Array<{ grade: string; count: number }> }> }>(gateway.url, '{ providers { id grades { grade count } } }');
    const grades = Object.fromEntries((data?.providers ?? []).map((provider) => [provider.id, provider.grades]));
    expect(grades['polygon']).toEqual(['A', 'B', 'C', 'D', 'F'].map((grade) => ({ grade, count: 0 })));
    const fmpCount = grades['fmp']?.reduce((sum, entry) => sum + entry.count, 0) ?? 0;
    expect(fmpCount).toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`${gateway.origin}/metrics`)).text();
    const counted = [...metrics.matchAll(/^data_quality_grade_total\{provider="fmp",grade="([A-F])"\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[2]), 0);
    expect(counted).toBe(fmpCount);
  });

  it('fails with the sources’ error when none answers: three know no ZZZZ, one is down, one too slow', async () => {
    const { data, errors } = await postQuery<{ quoteConsensus: unknown }>(gateway.url, CONSENSUS, { symbol: 'ZZZZ' });
    expect(data?.quoteConsensus).toBeNull();
    expect(errors?.[0]?.extensions?.['code']).toBe('PROVIDER_UNAVAILABLE');
  });

  it('refuses a bad symbol before any call', async () => {
    const before = upstreams.fmp.requests.length;
    const { errors } = await postQuery(gateway.url, CONSENSUS, { symbol: '$$$' });
    expect(errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(upstreams.fmp.requests.length).toBe(before);
  });

  it('is charged to the caller’s provider-call budget, one call per source', async () => {
    const first = await postQuery<{ quoteConsensus: { answered: number } }>(tight.url, '{ quoteConsensus(symbol: "AAPL") { answered } }');
    expect(first.errors).toBeUndefined();
    const second = await postQuery<{ quoteConsensus: unknown }>(tight.url, '{ quoteConsensus(symbol: "AAPL") { answered } }');
    expect(second.data?.quoteConsensus).toBeNull();
    expect(second.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
  });

  it('is priced as one quote per provider in the cost limit', async () => {
    // (1 + median + grade) × 6 = 18 fits 40; with sources { source price } it is (1 + 2 + 3) × 6 = 36, and one more field 42 does not.
    const fits = await postQuery(tight.url, '{ quoteConsensus(symbol: "MSFT") { median grade sources { source price } } }');
    expect(fits.errors?.[0]?.extensions?.['code']).not.toBe('QUERY_TOO_COMPLEX');
    const over = await postQuery(tight.url, '{ quoteConsensus(symbol: "MSFT") { median grade score sources { source price } } }');
    expect(over.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_COMPLEX');
  });
});
