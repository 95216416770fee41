import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { print } from 'graphql';
import { LiveQuotesDocument } from '../generated/graphql.js';
import { untilStreams, watch, type Watch } from '../e2e/subscriptions-helpers.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { apiKeyEntry } from './support.js';

/**
 * LIMIT_STREAM_SYMBOLS_PER_CONSUMER (issue 14 item 5) on a spawned gateway: the distinct symbols
 * a consumer watches over all its subscriptions, graphql-ws and SSE together, refused past the cap
 * with RATE_LIMITED `budget: streamSymbolsPerConsumer` (over graphql-ws in the subscription's
 * result, over SSE as a 429 before any stream, as the subscriptions-per-consumer cap is), and
 * given back when a subscription ends: completed, or its client gone mid-stream on either transport.
 */

const KEYS = { pro: 'mg_test_symbols_pro_not_a_secret', other: 'mg_test_symbols_other_not_a_secret' };
const LIVE = print(LiveQuotesDocument);
const REFUSAL = { code: 'RATE_LIMITED', budget: 'streamSymbolsPerConsumer', limit: 3 };
let gateway: SpawnedGateway;
const clients: Client[] = [];

beforeAll(async () => {
  gateway = await spawnGateway({
    PROVIDERS: 'simulated',
    SIM_TICK_MS: '100',
    AUTH_API_KEYS: [apiKeyEntry(KEYS.pro, 'symbols-pro', 'pro'), apiKeyEntry(KEYS.other, 'symbols-other', 'pro')].join(','),
    LIMIT_STREAM_SYMBOLS_PER_CONSUMER: 'pro=3',
  });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await gateway?.stop();
});

/** A graphql-ws client of `key` that never reconnects; `sockets` collects its sockets, to cut them. */
function wsClient(key: string, sockets: WebSocket[] = []): Client {
  class Tracked extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      sockets.push(this);
    }
  }
  const client = createClient({ url: gateway.wsUrl, webSocketImpl: Tracked, retryAttempts: 0, connectionParams: { 'x-api-key': key } });
  clients.push(client);
  return client;
}

/** The refusal a graphql-ws subscription ended with (in its result: the resolver refused it). */
async function wsRefusal(live: Watch): Promise<Record<string, unknown> | undefined> {
  await live.ended;
  expect(live.quotes).toEqual([]);
  return live.resultErrors[0]?.extensions;
}

/** One SSE subscription by plain fetch: its status, and either its coded errors or a way to read events and abort. */
async function sse(key: string, symbols: string[]) {
  const abort = new AbortController();
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ query: LIVE, variables: { symbols } }),
    signal: abort.signal,
  });
  if (response.status !== 200) {
    const body = (await response.json()) as { errors: Array<{ extensions?: Record<string, unknown> }> };
    return { status: response.status, extensions: body.errors[0]?.extensions, abort: () => abort.abort() };
  }
  const reader = response.body!.getReader();
  let text = '';
  const untilEvents = async (count: number): Promise<void> => {
    while ((text.match(/event: next/g) ?? []).length < count) text += new TextDecoder().decode((await reader.read()).value);
  };
  return { status: 200, extensions: undefined, untilEvents, abort: () => abort.abort() };
}

describe('symbols per consumer over its subscriptions', () => {
  it('counts distinct symbols over graphql-ws and SSE together, refuses past the cap on either, and frees them when a subscription completes', async () => {
    const client = wsClient(KEYS.pro);
    const first = watch(client, ['AAPL', 'MSFT']);
    await first.untilQuotes(2);
    // AAPL is watched already: only NVDA is new, three in all.
    const second = watch(client, ['AAPL', 'NVDA']);
    await second.untilQuotes(2);
    expect(await wsRefusal(watch(client, ['TSLA']))).toEqual(REFUSAL);
    const overSse = await sse(KEYS.pro, ['TSLA', 'AAPL']);
    expect([overSse.status, overSse.extensions]).toEqual([429, REFUSAL]);
    // Refused before its snapshot: no feed for TSLA.
    await untilStreams(gateway.origin, { feeds: 3, watchers: 2 });
    // Another consumer has a cap of its own.
    const other = await sse(KEYS.other, ['TSLA', 'AMZN', 'META']);
    expect(other.status).toBe(200);
    await other.untilEvents?.(3);
    other.abort();

    // Completing the first frees MSFT (AAPL stays, the second watches it): one symbol fits again, over SSE.
    first.stop();
    await untilStreams(gateway.origin, { feeds: 2, watchers: 1 });
    const again = await sse(KEYS.pro, ['TSLA', 'AAPL']);
    expect(again.status).toBe(200);
    await again.untilEvents?.(2);
    expect(await wsRefusal(watch(client, ['MSFT']))).toEqual(REFUSAL);
    again.abort();
    second.stop();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
  });

  it('frees the symbols of a graphql-ws connection that drops mid-stream', async () => {
    const sockets: WebSocket[] = [];
    const dropping = watch(wsClient(KEYS.pro, sockets), ['AAPL', 'MSFT', 'NVDA']);
    await dropping.untilQuotes(3);
    const spare = wsClient(KEYS.pro);
    expect(await wsRefusal(watch(spare, ['TSLA']))).toEqual(REFUSAL);
    sockets[0]!.terminate();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
    const after = watch(spare, ['TSLA', 'AMZN', 'META']);
    await after.untilQuotes(3);
    after.stop();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
  });

  it('frees the symbols of an SSE request aborted mid-stream', async () => {
    const dropping = await sse(KEYS.pro, ['AAPL', 'MSFT', 'NVDA']);
    expect(dropping.status).toBe(200);
    await dropping.untilEvents?.(3);
    expect((await sse(KEYS.pro, ['TSLA'])).extensions).toEqual(REFUSAL);
    dropping.abort();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
    const after = await sse(KEYS.pro, ['TSLA', 'AMZN', 'META']);
    expect(after.status).toBe(200);
    await after.untilEvents?.(3);
    after.abort();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
  });

  it('logs none of these as unexpected errors', () => {
    expect(gateway.logs.filter((entry) => Number(entry['level']) >= 50)).toEqual([]);
  });
});
