import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeFinnhubStream, type FakeFinnhubStream } from '../support/fake-streams/finnhub.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { watch, wsClient } from './subscriptions-helpers.js';

/**
 * FINNHUB_WS_SYMBOLS caps the symbols one feed connection carries (the plan's allowance): with a
 * cap of 1 and one key, the first watched symbol streams over the feed and the second goes to the
 * next source of the stream chain, Finnhub's own polling, without an error for either.
 */

const KEY = 'finnhub-cap-key-not-a-secret';
const LIVE = 'subscription Live($symbols: [String!]!) { quotes(symbols: $symbols) { symbol source feed } }';

let upstream: FakeUpstream;
let feed: FakeFinnhubStream;
let gateway: SpawnedGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on({ path: '/quote' }, { json: fixture('finnhub/quote-aapl.json') });
  feed = await startFakeFinnhubStream({ keys: [KEY] });
  gateway = await spawnGateway({
    PROVIDERS: 'finnhub',
    FINNHUB_API_KEY: KEY,
    FINNHUB_BASE_URL: upstream.url,
    FINNHUB_WS_URL: feed.url,
    FINNHUB_WS_SYMBOLS: '1',
    // Polls at the 1 s floor: the quota is no limit here.
    FINNHUB_QUOTA: '100000/min',
  });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([feed?.close(), upstream?.close()]);
});

describe('a feed connection with a symbol cap', () => {
  it('streams the symbols within the cap and polls the rest', async () => {
    const client = wsClient(gateway.wsUrl);
    try {
      const live = watch(client, ['AAPL', 'MSFT'], LIVE);
      await expect.poll(() => feed.requests.filter((request) => request.type === 'subscribe').length, { timeout: 10_000 }).toBe(1);
      const streamed = feed.requests[0]?.symbol ?? '';
      const polled = streamed === 'AAPL' ? 'MSFT' : 'AAPL';
      feed.trades([{ s: streamed, p: 123.45, t: Date.parse('2026-12-02T15:00:00Z') }]);
      const items = () => live.quotes as unknown as Array<{ symbol: string; feed: string | null }>;
      await expect.poll(() => items().some((item) => item.symbol === streamed && item.feed === 'STREAM'), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => items().some((item) => item.symbol === polled && item.feed === 'POLL'), { timeout: 10_000 }).toBe(true);
      expect(feed.requests.filter((request) => request.type === 'subscribe')).toEqual([{ type: 'subscribe', symbol: streamed }]);
      expect(live.resultErrors).toEqual([]);
      live.stop();
    } finally {
      await client.dispose();
    }
  });
});
