import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LiveQuotesDocument, LiveRealtimeQuotesDocument, type LiveRealtimeQuotesSubscription } from '../generated/graphql.js';
import { untilStreams } from '../e2e/subscriptions-helpers.js';
import { apiKeyEntry } from '../support/api-keys.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { apiKeysSetting, as } from './support.js';

/**
 * Asking for realtime explicitly (issue 14 item 5): `subscription { realtimeQuotes }` mirrors the
 * `realtimeQuotes` query. A consumer with STREAMING and QUOTES_REALTIME gets live items; one
 * without QUOTES_REALTIME is refused with FORBIDDEN naming it, over graphql-ws and SSE, and no feed
 * starts, where `quotes` would have streamed it delayed items (checked here over SSE; over
 * graphql-ws in entitled-streams.test.ts).
 */

const DELAYED_KEY = 'test-rights-key-delayed-streaming-0001';
const REALTIME = print(LiveRealtimeQuotesDocument);
const FIELDS = 'symbol price timestamp delayed delayMinutes';
let gateway: SpawnedGateway;
const clients: Client[] = [];

beforeAll(async () => {
  gateway = await spawnGateway({
    PROVIDERS: 'simulated',
    SIM_TICK_MS: '50',
    AUTH_PROFILES: JSON.stringify({ 'delayed-streaming': ['QUOTES_DELAYED', 'STREAMING'] }),
    AUTH_API_KEYS: [apiKeysSetting(), apiKeyEntry(DELAYED_KEY, 'delayed-streamer', 'delayed-streaming')].join(','),
  });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await gateway?.stop();
});

type Item = LiveRealtimeQuotesSubscription['realtimeQuotes'] & { readonly delayMinutes?: number };
type Outcome = { readonly items: Item[] } | { readonly status?: number; readonly errors: ReadonlyArray<{ readonly extensions?: Record<string, unknown> }> };

/** The first `count` items of a graphql-ws subscription, or the errors that refused it. */
function overWebSocket(headers: Record<string, string>, query: string, count: number): Promise<Outcome> {
  const client = createClient({ url: gateway.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: headers });
  clients.push(client);
  const items: Item[] = [];
  return new Promise((resolve, reject) => {
    const stop = client.subscribe<Record<string, Item>>(
      { query, variables: { symbols: ['AAPL', 'MSFT'] } },
      {
        next: (result) => {
          if (result.errors) return resolve({ errors: result.errors });
          // Items already read from the socket in the same chunk still arrive after stop(): keep the first `count`.
          if (items.length >= count) return;
          const item = result.data && Object.values(result.data)[0];
          if (item) items.push(item);
          if (items.length < count) return;
          stop();
          resolve({ items: items.slice() });
        },
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(new Error(JSON.stringify(error)))),
        complete: () => resolve({ items }),
      },
    );
  });
}

/** The first `count` items of an SSE subscription, or the status and errors that refused it. */
async function overSse(headers: Record<string, string>, query: string, count: number): Promise<Outcome> {
  const abort = new AbortController();
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables: { symbols: ['AAPL', 'MSFT'] } }),
    signal: abort.signal,
  });
  if (response.status !== 200) return { status: response.status, ...((await response.json()) as { errors: [] }) };
  const reader = response.body!.getReader();
  let text = '';
  const events = (): Item[] =>
    [...text.matchAll(/event: next\ndata: (.*)\n/g)].map((match) => Object.values((JSON.parse(match[1]!) as { data: Record<string, Item> }).data)[0]!);
  while (events().length < count) text += new TextDecoder().decode((await reader.read()).value);
  abort.abort();
  return { items: events().slice(0, count) };
}

const refusedWith = (outcome: Outcome) => ('errors' in outcome ? outcome.errors.map((error) => [error.extensions?.['code'], error.extensions?.['right']]) : outcome.items);

describe.each([
  ['graphql-ws', overWebSocket],
  ['SSE', overSse],
] as const)('subscription realtimeQuotes over %s', (transport, subscribe) => {
  it('streams live items to a consumer with STREAMING and QUOTES_REALTIME', async () => {
    const outcome = await subscribe(as('pro'), REALTIME, 4);
    if (!('items' in outcome)) throw new Error(`refused: ${JSON.stringify(outcome.errors)}`);
    for (const item of outcome.items) {
      expect(item.delayed).toBe(false);
      expect(gateway.now() - Date.parse(item.timestamp)).toBeLessThan(60_000);
    }
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
  });

  it('refuses a consumer without QUOTES_REALTIME with FORBIDDEN naming it, never delayed items in its place, and starts no feed', async () => {
    const outcome = await subscribe({ 'x-api-key': DELAYED_KEY }, REALTIME, 1);
    expect(refusedWith(outcome)).toEqual([['FORBIDDEN', 'QUOTES_REALTIME']]);
    if (transport === 'SSE') expect('status' in outcome && outcome.status).toBe(403);
    expect(await untilStreams(gateway.origin, { feeds: 0, watchers: 0 })).toBeUndefined();
  });

  it('refuses a consumer without STREAMING with FORBIDDEN naming STREAMING', async () => {
    expect(refusedWith(await subscribe(as('basic'), REALTIME, 1))).toEqual([['FORBIDDEN', 'STREAMING']]);
  });
});

describe('subscription quotes over SSE without QUOTES_REALTIME', () => {
  it('streams items at least 15 minutes old, as over graphql-ws', async () => {
    const query = print(LiveQuotesDocument).replace('source', FIELDS);
    const outcome = await overSse({ 'x-api-key': DELAYED_KEY }, query, 4);
    if (!('items' in outcome)) throw new Error(`refused: ${JSON.stringify(outcome.errors)}`);
    const receivedAt = gateway.now();
    for (const item of outcome.items) {
      expect(item).toMatchObject({ delayed: true });
      expect(item.delayMinutes).toBeGreaterThanOrEqual(15);
      expect(receivedAt - Date.parse(item.timestamp)).toBeGreaterThanOrEqual(15 * 60_000);
    }
  });
});
