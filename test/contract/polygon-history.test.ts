import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BarSchema, ProviderFailureKind, type Bar } from '../../src/domain/index.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { dailyBarsPath, expectKeyInHeaderOnly, failureOf, polygonAdapter, type PolygonAdapter } from './polygon-support.js';

/** Price history from daily aggregates; weeks and months rolled up from the same call. */

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

const JANUARY = dailyBarsPath('AAPL', '2025-01-02', '2025-01-31');
const serveJanuary = (): void => upstream.on({ path: JANUARY }, { json: fixture('polygon/aggs-day-AAPL-2025-01.json') });
const january = (interval: 'DAY' | 'WEEK' | 'MONTH'): Promise<Bar[]> => polygon.history.fetch({ symbol: 'AAPL', from: '2025-01-02', to: '2025-01-31', interval });
const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

describe('price history', () => {
  it('maps daily aggregates to bars dated by their New York session', async () => {
    serveJanuary();
    const bars = await january('DAY');
    expect(bars).toHaveLength(20);
    // t = 1735794000000 is midnight in New York (05:00 UTC): the session of 2 January.
    expect(bars[0]).toEqual({ date: '2025-01-02', open: 248.93, high: 249.1, low: 241.82, close: 243.85, volume: 55740731 });
    expect(bars[19]).toEqual({ date: '2025-01-31', open: 247.19, high: 247.19, low: 233.44, close: 236, volume: 101075051 });
    // No bar for the closed market of 9 January nor for Martin Luther King Jr. Day.
    expect(bars.map((bar) => bar.date)).not.toContain('2025-01-09');
    expect(bars.map((bar) => bar.date)).not.toContain('2025-01-20');
    for (const bar of bars) BarSchema.parse(bar);
  });

  it('asks for split-adjusted daily bars of the whole range in one call', async () => {
    serveJanuary();
    await january('MONTH');
    expect(upstream.requests).toHaveLength(1);
    const [request] = upstream.requests;
    expect(request?.path).toBe(JANUARY);
    expect(request?.query).toEqual({ adjusted: 'true', sort: 'asc', limit: '50000' });
    expectKeyInHeaderOnly(request);
  });

  it('rolls daily bars up into Monday-to-Friday weeks dated by their first session in range', async () => {
    serveJanuary();
    const [days, weeks] = [await january('DAY'), await january('WEEK')];
    expect(weeks.map((bar) => bar.date)).toEqual(['2025-01-02', '2025-01-06', '2025-01-13', '2025-01-21', '2025-01-27']);
    // The week of 6 January: Monday to Wednesday, then Friday (the 9th had no session).
    const week = days.filter((bar) => bar.date >= '2025-01-06' && bar.date <= '2025-01-10');
    expect(weeks[1]).toEqual({
      date: '2025-01-06',
      open: 244.31,
      high: 247.33,
      low: 233,
      close: 236.85,
      volume: sum(week.map((bar) => bar.volume)),
    });
    for (const bar of weeks) BarSchema.parse(bar);
  });

  it('rolls daily bars up into calendar months', async () => {
    serveJanuary();
    const months = await january('MONTH');
    const days = await january('DAY');
    expect(months).toEqual([
      { date: '2025-01-02', open: 248.93, high: 249.1, low: 219.38, close: 236, volume: sum(days.map((bar) => bar.volume)) },
    ]);
  });

  it('asks for a dashed share class by Polygon’s dotted ticker', async () => {
    upstream.on({ path: dailyBarsPath('BRK.B', '2025-01-02', '2025-01-31') }, { json: fixture('polygon/aggs-day-AAPL-2025-01.json') });
    const bars = await polygon.history.fetch({ symbol: 'BRK-B', from: '2025-01-02', to: '2025-01-31', interval: 'DAY' });
    expect(bars).toHaveLength(20);
  });

  it('is NOT_FOUND when Polygon has no bars (an unknown ticker looks the same)', async () => {
    upstream.on({ path: dailyBarsPath('ZZZZ', '2025-01-02', '2025-01-31') }, { json: fixture('polygon/aggs-empty.json') });
    const error = await failureOf(polygon.history.fetch({ symbol: 'ZZZZ', from: '2025-01-02', to: '2025-01-31', interval: 'DAY' }));
    expect(error.kind).toBe(ProviderFailureKind.NOT_FOUND);
  });

  it('rejects a bar without a positive price as a bad response', async () => {
    const body = structuredClone(fixture('polygon/aggs-day-AAPL-2025-01.json')) as { results: Array<Record<string, unknown>> };
    (body.results[3] as { c: unknown }).c = 0;
    upstream.on({ path: JANUARY }, { json: body });
    expect((await failureOf(january('DAY'))).kind).toBe(ProviderFailureKind.BAD_RESPONSE);
  });
});
