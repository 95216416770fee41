import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveQuoteFeedDocument, QuoteFeedDocument, type LiveQuoteFeedSubscription } from '../generated/graphql.js';
import { watch, wsClient } from '../e2e/subscriptions-helpers.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * `Quote.feed` end to end on a spawned gateway (the built bundle) with the simulated market: a
 * tick says SIMULATED, the current quote a subscription starts with and a `quote` query say null.
 */

describe('Quote.feed on the simulated market', () => {
  let gateway: SpawnedGateway;
  beforeAll(async () => {
    gateway = await spawnGateway({ SIM_TICK_MS: '100' });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('is SIMULATED on ticks and null on the snapshot and on a query', async () => {
    const client = wsClient(gateway.wsUrl);
    const live = watch(client, ['AAPL'], print(LiveQuoteFeedDocument));
    const items = (await live.untilQuotes(3)) as unknown as Array<LiveQuoteFeedSubscription['quotes']>;
    live.stop();
    await client.dispose();
    expect(live.resultErrors).toEqual([]);
    expect(items.map((item) => item.feed)).toEqual([null, 'SIMULATED', 'SIMULATED']);

    const answer = await execute(gateway.url, QuoteFeedDocument, { symbol: 'AAPL' });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.quote).toEqual({ symbol: 'AAPL', source: 'simulated', feed: null });
  });
});
