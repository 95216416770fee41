import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EconomicSeriesSchema } from '../../src/domain/index.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { fredAdapter, KEY, OBSERVATIONS_PATH, SERIES_PATH, serveSeries, type FredAdapter } from './fred-support.js';

/**
 * FRED's documented payloads in, exact domain values out, and the requests FRED is sent.
 * Failures are in fred-errors.test.ts.
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

describe('FRED economic series: payload to domain', () => {
  it('maps fred/series and fred/series/observations to one EconomicSeries', async () => {
    serveSeries(upstream, 'GDP');
    const series = await adapter.economicSeries.fetch({ id: 'GDP', from: '2024-01-01', to: '2025-04-01' });
    expect(series).toEqual({
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
      // "2025-09-25 07:56:02-05": FRED's last revision of the series, in UTC.
      asOf: new Date('2025-09-25T12:56:02.000Z'),
      stale: false,
    });
    expect(EconomicSeriesSchema.parse(series)).toEqual(series);
  });

  it('reads "." as a gap (null), never as 0', async () => {
    serveSeries(upstream, 'DGS10');
    const series = await adapter.economicSeries.fetch({ id: 'DGS10' });
    const holiday = series.observations.find((observation) => observation.date === '2024-01-15');
    expect(holiday).toEqual({ date: '2024-01-15', value: null });
    expect(series.observations.filter((observation) => observation.value === 0)).toEqual([]);
    expect(series.observations.map((observation) => observation.value)).toEqual([4.04, 3.98, 3.96, null, 4.07, 4.1, 4.14, 4.15]);
    expect(series).toMatchObject({ units: 'Percent', frequency: 'Daily', asOf: new Date('2025-10-15T20:18:02.000Z') });
  });

  it('answers a window without observations as the series with none, not as unknown', async () => {
    serveSeries(upstream, 'GDP', { observations: { json: fixture('fred/observations-empty.json') } });
    const series = await adapter.economicSeries.fetch({ id: 'GDP', from: '1900-01-01', to: '1900-12-31' });
    expect(series).toMatchObject({ id: 'GDP', title: 'Gross Domestic Product', observations: [] });
  });

  it('takes the time of the call as asOf when FRED gives no last_updated', async () => {
    const body = fixture('fred/series-gdp.json') as { seriess: Array<Record<string, unknown>> };
    const { last_updated: _dropped, ...withoutTimestamp } = body.seriess[0] ?? {};
    serveSeries(upstream, 'GDP', { series: { json: { ...body, seriess: [withoutTimestamp] } } });
    const before = Date.now();
    const series = await adapter.economicSeries.fetch({ id: 'GDP' });
    expect(series.asOf.getTime()).toBeGreaterThanOrEqual(before);
    expect(series.asOf.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('keeps units and frequency null where FRED leaves them empty', async () => {
    const body = fixture('fred/series-gdp.json') as { seriess: Array<Record<string, unknown>> };
    serveSeries(upstream, 'GDP', { series: { json: { seriess: [{ ...body.seriess[0], units: '', frequency: undefined }] } } });
    const series = await adapter.economicSeries.fetch({ id: 'GDP' });
    expect(series).toMatchObject({ units: null, frequency: null });
    expect(EconomicSeriesSchema.safeParse(series).success).toBe(true);
  });
});

describe('FRED economic series: the requests sent', () => {
  it('asks both endpoints for JSON with the key, and passes from/to as observation_start/end', async () => {
    serveSeries(upstream, 'GDP');
    await adapter.economicSeries.fetch({ id: 'GDP', from: '2024-01-01', to: '2025-04-01' });
    const series = upstream.requests.filter((request) => request.path === SERIES_PATH);
    const observations = upstream.requests.filter((request) => request.path === OBSERVATIONS_PATH);
    expect(series.map((request) => request.query)).toEqual([{ series_id: 'GDP', file_type: 'json', api_key: KEY }]);
    expect(observations.map((request) => request.query)).toEqual([
      { series_id: 'GDP', file_type: 'json', api_key: KEY, observation_start: '2024-01-01', observation_end: '2025-04-01' },
    ]);
    expect(upstream.requests).toHaveLength(2);
  });

  it('leaves observation_start/end out when no window is asked, so FRED sends the whole series', async () => {
    serveSeries(upstream, 'DGS10');
    await adapter.economicSeries.fetch({ id: 'DGS10' });
    const observations = upstream.requests.find((request) => request.path === OBSERVATIONS_PATH);
    expect(observations?.query).toEqual({ series_id: 'DGS10', file_type: 'json', api_key: KEY });
  });

  it('sends only an end when only `to` is asked', async () => {
    serveSeries(upstream, 'GDP');
    await adapter.economicSeries.fetch({ id: 'GDP', to: '2024-12-31' });
    const observations = upstream.requests.find((request) => request.path === OBSERVATIONS_PATH);
    expect(observations?.query).toEqual({ series_id: 'GDP', file_type: 'json', api_key: KEY, observation_end: '2024-12-31' });
  });

  it('keeps a path prefix of the base URL (a proxy in front of FRED)', async () => {
    const proxied = fredAdapter(upstream, { baseUrl: `${upstream.url}/fred-proxy/v1` });
    try {
      serveSeries(upstream, 'GDP', { prefix: '/fred-proxy/v1' });
      const series = await proxied.economicSeries.fetch({ id: 'GDP' });
      expect(series.title).toBe('Gross Domestic Product');
      expect(upstream.requests.map((request) => request.path).sort()).toEqual(['/fred-proxy/v1/fred/series', '/fred-proxy/v1/fred/series/observations']);
    } finally {
      await proxied.close?.();
    }
  });

  it('makes the two calls side by side, not one after the other', async () => {
    // Neither call is answered until both have arrived: one after the other, the second never would.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    serveSeries(upstream, 'GDP', {
      series: { json: fixture('fred/series-gdp.json'), gate },
      observations: { json: fixture('fred/observations-gdp.json'), gate },
    });
    const fetching = adapter.economicSeries.fetch({ id: 'GDP' });
    await expect.poll(() => upstream.count(), { timeout: 5_000, interval: 5 }).toBe(2);
    release();
    expect((await fetching).title).toBe('Gross Domestic Product');
  });

  it('takes keys in turn, one key for both calls of a request', async () => {
    const keys = ['test-key-0001', 'test-key-0002'];
    const rotating = fredAdapter(upstream, { keys });
    try {
      serveSeries(upstream, 'GDP');
      await rotating.economicSeries.fetch({ id: 'GDP' });
      await rotating.economicSeries.fetch({ id: 'GDP' });
      expect(upstream.requests.map((request) => request.query['api_key'])).toEqual([keys[0], keys[0], keys[1], keys[1]]);
    } finally {
      await rotating.close?.();
    }
  });

  it('declares economic series and nothing else', () => {
    expect(adapter).toMatchObject({ id: 'fred', name: expect.stringContaining('FRED') });
    expect(adapter.quote).toBeUndefined();
    expect(adapter.profile).toBeUndefined();
    expect(adapter.history).toBeUndefined();
    expect(adapter.statements).toBeUndefined();
    expect(adapter.search).toBeUndefined();
    expect(adapter.stream).toBeUndefined();
  });
});
