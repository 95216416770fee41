import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNIVERSE_SYMBOLS } from '../../src/providers/simulated/universe.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { postQuery } from '../support/graphql-client.js';
import { watch, wsClient } from './subscriptions-helpers.js';

/**
 * The simulated market on a holiday (Thanksgiving, Thursday 2026-11-26, 11:00 New York): the
 * calendar says closed and why, a quote is Wednesday's close and on time, a history has no bar for
 * the day and nothing wrong with it, and a subscription starts with the last close and gets no ticks.
 * And on a session day, the grades the simulated market's quotes get.
 */

let holiday: SpawnedGateway;
let session: SpawnedGateway;

beforeAll(async () => {
  [holiday, session] = await Promise.all([spawnGateway({ SIMULATED_NOW: '2026-11-26T16:00:00Z', SIM_TICK_MS: '100' }), spawnGateway()]);
});
afterAll(async () => {
  await Promise.all([holiday?.stop(), session?.stop()]);
});

describe('the simulated market on a holiday', () => {
  it('is closed for Thanksgiving, and a quote is Wednesday’s close, graded on time', async () => {
    const { data, errors } = await postQuery<{
      marketStatus: { isOpen: boolean; session: string; holiday: string | null };
      quote: { timestamp: string; quality: { grade: string; session: string; dimensions: Array<{ name: string; score: number | null }> } };
    }>(holiday.url, '{ marketStatus { isOpen session holiday } quote(symbol: "AAPL") { timestamp quality { grade session dimensions { name score } } } }');
    expect(errors).toBeUndefined();
    expect(data?.marketStatus).toEqual({ isOpen: false, session: 'CLOSED', holiday: 'Thanksgiving Day' });
    expect(data?.quote.timestamp.slice(0, 10)).toBe('2026-11-25');
    expect(data?.quote.quality).toMatchObject({ grade: 'A', session: 'CLOSED' });
    expect(data?.quote.quality.dimensions.find((dimension) => dimension.name === 'TIMELINESS')?.score).toBe(100);
  });

  it('has no bar for the holiday, and nothing wrong with the history', async () => {
    const { data, extensions } = await postQuery<{ priceHistory: Array<{ date: string; problems: unknown[] }> }>(
      holiday.url,
      '{ priceHistory(symbol: "AAPL", from: "2026-11-20", to: "2026-11-30") { date problems { kind } } }',
    );
    expect(data?.priceHistory.map((bar) => bar.date)).toEqual(['2026-11-20', '2026-11-23', '2026-11-24', '2026-11-25']);
    expect(data?.priceHistory.every((bar) => bar.problems.length === 0)).toBe(true);
    expect(extensions?.['dataProblems']).toBeUndefined();
  });

  it('starts a subscription with the last close, then sends no ticks', async () => {
    const client = wsClient(holiday.wsUrl);
    const live = watch(client, ['AAPL']);
    const [first] = await live.untilQuotes(1);
    expect(first?.timestamp.slice(0, 10)).toBe('2026-11-25');
    // A deliberate wait for something not to happen: ten tick periods.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(live.quotes).toHaveLength(1);
    live.stop();
    await client.dispose();
  });
});

describe('the simulated market’s grades in a session', () => {
  it('grades every listed quote A, agreement unjudged (its prices are invented), and counts them', async () => {
    const symbols = UNIVERSE_SYMBOLS.slice(0, 200);
    const { data, errors } = await postQuery<{ quotes: Array<{ quality: { grade: string; dimensions: Array<{ name: string; score: number | null }> } }> }>(
      session.url,
      'query Q($symbols: [String!]!) { quotes(symbols: $symbols) { quality { grade dimensions { name score } } } }',
      { symbols },
    );
    expect(errors).toBeUndefined();
    const grades = new Map<string, number>();
    for (const quote of data?.quotes ?? []) grades.set(quote.quality.grade, (grades.get(quote.quality.grade) ?? 0) + 1);
    console.log(`simulated market, 200 quotes on a Wednesday session: ${JSON.stringify(Object.fromEntries(grades))}`);
    expect(Object.fromEntries(grades)).toEqual({ A: 200 });
    expect(data?.quotes.every((quote) => quote.quality.dimensions.find((dimension) => dimension.name === 'AGREEMENT')?.score === null)).toBe(true);
    const status = await postQuery<{ providers: Array<{ id: string; grades: Array<{ grade: string; count: number }> }> }>(session.url, '{ providers { id grades { grade count } } }');
    expect(status.data?.providers[0]?.grades.find((entry) => entry.grade === 'A')?.count).toBeGreaterThanOrEqual(200);
  });
});
