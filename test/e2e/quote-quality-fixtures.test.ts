import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { postQuery } from '../support/graphql-client.js';

/**
 * How each provider's documented quote grades, read a minute after the trade it reflects (each
 * gateway's market clock starts there): a real gateway per provider on a fake upstream serving the
 * recorded payload. What they lose says what each payload lacks: Finnhub's quote has no volume;
 * Twelve Data's documented example stamps its quote (`timestamp`, `last_quote_at`) at 02:00 New
 * York, before the session its price belongs to, so read after that session it is a session behind.
 * The grades printed here are the distribution the closing note reports.
 */

interface Case {
  readonly provider: string;
  readonly symbol: string;
  /** The instant the payload's price reflects, plus a minute. */
  readonly readAt: string;
  readonly serve: (upstream: FakeUpstream) => void;
}

const CASES: readonly Case[] = [
  {
    provider: 'fmp',
    symbol: 'AAPL',
    readAt: '2025-02-04T21:01:01Z',
    serve: (upstream) => upstream.on({ path: '/stable/quote', query: { symbol: 'AAPL' } }, { json: fixture('fmp/stable/quote-aapl.json') }),
  },
  {
    provider: 'finnhub',
    symbol: 'AAPL',
    readAt: '2020-02-25T14:31:00Z',
    serve: (upstream) => upstream.on({ path: '/quote', query: { symbol: 'AAPL' } }, { json: fixture('finnhub/quote-aapl.json') }),
  },
  {
    provider: 'twelvedata',
    symbol: 'AAPL',
    readAt: '2021-09-16T20:01:00Z',
    serve: (upstream) => upstream.on({ path: '/quote', query: { symbol: 'AAPL' } }, { json: fixture('twelvedata/quote-aapl.json') }),
  },
  {
    provider: 'polygon',
    symbol: 'AAPL',
    readAt: '2025-01-13T18:01:00Z',
    serve: (upstream) => upstream.on({ path: '/v2/snapshot/locale/us/markets/stocks/tickers' }, { json: fixture('polygon/snapshot-tickers.json') }),
  },
  {
    provider: 'alphavantage',
    symbol: 'IBM',
    readAt: '2024-10-11T20:01:00Z',
    serve: (upstream) => upstream.on({ path: '/query', query: { function: 'GLOBAL_QUOTE', symbol: 'IBM' } }, { json: fixture('alphavantage/global-quote-ibm.json') }),
  },
];

const running: Array<{ upstream: FakeUpstream; gateway: SpawnedGateway }> = [];

beforeAll(async () => {
  await Promise.all(
    CASES.map(async (testCase, index) => {
      const upstream = await startFakeUpstream();
      testCase.serve(upstream);
      const prefix = testCase.provider.toUpperCase();
      const gateway = await spawnGateway({
        PROVIDERS: testCase.provider,
        [`${prefix}_API_KEY`]: `test-key-000${index}`,
        [`${prefix}_BASE_URL`]: upstream.url,
        SIMULATED_NOW: testCase.readAt,
      });
      running[index] = { upstream, gateway };
    }),
  );
}, 30_000);

afterAll(async () => {
  await Promise.all(running.map(async (entry) => {
    await entry?.gateway.stop();
    await entry?.upstream.close();
  }));
});

interface Graded {
  quote: { source: string; quality: { grade: string; score: number; dimensions: Array<{ name: string; score: number | null; reasons: string[] }> } };
}

async function graded(index: number): Promise<Graded['quote']> {
  const testCase = CASES[index] as Case;
  const { data, errors } = await postQuery<Graded>(
    (running[index] as { gateway: SpawnedGateway }).gateway.url,
    `{ quote(symbol: "${testCase.symbol}") { source quality { grade score dimensions { name score reasons } } } }`,
  );
  expect(errors).toBeUndefined();
  const quote = data?.quote as Graded['quote'];
  const lost = quote.quality.dimensions.filter((dimension) => dimension.reasons.length > 0 && dimension.score !== null);
  console.log(`quality of ${testCase.provider}'s documented quote: ${quote.quality.grade} ${quote.quality.score}; ${lost.map((dimension) => `${dimension.name} ${dimension.score}: ${dimension.reasons.join('; ')}`).join(' | ') || 'nothing lost'}`);
  return quote;
}

describe('the grade of each provider’s documented quote, read a minute after its trade', () => {
  it.each([
    ['fmp', 0, 'A', 100],
    ['finnhub', 1, 'A', 96],
    ['twelvedata', 2, 'D', 65],
    ['polygon', 3, 'A', 100],
    ['alphavantage', 4, 'A', 100],
  ] as const)('%s', async (provider, index, grade, score) => {
    const quote = await graded(index);
    expect(quote.source).toBe(provider);
    expect(quote.quality).toMatchObject({ grade, score });
  });
});
