import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EconomicSeriesDocument, ProvidersDocument } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * The built gateway with FRED as its only provider, FRED played by a fake upstream serving the
 * documented payloads: `economicSeries` end to end over HTTP, and the same query on the default
 * simulated-only gateway, which has no economic data.
 */

const KEY = 'test-key-0001';

let upstream: FakeUpstream;
let gateway: SpawnedGateway;
let simulatedOnly: SpawnedGateway;

function serve(id: string): void {
  const lower = id.toLowerCase();
  upstream.on({ path: '/fred/series', query: { series_id: id } }, { json: fixture(`fred/series-${lower}.json`) });
  upstream.on({ path: '/fred/series/observations', query: { series_id: id } }, { json: fixture(`fred/observations-${lower}.json`) });
}

function serveError(id: string, status: number, path: string): void {
  const reply = { status, json: fixture(path), headers: { 'content-type': 'text/xml;charset=utf-8' } };
  upstream.on({ path: '/fred/series', query: { series_id: id } }, reply);
  upstream.on({ path: '/fred/series/observations', query: { series_id: id } }, reply);
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  serve('GDP');
  serve('DGS10');
  serveError('NOSUCHSERIES', 400, 'fred/error-series-not-found.json');
  serveError('KEYREFUSED', 400, 'fred/error-api-key-not-registered.json');
  [gateway, simulatedOnly] = await Promise.all([
    spawnGateway({ PROVIDERS: 'fred', FRED_API_KEY: KEY, FRED_BASE_URL: upstream.url }),
    spawnGateway(),
  ]);
});
afterAll(async () => {
  await Promise.all([gateway?.stop(), simulatedOnly?.stop()]);
  await upstream?.close();
});

const requestsFor = (id: string) => upstream.requests.filter((request) => request.query['series_id'] === id);

describe('economicSeries with only FRED configured', () => {
  it('lists FRED as the one provider, serving economic series only', async () => {
    const { data, errors } = await execute(gateway.url, ProvidersDocument);
    expect(errors).toBeUndefined();
    expect(data?.providers).toEqual([{ id: 'fred', name: expect.stringContaining('FRED'), capabilities: ['ECONOMIC_SERIES'], enabled: true }]);
  });

  it("answers GDP with the fixture's observations, gaps as null, from FRED", async () => {
    const { status, data, errors } = await execute(gateway.url, EconomicSeriesDocument, { id: 'GDP', from: '2024-01-01', to: '2025-04-01' });
    expect(status).toBe(200);
    expect(errors).toBeUndefined();
    expect(data?.economicSeries).toEqual({
      id: 'GDP',
      title: 'Gross Domestic Product',
      units: 'Billions of Dollars',
      frequency: 'Quarterly',
      observations: [
        { date: '2024-01-01', value: 28269.174 },
        { date: '2024-04-01', value: 28652.337 },
        { date: '2024-07-01', value: 29016.714 },
        { date: '2024-10-01', value: null },
        { date: '2025-01-01', value: 29962.047 },
        { date: '2025-04-01', value: 30485.729 },
      ],
      source: 'fred',
      asOf: '2025-09-25T12:56:02.000Z',
      stale: false,
    });
  });

  it('passes from/to upstream as observation_start/observation_end, with the key', () => {
    const observations = requestsFor('GDP').filter((request) => request.path === '/fred/series/observations');
    expect(observations.map((request) => request.query)).toEqual([
      { series_id: 'GDP', file_type: 'json', api_key: KEY, observation_start: '2024-01-01', observation_end: '2025-04-01' },
    ]);
  });

  it('canonicalises the id and asks for the whole series when no window is given', async () => {
    const { data, errors } = await execute(gateway.url, EconomicSeriesDocument, { id: ' dgs10 ' });
    expect(errors).toBeUndefined();
    expect(data?.economicSeries).toMatchObject({ id: 'DGS10', units: 'Percent', frequency: 'Daily', source: 'fred' });
    expect(data?.economicSeries?.observations.find((observation) => observation.date === '2024-01-15')).toEqual({ date: '2024-01-15', value: null });
    const observations = requestsFor('DGS10').find((request) => request.path === '/fred/series/observations');
    expect(observations?.query).toEqual({ series_id: 'DGS10', file_type: 'json', api_key: KEY });
  });

  it('answers an unknown id with null and NOT_FOUND naming the id', async () => {
    const { data, errors } = await execute(gateway.url, EconomicSeriesDocument, { id: 'NOSUCHSERIES' });
    expect(data).toEqual({ economicSeries: null });
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['economicSeries'], extensions: { code: 'NOT_FOUND', id: 'NOSUCHSERIES' } });
  });

  it('refuses an invalid id with BAD_USER_INPUT before any upstream call', async () => {
    const before = upstream.requests.length;
    const { data, errors } = await execute(gateway.url, EconomicSeriesDocument, { id: 'bad id!' });
    expect(data).toEqual({ economicSeries: null });
    expect(errors?.[0]).toMatchObject({ path: ['economicSeries'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(upstream.requests.length).toBe(before);
  });

  it('refuses from after to with BAD_USER_INPUT before any upstream call', async () => {
    const before = upstream.requests.length;
    const { data, errors } = await execute(gateway.url, EconomicSeriesDocument, { id: 'GDP', from: '2025-01-01', to: '2024-01-01' });
    expect(data).toEqual({ economicSeries: null });
    expect(errors?.[0]).toMatchObject({ path: ['economicSeries'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(upstream.requests.length).toBe(before);
  });

  it("shows a refused key to the client as PROVIDER_UNAVAILABLE, with neither the key nor FRED's words", async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query { economicSeries(id: "KEYREFUSED") { id } }' }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { data: unknown; errors: Array<{ extensions: { code: string } }> };
    expect(body.data).toEqual({ economicSeries: null });
    expect(body.errors[0]?.extensions.code).toBe('PROVIDER_UNAVAILABLE');
    expect(text).not.toContain(KEY);
    expect(text).not.toMatch(/not registered|api_key/);
    expect(JSON.stringify(gateway.logs)).not.toContain(KEY);
  });
});

describe('economicSeries on the default simulated-only gateway', () => {
  it('answers null with PROVIDER_UNAVAILABLE: the simulated market has no economic data', async () => {
    const { data, errors } = await execute(simulatedOnly.url, EconomicSeriesDocument, { id: 'GDP' });
    expect(data).toEqual({ economicSeries: null });
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['economicSeries'], extensions: { code: 'PROVIDER_UNAVAILABLE' } });
  });
});
