import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CompanyProfileSchema, ProviderFailureKind, SymbolMatchSchema } from '../../src/domain/index.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import {
  checkedFailure,
  detailsPath,
  expectKeyInHeaderOnly,
  NOW,
  polygonAdapter,
  TICKERS_PATH,
  valueOf,
  type PolygonAdapter,
} from './polygon-support.js';

/** Reference data: company profiles from ticker details, and symbol search over the ticker list. */

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

const serveDetails = (ticker: string): void => upstream.on({ path: detailsPath(ticker) }, { json: fixture(`polygon/ticker-details-${ticker}.json`) });

describe('company profile', () => {
  it('maps ticker details: MIC to exchange name, SIC description to industry, locale and currency', async () => {
    serveDetails('AAPL');
    const profile = valueOf(await polygon.profile.fetch(['AAPL']), 'AAPL');
    expect(profile).toEqual({
      symbol: 'AAPL',
      name: 'Apple Inc.',
      exchange: 'NASDAQ',
      sector: null,
      industry: 'Electronic Computers',
      country: 'US',
      currency: 'USD',
      description:
        'Apple designs consumer electronics (iPhone, iPad, Mac, Apple Watch, AirPods) and sells services such as the App Store, iCloud, Apple Music and Apple Pay.',
      marketCap: 3522074567040,
      source: 'polygon',
      asOf: new Date(NOW),
      stale: false,
    });
    CompanyProfileSchema.parse(profile);
    expect(upstream.requests[0]?.path).toBe('/v3/reference/tickers/AAPL');
    expect(upstream.requests[0]?.query).toEqual({});
    expectKeyInHeaderOnly(upstream.requests[0]);
    expect(polygon.profile.batchSize).toBe(1);
  });

  it('asks for a dashed share class by Polygon’s dotted ticker', async () => {
    serveDetails('BRK.B');
    const profile = valueOf(await polygon.profile.fetch(['BRK-B']), 'BRK-B');
    expect(profile).toMatchObject({ symbol: 'BRK-B', name: 'Berkshire Hathaway Inc.', exchange: 'NYSE', industry: 'Fire, Marine & Casualty Insurance' });
    expect(upstream.requests[0]?.path).toBe('/v3/reference/tickers/BRK.B');
  });

  it('leaves out what a fund’s details do not carry', async () => {
    serveDetails('SPY');
    const profile = valueOf(await polygon.profile.fetch(['SPY']), 'SPY');
    expect(profile).toMatchObject({
      name: 'SPDR S&P 500 ETF Trust',
      exchange: 'NYSE Arca',
      industry: null,
      country: null,
      description: null,
      marketCap: null,
      currency: 'USD',
    });
    CompanyProfileSchema.parse(profile);
  });

  it('does not take the US listing locale of a foreign issuer for its country', async () => {
    serveDetails('TSM');
    const profile = valueOf(await polygon.profile.fetch(['TSM']), 'TSM');
    expect(profile).toMatchObject({ exchange: 'NYSE', industry: 'Semiconductors & Related Devices', country: null, currency: 'USD' });
  });

  it('answers each symbol of a batch with its own call; an unknown ticker (404 NOT_FOUND) fails alone', async () => {
    serveDetails('AAPL');
    upstream.on({ path: detailsPath('ZZZZ') }, { status: 404, json: fixture('polygon/error-ticker-not-found.json') });
    const result = await polygon.profile.fetch(['AAPL', 'ZZZZ']);
    expect(valueOf(result, 'AAPL').name).toBe('Apple Inc.');
    const error = checkedFailure(result.get('ZZZZ'));
    expect(error.kind).toBe(ProviderFailureKind.NOT_FOUND);
    expect(error.options.upstreamMessage).toBe('Ticker not found.');
    expect(upstream.count()).toBe(2);
  });

  it('fails a details payload without a name as a bad response', async () => {
    upstream.on({ path: detailsPath('AAPL') }, { json: { status: 'OK', results: { ticker: 'AAPL', name: '' } } });
    expect(checkedFailure((await polygon.profile.fetch(['AAPL'])).get('AAPL')).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });
});

describe('symbol search', () => {
  it('maps matches with their exchange and security type, asking for active stock listings', async () => {
    upstream.on({ path: TICKERS_PATH, query: { search: 'semiconductor' } }, { json: fixture('polygon/tickers-search-semiconductor.json') });
    const matches = await polygon.search.fetch({ query: 'semiconductor', limit: 10 });
    expect(matches).toEqual([
      { symbol: 'NXPI', name: 'NXP Semiconductors N.V.', exchange: 'NASDAQ', type: 'EQUITY', source: 'polygon' },
      { symbol: 'ON', name: 'ON Semiconductor Corp', exchange: 'NASDAQ', type: 'EQUITY', source: 'polygon' },
      { symbol: 'SMH', name: 'VanEck Semiconductor ETF', exchange: 'NASDAQ', type: 'ETF', source: 'polygon' },
      { symbol: 'SOXL', name: 'Direxion Daily Semiconductor Bull 3x Shares', exchange: 'NYSE Arca', type: 'ETF', source: 'polygon' },
      { symbol: 'SOXX', name: 'iShares Semiconductor ETF', exchange: 'NASDAQ', type: 'ETF', source: 'polygon' },
      { symbol: 'TSM', name: 'Taiwan Semiconductor Manufacturing Co., Ltd.', exchange: 'NYSE', type: 'EQUITY', source: 'polygon' },
    ]);
    for (const match of matches) SymbolMatchSchema.parse(match);
    const [request] = upstream.requests;
    expect(request?.query).toEqual({ search: 'semiconductor', active: 'true', market: 'stocks', limit: '50' });
    expectKeyInHeaderOnly(request);
  });

  it('ranks Polygon’s ticker-ordered matches by relevance before cutting to the limit', async () => {
    upstream.on({ path: TICKERS_PATH }, { json: fixture('polygon/tickers-search-micro.json') });
    const matches = await polygon.search.fetch({ query: 'micro', limit: 3 });
    // Names that start with "micro" before AMD, whose name only contains the word.
    expect(matches.map((match) => match.symbol)).toEqual(['MCHP', 'MSFT', 'MSTR']);

    const exact = await polygon.search.fetch({ query: 'mu', limit: 2 });
    expect(exact[0]?.symbol).toBe('MU');
  });

  it('asks for as many candidates as a large limit wants', async () => {
    upstream.on({ path: TICKERS_PATH }, { json: fixture('polygon/tickers-search-micro.json') });
    await polygon.search.fetch({ query: 'micro', limit: 120 });
    expect(upstream.requests[0]?.query['limit']).toBe('120');
  });

  it('leaves out tickers written in Polygon’s lower-case preferred notation', async () => {
    const body = structuredClone(fixture('polygon/tickers-search-micro.json')) as { results: Array<Record<string, unknown>> };
    body.results.push({ ticker: 'MSTRpA', name: 'MicroStrategy Inc 8.00% Series A Perpetual Strike Preferred', market: 'stocks', type: 'PFD', primary_exchange: 'XNAS' });
    upstream.on({ path: TICKERS_PATH }, { json: body });
    const matches = await polygon.search.fetch({ query: 'micro', limit: 10 });
    expect(matches.map((match) => match.symbol)).not.toContain('MSTRpA');
    expect(matches).toHaveLength(5);
  });

  it('answers no match with an empty list', async () => {
    upstream.on({ path: TICKERS_PATH }, { json: fixture('polygon/tickers-search-empty.json') });
    expect(await polygon.search.fetch({ query: 'qwxz', limit: 10 })).toEqual([]);
  });
});
