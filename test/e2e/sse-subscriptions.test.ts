import { print } from 'graphql';
import { createClient, NetworkError, type Client } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { hs256, SECRET } from '../auth/support.js';
import { LiveQuotesDocument } from '../generated/graphql.js';
import { apiKeyEntry } from '../support/api-keys.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { untilStreams, watch as watchWs } from './subscriptions-helpers.js';

/**
 * Subscriptions over Server-Sent Events (issue 14 item 7), spoken by graphql-sse's own client in
 * "distinct connections mode" (one request per subscription) over Node's fetch: the same
 * credentials, rights, caps, limits and codes as graphql-ws on the same path.
 */

const KEYS = { pro: 'mg_test_sse_pro_not_a_secret', other: 'mg_test_sse_other_pro_not_a_secret', pub: 'mg_test_sse_public_not_a_secret' };
const LIVE = print(LiveQuotesDocument);
let gateway: SpawnedGateway;
const clients: Client[] = [];

beforeAll(async () => {
  gateway = await spawnGateway({
    PROVIDERS: 'simulated',
    SIM_TICK_MS: '100',
    AUTH_JWT_SECRET: SECRET,
    AUTH_API_KEYS: [apiKeyEntry(KEYS.pro, 'sse-pro', 'pro'), apiKeyEntry(KEYS.other, 'sse-other', 'pro'), apiKeyEntry(KEYS.pub, 'sse-public', 'public')].join(','),
    LIMIT_SUBSCRIPTIONS_PER_CONSUMER: 'pro=2',
    LIMIT_MAX_DEPTH: '4',
  });
});
afterAll(async () => {
  for (const client of clients) client.dispose();
  await gateway?.stop();
});

/** A graphql-sse client that never retries, so a refusal shows as it is. */
function sseClient(headers: Record<string, string>): Client {
  const client = createClient({ url: gateway.url, headers, retryAttempts: 0 });
  clients.push(client);
  return client;
}

interface WireError {
  readonly message: string;
  readonly extensions?: Record<string, unknown>;
}

