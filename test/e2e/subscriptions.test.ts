import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { print } from 'graphql';
import WebSocket from 'ws';
import { LiveQuoteAgeDocument, QuoteAgeDocument, QuoteDocument, type LiveQuoteAgeSubscription } from '../generated/graphql.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { sleep } from '../support/timing.js';
import { marketOpen, untilStreams, watch, wsClient } from './subscriptions-helpers.js';


describe('subscription quotes over graphql-ws (ticks every 100 ms)', () => {
  let gateway: SpawnedGateway;
  beforeAll(async () => {
    gateway = await spawnGateway({ SIM_TICK_MS: '100' });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('sends the current quote, then ticks with rising timestamps, and stops the upstream feed when the client leaves', async () => {
    const client = wsClient(gateway.wsUrl);
    const live = watch(client, ['AAPL']);
    const quotes = await live.untilQuotes(4);
    expect(quotes.every((quote) => quote.symbol === 'AAPL' && quote.source === 'simulated' && quote.price > 0)).toBe(true);
    const times = quotes.map((quote) => Date.parse(quote.timestamp));
    for (let i = 1; i < times.length; i++) {
      // The gateways' clock starts on a Wednesday session; were it closed, only the last close would come.
      if (marketOpen(new Date(gateway.now()))) expect(times[i]).toBeGreaterThan(times[i - 1]!);
      else expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
    }
    await untilStreams(gateway.origin, { feeds: 1, watchers: 1 });

    live.stop();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
    // A deliberate wait for something not to happen: three tick periods after the feed stopped (as
    // /metrics said), in which a quote still on its way would have come.
    const received = live.quotes.length;
    await sleep(300);
    expect(live.quotes).toHaveLength(received);
    expect(live.resultErrors).toEqual([]);
    expect(live.failure()).toBeUndefined();
    await client.dispose();
  });

  it('shares one upstream feed per symbol between clients, and keeps serving one when the other leaves', async () => {
    const first = wsClient(gateway.wsUrl);
    const second = wsClient(gateway.wsUrl);
    const a = watch(first, ['AAPL']);
    const b = watch(second, ['AAPL']);
    await Promise.all([a.untilQuotes(2), b.untilQuotes(2)]);
    await untilStreams(gateway.origin, { feeds: 1, watchers: 2 });

    const bMsft = watch(second, ['MSFT']);
    await bMsft.untilQuotes(2, 'MSFT');
    await untilStreams(gateway.origin, { feeds: 2, watchers: 3 });

    a.stop();
    await untilStreams(gateway.origin, { feeds: 2, watchers: 2 });
    const seen = b.quotes.length;
    await b.untilQuotes(seen + 3);

    b.stop();
    await untilStreams(gateway.origin, { feeds: 1, watchers: 1 });
    bMsft.stop();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
    await Promise.all([first.dispose(), second.dispose()]);
  });

  it('delivers ticks for every symbol of one subscription, one feed each', async () => {
    const client = wsClient(gateway.wsUrl);
    const live = watch(client, ['AAPL', 'msft', 'NVDA', 'AAPL']);
    await Promise.all(['AAPL', 'MSFT', 'NVDA'].map((symbol) => live.untilQuotes(3, symbol)));
    expect(new Set(live.quotes.map((quote) => quote.symbol))).toEqual(new Set(['AAPL', 'MSFT', 'NVDA']));
    await untilStreams(gateway.origin, { feeds: 3, watchers: 1 });
    live.stop();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
    await client.dispose();
  });

  it('releases the feeds of a client whose connection drops, and keeps serving everyone else', async () => {
    const sockets: WebSocket[] = [];
    class TrackedWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    }
    const stayer = wsClient(gateway.wsUrl);
    const leaver = wsClient(gateway.wsUrl, { webSocketImpl: TrackedWebSocket });
    const staying = watch(stayer, ['AAPL']);
    const dropping = watch(leaver, ['AAPL', 'TSLA']);
    await Promise.all([staying.untilQuotes(2), dropping.untilQuotes(3)]);
    await untilStreams(gateway.origin, { feeds: 2, watchers: 2 });

    expect(sockets).toHaveLength(1);
    sockets[0]!.terminate();
    await untilStreams(gateway.origin, { feeds: 1, watchers: 1 });

    const seen = staying.quotes.length;
    await staying.untilQuotes(seen + 3);
    const answer = await execute(gateway.url, QuoteDocument, { symbol: 'AAPL' });
    expect(answer.status).toBe(200);
    expect(answer.data?.quote?.symbol).toBe('AAPL');

    staying.stop();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
    await Promise.all([stayer.dispose(), leaver.dispose()]);
  });
});

describe('subscription quotes when ticks are a minute apart', () => {
  let gateway: SpawnedGateway;
  beforeAll(async () => {
    gateway = await spawnGateway({ SIM_TICK_MS: '60000' });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  // The current quote and the feed's first tick come at once; the next tick is a minute away.
  it('stops the feed as soon as the client leaves, not at the next tick', async () => {
    const client = wsClient(gateway.wsUrl);
    const live = watch(client, ['AAPL']);
    await live.untilQuotes(2);
    await untilStreams(gateway.origin, { feeds: 1, watchers: 1 });
    live.stop();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
    await client.dispose();
  });

  it('stops the feeds of a dropped connection at once, not at the next tick', async () => {
    const sockets: WebSocket[] = [];
    class TrackedWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    }
    const client = wsClient(gateway.wsUrl, { webSocketImpl: TrackedWebSocket });
    const live = watch(client, ['MSFT', 'NVDA']);
    await Promise.all([live.untilQuotes(2, 'MSFT'), live.untilQuotes(2, 'NVDA')]);
    await untilStreams(gateway.origin, { feeds: 2, watchers: 1 });
    sockets[0]!.terminate();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
    await client.dispose();
  });
});

describe('subscription quotes when the cached quote is past its freshness (CACHE_TTL_QUOTES=1)', () => {
  let gateway: SpawnedGateway;
  beforeAll(async () => {
    gateway = await spawnGateway({ SIM_TICK_MS: '60000', CACHE_TTL_QUOTES: '1', CACHE_STALE_QUOTES: '60' });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  // The healthy simulated market answers: nothing is stale, and no item contradicts the one before it.
  it('starts each symbol with a quote that is not stale, and no later item of the symbol is older', async () => {
    for (const symbol of ['AAPL', 'MSFT']) expect((await execute(gateway.url, QuoteAgeDocument, { symbol })).data?.quote?.stale).toBe(false);
    // Past their 1 s freshness in the gateway (one-sided: a slower machine waits longer, within the
    // 60 s revalidation window).
    await sleep(1_100);

    const client = wsClient(gateway.wsUrl);
    const live = watch(client, ['AAPL', 'MSFT'], print(LiveQuoteAgeDocument));
    // The current quote of each, then the feed's first tick; the next tick is a minute away.
    await Promise.all([live.untilQuotes(2, 'AAPL'), live.untilQuotes(2, 'MSFT')]);
    // `watch` types its payloads as LiveQuotes; this document selects more.
    const received = live.quotes as unknown as Array<LiveQuoteAgeSubscription['quotes']>;
    for (const symbol of ['AAPL', 'MSFT']) {
      const items = received.filter((item) => item.symbol === symbol);
      expect(items.map((item) => item.stale)).toEqual(items.map(() => false));
      expect(items[0]!.age).toBeGreaterThanOrEqual(1);
      for (let index = 1; index < items.length; index++) {
        expect(Date.parse(items[index]!.timestamp)).toBeGreaterThanOrEqual(Date.parse(items[index - 1]!.timestamp));
      }
    }
    expect(live.resultErrors).toEqual([]);
    live.stop();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
    await client.dispose();
  });
});
