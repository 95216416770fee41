import { createClient, type Client } from 'graphql-ws';
import { print } from 'graphql';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DelayedQuoteDocument, LiveQuotesDocument, RealtimeQuoteDocument } from '../generated/graphql.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { apiKeysSetting, as, KEYS, sample, type Profile } from './support.js';

/**
 * Delayed quotes and the streaming right on the simulated market, whose prices are a pure
 * function of time: a consumer without QUOTES_REALTIME gets the quote of 15 minutes ago, and a
 * subscription refused for want of STREAMING starts no upstream feed.
 */

const DELAY_MS = 15 * 60_000;
let gateway: SpawnedGateway;
const clients: Client[] = [];

beforeAll(async () => {
  gateway = await spawnGateway({ PROVIDERS: 'simulated', AUTH_API_KEYS: apiKeysSetting(), SIM_TICK_MS: '50', RESPONSE_CACHE: 'false' });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await gateway?.stop();
});

function client(profile: Profile): Client {
  const made = createClient({ url: gateway.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { 'x-api-key': KEYS[profile] } });
  clients.push(made);
  return made;
}

async function feeds(): Promise<number> {
  return sample(await (await fetch(`${gateway.origin}/metrics`)).text(), 'stream_upstream_feeds');
}

describe('delayed quotes', () => {
  it('are at least 15 minutes old for a consumer without QUOTES_REALTIME, and say so', async () => {
    const calls = async () => sample(await (await fetch(`${gateway.origin}/metrics`)).text(), 'provider_requests_total', { provider: 'simulated', capability: 'quote' });
    const before = await calls();
    const asked = gateway.now();
    const { data, errors } = await execute(gateway.url, DelayedQuoteDocument, { symbol: 'AAPL' }, as('basic'));
    // Priced as of 15 minutes ago by the simulated market: one provider call, counted like any other.
    expect(await calls()).toBe(before + 1);
    expect(errors).toBeUndefined();
    const quote = data?.quote;
    expect(quote).toMatchObject({ symbol: 'AAPL', delayed: true });
    expect(asked - Date.parse(quote?.timestamp ?? '')).toBeGreaterThanOrEqual(DELAY_MS - 1_000);
    expect(quote?.delayMinutes).toBeGreaterThanOrEqual(15);
  });

  it('are realtime for a consumer with QUOTES_REALTIME', async () => {
    const { data } = await execute(gateway.url, DelayedQuoteDocument, { symbol: 'AAPL' }, as('pro'));
    expect(data?.quote).toMatchObject({ symbol: 'AAPL', delayed: false, delayMinutes: 0 });
    expect(gateway.now() - Date.parse(data?.quote?.timestamp ?? '')).toBeLessThan(60_000);
  });

  it('are never handed out as realtime: realtimeQuote is FORBIDDEN without QUOTES_REALTIME', async () => {
    const refused = await execute(gateway.url, RealtimeQuoteDocument, { symbol: 'AAPL' }, as('public'));
    expect(refused.data?.realtimeQuote).toBeNull();
    expect(refused.errors?.map((error) => [error.path?.join('.'), error.extensions?.['code'], error.extensions?.['right']])).toEqual([['realtimeQuote', 'FORBIDDEN', 'QUOTES_REALTIME']]);
    const served = await execute(gateway.url, RealtimeQuoteDocument, { symbol: 'AAPL' }, as('pro'));
    expect(served.data?.realtimeQuote).toMatchObject({ symbol: 'AAPL', delayed: false });
  });
});

describe('Subscription.quotes', () => {
  it('is refused without STREAMING before any feed starts, and streams with it', async () => {
    expect(await feeds()).toBe(0);
    // A subscribe function that throws is answered as one result with errors, then complete.
    const refusal = await new Promise<unknown>((resolve, reject) => {
      client('basic').subscribe({ query: print(LiveQuotesDocument), variables: { symbols: ['MSFT'] } }, { next: resolve, error: reject, complete: () => resolve('completed without a result') });
    });
    expect(refusal).toEqual({ errors: [expect.objectContaining({ path: ['quotes'], extensions: expect.objectContaining({ code: 'FORBIDDEN', right: 'STREAMING' }) })] });
    expect(await feeds()).toBe(0);

    // The same subscription with the right gets its quote and starts the feed the gauge counts.
    const pro = client('pro');
    const first = await new Promise<unknown>((resolve, reject) => {
      pro.subscribe({ query: print(LiveQuotesDocument), variables: { symbols: ['MSFT'] } }, { next: resolve, error: reject, complete: () => undefined });
    });
    expect(first).toMatchObject({ data: { quotes: { symbol: 'MSFT' } } });
    await expect.poll(feeds, { timeout: 5_000 }).toBe(1);
  });
});