/** One subscription as the client sees it: its results, how it ended, and `stop()` (the client leaving). */
function subscribe(client: Client, query = LIVE, variables: Record<string, unknown> = { symbols: ['AAPL'] }) {
  const results: Array<{ data?: { quotes?: { symbol: string; price: number; timestamp?: string } } | null; errors?: readonly WireError[] }> = [];
  let failure: unknown;
  let completed = false;
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const stop = client.subscribe<{ quotes: { symbol: string; price: number } }>(
    { query, variables },
    {
      next: (result) => void results.push(result as (typeof results)[number]),
      error: (error) => {
        failure = error;
        end();
      },
      complete: () => {
        completed = true;
        end();
      },
    },
  );
  const until = async (count: number): Promise<void> => {
    await expect.poll(() => results.filter((result) => result.data?.quotes).length + (failure || completed ? Infinity : 0), { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(count);
    expect(failure, `ended with ${String(failure)}`).toBeUndefined();
  };
  return { results, ended, stop, until, failure: () => failure, completed: () => completed };
}

/** The HTTP status and the errors of a subscription refused before its stream opened. */
async function refusal(live: ReturnType<typeof subscribe>): Promise<{ status: number; errors: WireError[] }> {
  await live.ended;
  const failure = live.failure();
  expect(failure).toBeInstanceOf(NetworkError);
  const response = (failure as NetworkError<Response>).response;
  if (!response) throw new Error(`no response: ${String(failure)}`);
  const body = (await response.json()) as { errors: WireError[] };
  return { status: response.status, errors: body.errors };
}

describe('subscriptions over SSE on /graphql', () => {
  it('streams the current quote then ticks, and releases the feed when the client leaves', async () => {
    const live = subscribe(sseClient({ 'x-api-key': KEYS.pro }));
    await live.until(4);
    const quotes = live.results.map((result) => result.data?.quotes);
    expect(quotes.every((quote) => quote?.symbol === 'AAPL' && quote.price > 0)).toBe(true);
    await untilStreams(gateway.origin, { feeds: 1, watchers: 1 });
    live.stop();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
  });

  it('caps items per symbol with throttleMs, as over graphql-ws', async () => {
    const client = sseClient({ 'x-api-key': KEYS.pro });
    const throttled = subscribe(client, 'subscription ($symbols: [String!]!) { quotes(symbols: $symbols, throttleMs: 400) { symbol price timestamp } }', { symbols: ['MSFT'] });
    const every = subscribe(client, LIVE, { symbols: ['MSFT'] });
    await throttled.until(4);
    const stamps = throttled.results.flatMap((result) => (result.data?.quotes?.timestamp ? [Date.parse(result.data.quotes.timestamp)] : []));
    // Ticks are SIM_TICK_MS (100 ms) apart on the market's clock: after the snapshot, one per 400 ms at most.
    for (let index = 2; index < stamps.length; index++) expect(stamps[index]! - stamps[index - 1]!).toBeGreaterThanOrEqual(300);
    expect(every.results.filter((result) => result.data?.quotes).length).toBeGreaterThan(stamps.length * 2);
    throttled.stop();
    every.stop();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
  });

  it('releases the feeds of a client whose request is aborted mid-stream (a plain fetch, no graphql-sse)', async () => {
    const abort = new AbortController();
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', 'x-api-key': KEYS.pro },
      body: JSON.stringify({ query: LIVE, variables: { symbols: ['MSFT', 'NVDA'] } }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    while ((text.match(/event: next/g) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value);
    await untilStreams(gateway.origin, { feeds: 2, watchers: 1 });
    abort.abort();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
  });

  it('refuses bad credentials with 401 UNAUTHENTICATED before any stream', async () => {
    const { status, errors } = await refusal(subscribe(sseClient({ 'x-api-key': 'mg_test_sse_wrong' })));
    expect(status).toBe(401);
    expect(errors[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('refuses a consumer without STREAMING with 403 FORBIDDEN naming the right, and starts no feed', async () => {
    for (const headers of [{ 'x-api-key': KEYS.pub }, {}] as Array<Record<string, string>>) {
      const { status, errors } = await refusal(subscribe(sseClient(headers)));
      expect(status).toBe(403);
      expect(errors.map((error) => error.extensions)).toEqual([expect.objectContaining({ code: 'FORBIDDEN', right: 'STREAMING' })]);
    }
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
  });

  it('refuses a bad query with 400 and GRAPHQL_VALIDATION_FAILED, a bad symbol with BAD_USER_INPUT, too deep with QUERY_TOO_COMPLEX', async () => {
    const client = sseClient({ 'x-api-key': KEYS.pro });
    const invalid = await refusal(subscribe(client, 'subscription { quotes(symbols: ["AAPL"]) { symbol nope } }', {}));
    expect(invalid.status).toBe(400);
    expect(invalid.errors.map((error) => error.extensions?.['code'])).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const unparsable = await refusal(subscribe(client, 'subscription { quotes(', {}));
    expect([unparsable.status, unparsable.errors[0]?.extensions?.['code']]).toEqual([400, 'GRAPHQL_PARSE_FAILED']);
    const symbol = await refusal(subscribe(client, LIVE, { symbols: ['NOPE!'] }));
    expect([symbol.status, symbol.errors[0]?.extensions?.['code']]).toEqual([400, 'BAD_USER_INPUT']);
    const deep = await refusal(subscribe(client, 'subscription { quotes(symbols: ["AAPL"]) { company { quote { company { name } } } } }', {}));
    expect(deep.status).toBe(400);
    expect(deep.errors[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxDepth' });
  });

  it('counts SSE and graphql-ws subscriptions against one per-consumer cap, refused with RATE_LIMITED as graphql-ws refuses it', async () => {
    const ws = createWsClient({ url: gateway.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { 'x-api-key': KEYS.pro } });
    const overWs = createWsWatch(ws);
    const first = subscribe(sseClient({ 'x-api-key': KEYS.pro }));
    await Promise.all([overWs.untilQuotes(1), first.until(1)]);
    // LIMIT_SUBSCRIPTIONS_PER_CONSUMER=pro=2: one over each transport, and no third over either.
    const third = await refusal(subscribe(sseClient({ 'x-api-key': KEYS.pro })));
    expect(third.status).toBe(429);
    expect(third.errors[0]?.extensions).toEqual({ code: 'RATE_LIMITED', budget: 'subscriptionsPerConsumer', limit: 2 });
    // Another consumer has a cap of its own.
    const other = subscribe(sseClient({ 'x-api-key': KEYS.other }));
    await other.until(1);
    // A stream that ends gives its slot back.
    first.stop();
    await untilStreams(gateway.origin, { feeds: 1, watchers: 2 });
    const again = subscribe(sseClient({ 'x-api-key': KEYS.pro }));
    await again.until(1);
    for (const live of [overWs, again, other]) live.stop();
    await ws.dispose();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
  });

  it('ends the stream with an UNAUTHENTICATED (expired) event when the token expires, and releases its feed', async () => {
    const token = await hs256({ expiresIn: 2 });
    const live = subscribe(sseClient({ authorization: `Bearer ${token}` }));
    await live.until(2);
    await live.ended;
    expect(live.completed()).toBe(true);
    const last = live.results.at(-1);
    expect(last?.errors?.map((error) => error.extensions)).toEqual([{ code: 'UNAUTHENTICATED', reason: 'expired' }]);
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
  });

  it('answers a query over SSE through the HTTP path (one next event, its RateLimit headers), and leaves plain JSON requests alone', async () => {
    const result = subscribe(sseClient({ 'x-api-key': KEYS.other }), '{ quote(symbol: "AAPL") { symbol } }', {});
    await result.ended;
    expect(result.completed()).toBe(true);
    expect(result.results).toEqual([{ data: { quote: { symbol: 'AAPL' } } }]);
    const json = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEYS.other }, body: JSON.stringify({ query: LIVE, variables: { symbols: ['AAPL'] } }) });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { errors: WireError[] }).errors[0]?.extensions?.['code']).toBe('BAD_REQUEST');
  });

  it('logs none of these as unexpected errors', () => {
    expect(gateway.logs.filter((entry) => Number(entry['level']) >= 50)).toEqual([]);
  });
});

/** A graphql-ws subscription to AAPL on `client`. */
function createWsWatch(client: WsClient) {
  return watchWs(client, ['AAPL']);
}
