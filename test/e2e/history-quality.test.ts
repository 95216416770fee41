import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { postQuery } from '../support/graphql-client.js';

/**
 * A price history is passed on as the provider gave it, with what is wrong with it said: FMP's
 * documented end-of-day payload, crafted with a session left out (2025-02-05), a day twice
 * (2025-02-10) and a bar whose high is below its low (2025-01-29). The untouched payload has no
 * problems, and its answer carries no extension.
 */

let upstream: FakeUpstream;
let gateway: SpawnedGateway;

type EodBar = Record<string, unknown> & { date: string };

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const sound = fixture('fmp/stable/historical-eod-aapl.json') as EodBar[];
  const twice = sound.find((bar) => bar.date === '2025-02-10') as EodBar;
  const crafted = sound
    .filter((bar) => bar.date !== '2025-02-05')
    .flatMap((bar) => (bar.date === '2025-02-10' ? [bar, { ...twice, close: 227.7 }] : [bar]))
    .map((bar) => (bar.date === '2025-01-29' ? { ...bar, high: 200, low: 240 } : bar));
  upstream.on({ path: '/stable/historical-price-eod/full', query: { symbol: 'AAPL' } }, { json: sound });
  upstream.on({ path: '/stable/historical-price-eod/full', query: { symbol: 'MSFT' } }, { json: crafted.map((bar) => ({ ...bar, symbol: 'MSFT' })) });
  gateway = await spawnGateway({ PROVIDERS: 'fmp', FMP_API_KEY: 'test-key-0001', FMP_BASE_URL: upstream.url });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const HISTORY = `query History($symbol: String!) {
  priceHistory(symbol: $symbol, from: "2025-01-27", to: "2025-02-11") { date high low problems { kind missingDates message } }
}`;

interface HistoryAnswer {
  priceHistory: Array<{ date: string; problems: Array<{ kind: string; missingDates: string[]; message: string }> }>;
}

describe('priceHistory quality', () => {
  it('finds nothing wrong with the documented payload and adds no extension', async () => {
    const { data, errors, extensions } = await postQuery<HistoryAnswer>(gateway.url, HISTORY, { symbol: 'AAPL' });
    expect(errors).toBeUndefined();
    expect(data?.priceHistory).toHaveLength(12);
    expect(data?.priceHistory.every((bar) => bar.problems.length === 0)).toBe(true);
    expect(extensions?.['dataProblems']).toBeUndefined();
  });

  it('passes the bars on and says what is wrong with each, and in extensions.dataProblems', async () => {
    const { data, errors, extensions } = await postQuery<HistoryAnswer>(gateway.url, HISTORY, { symbol: 'MSFT' });
    expect(errors).toBeUndefined();
    const flagged = data?.priceHistory.flatMap((bar) => bar.problems.map((problem) => ({ date: bar.date, ...problem })));
    expect(flagged).toEqual([
      { date: '2025-01-29', kind: 'OHLC_INVALID', missingDates: [], message: 'high 200 below low 240 on 2025-01-29' },
      { date: '2025-02-06', kind: 'MISSING_SESSIONS', missingDates: ['2025-02-05'], message: 'the session of 2025-02-05 is missing between 2025-02-04 and 2025-02-06' },
      { date: '2025-02-10', kind: 'DUPLICATE', missingDates: [], message: 'a second bar for 2025-02-10' },
    ]);
    expect(extensions?.['dataProblems']).toEqual([
      {
        path: ['priceHistory'],
        problems: [
          { kind: 'OHLC_INVALID', date: '2025-01-29', message: 'high 200 below low 240 on 2025-01-29' },
          { kind: 'MISSING_SESSIONS', date: '2025-02-06', message: 'the session of 2025-02-05 is missing between 2025-02-04 and 2025-02-06' },
          { kind: 'DUPLICATE', date: '2025-02-10', message: 'a second bar for 2025-02-10' },
        ],
      },
    ]);
  });

  it('tells a client that selected no problems too, every time (such an answer is not kept by the response cache)', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const { extensions, headers } = await postQuery(gateway.url, '{ priceHistory(symbol: "MSFT", from: "2025-01-27", to: "2025-02-11") { date close } }');
      expect((extensions?.['dataProblems'] as unknown[] | undefined)?.length).toBe(1);
      expect(headers.get('x-cache')).not.toBe('HIT');
    }
  });
});
