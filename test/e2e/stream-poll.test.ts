import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { watch, wsClient } from './subscriptions-helpers.js';

/**
 * A gateway whose only provider has no live feed configured (FMP over REST, served by a fake
 * upstream) still streams: its polling feed asks for every watched symbol in one call per
 * interval (here the 1 s floor: the quota is set high), and each item says it came by polling.
 */

const QUOTE = { path: '/stable/quote', query: { symbol: 'AAPL' } };
const LIVE = 'subscription Live($symbols: [String!]!) { quotes(symbols: $symbols) { symbol price source feed } }';

let upstream: FakeUpstream;
let gateway: SpawnedGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });
  gateway = await spawnGateway({ PROVIDERS: 'fmp', FMP_API_KEY: 'test-key-poll-0001', FMP_BASE_URL: upstream.url, FMP_QUOTA: '6000/min' });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('live quotes from a provider without a feed', () => {
  it('are polled: after the snapshot, items come from FMP by POLL, and leaving stops the polling', async () => {
    const client = wsClient(gateway.wsUrl);
    try {
      const live = watch(client, ['AAPL'], LIVE);
      const [snapshot, polled] = await live.untilQuotes(2);
      // The snapshot is a query answer (the cache's): it says where from, not how it streamed.
      expect(snapshot).toMatchObject({ symbol: 'AAPL', source: 'fmp', feed: null });
      expect(polled).toMatchObject({ symbol: 'AAPL', price: 232.8, source: 'fmp', feed: 'POLL' });
      expect(live.resultErrors).toEqual([]);
      live.stop();
      await live.ended;
      const calls = upstream.count(QUOTE);
      // Well past the 1 s interval: no watcher, no poll.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(upstream.count(QUOTE)).toBe(calls);
    } finally {
      await client.dispose();
    }
  });
});
