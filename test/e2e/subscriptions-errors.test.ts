import type { GraphQLFormattedError } from 'graphql';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { untilStreams, watch, wsClient, type Watch } from './subscriptions-helpers.js';

/**
 * What a graphql-ws client sees for a subscription the gateway refuses. A refused subscribe is
 * reported on the subscription (a `next` with errors, or an `error` message), never by closing
 * the socket: the same connection keeps working afterwards.
 */
describe('subscription quotes: refused subscriptions', () => {
  let gateway: SpawnedGateway;
  let client: Client;
  const closeCodes: number[] = [];

  beforeAll(async () => {
    gateway = await spawnGateway({ SIM_TICK_MS: '100', LOG_LEVEL: 'debug' });
    client = wsClient(gateway.wsUrl, { lazy: false, onClosed: (event) => closeCodes.push((event as { code: number }).code) });
  });
  afterAll(async () => {
    await client?.dispose();
    await gateway?.stop();
  });

  /** Waits for the subscription to end, then returns the errors the client was given. */
  async function refusal(live: Watch): Promise<GraphQLFormattedError[]> {
    await live.ended;
    expect(live.quotes).toEqual([]);
    const failure = live.failure();
    if (failure === undefined) return live.resultErrors as GraphQLFormattedError[];
    expect(Array.isArray(failure), `expected GraphQL errors, got ${JSON.stringify(failure)}`).toBe(true);
    return failure as GraphQLFormattedError[];
  }

  const feedsStarted = () => gateway.logs.filter((entry) => entry['msg'] === 'live feed started');

  it('refuses an invalid symbol with BAD_USER_INPUT and starts no feed', async () => {
    const errors = await refusal(watch(client, ['NOPE!']));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', symbol: 'NOPE!' });
    expect(errors[0]?.message).toContain('NOPE!');
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
    expect(feedsStarted()).toEqual([]);
  });

  it('refuses an unknown symbol with NOT_FOUND, and starts no feed even for the known ones beside it', async () => {
    const alone = await refusal(watch(client, ['ZZZZ']));
    expect(alone.map((error) => error.extensions)).toEqual([expect.objectContaining({ code: 'NOT_FOUND', symbol: 'ZZZZ' })]);
    const mixed = await refusal(watch(client, ['AAPL', 'ZZZZ']));
    expect(mixed.map((error) => error.extensions)).toEqual([expect.objectContaining({ code: 'NOT_FOUND', symbol: 'ZZZZ' })]);
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
    expect(feedsStarted()).toEqual([]);
  });

  it('refuses an empty list with BAD_USER_INPUT', async () => {
    const errors = await refusal(watch(client, []));
    expect(errors.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
  });

  it('reports an invalid document as GRAPHQL_VALIDATION_FAILED, as HTTP does', async () => {
    const errors = await refusal(watch(client, ['AAPL'], 'subscription { quotes(symbols: ["AAPL"]) { symbol nope } }'));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/Cannot query field "nope" on type "Quote"/);
    expect(errors[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('reports a syntax error as GRAPHQL_PARSE_FAILED', async () => {
    const errors = await refusal(watch(client, ['AAPL'], 'subscription { quotes(symbols: ["AAPL"]) { symbol '));
    expect(errors.map((error) => error.extensions?.['code'])).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(errors[0]?.message).toMatch(/Syntax Error/);
  });

  it('reports a missing or mistyped variable as BAD_USER_INPUT', async () => {
    const query = 'subscription Live($symbols: [String!]!) { quotes(symbols: $symbols) { symbol } }';
    const missing = await refusal(watch(client, [], query, {}));
    expect(missing.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
    expect(missing[0]?.message).toMatch(/\$symbols.*not provided/);
    const mistyped = await refusal(watch(client, [], query, { symbols: [5] }));
    expect(mistyped.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
  });

  it('reports a document of several operations without an operationName as OPERATION_RESOLUTION_FAILURE', async () => {
    const query = 'subscription A { quotes(symbols: ["AAPL"]) { symbol } } subscription B { quotes(symbols: ["MSFT"]) { symbol } }';
    const errors = await refusal(watch(client, [], query, {}));
    expect(errors.map((error) => error.extensions?.['code'])).toEqual(['OPERATION_RESOLUTION_FAILURE']);
  });

  it('keeps the connection open through every refusal, and serves the next subscription on it', async () => {
    const live = watch(client, ['AAPL']);
    await live.untilQuotes(2);
    expect(closeCodes).toEqual([]);
    live.stop();
    await untilStreams(gateway.origin, { feeds: 0, watchers: 0 });
  });

  it('logs none of these client mistakes as unexpected errors', () => {
    const unexpected = gateway.logs.filter((entry) => Number(entry['level']) >= 50);
    expect(unexpected).toEqual([]);
  });
});
