import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { hashApiKey } from '../../src/auth/index.js';
import { LiveQuotesDocument } from '../generated/graphql.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { hs256, OTHER_SECRET, SECRET } from './support.js';

const API_KEY = 'mg_test_only_ws_key';

interface CloseLike {
  readonly code: number;
  readonly reason: string;
}

/** A client that never retries, so a refused or closed connection shows as it is. */
function client(url: string, connectionParams: Record<string, unknown> | undefined, onClosed: (event: CloseLike) => void = () => {}): Client {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    ...(connectionParams ? { connectionParams } : {}),
    on: { closed: (event) => onClosed(event as CloseLike) },
  });
}

/** Subscribes to live AAPL quotes until `count` arrive (resolves with them) or the subscription fails (rejects with what ended it). */
function firstQuotes(target: Client, count: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const quotes: unknown[] = [];
    const stop = target.subscribe(
      { query: print(LiveQuotesDocument), variables: { symbols: ['AAPL'] } },
      {
        next: (result) => {
          if (result.errors) reject(result.errors);
          quotes.push(result.data);
          if (quotes.length >= count) {
            stop();
            resolve(quotes);
          }
        },
        error: reject,
        complete: () => reject(new Error(`completed after ${quotes.length} quotes`)),
      },
    );
  });
}

describe('graphql-ws connection_init credentials', () => {
  let gateway: SpawnedGateway;
  beforeAll(async () => {
    gateway = await spawnGateway({ SIM_TICK_MS: '100', AUTH_JWT_SECRET: SECRET, AUTH_API_KEYS: `${hashApiKey(API_KEY)}:wsco:pro` });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('streams to a connection that authenticated with a good token or API key', async () => {
    for (const params of [{ authorization: `Bearer ${await hs256()}` }, { 'x-api-key': API_KEY }]) {
      const subscriber = client(gateway.wsUrl, params);
      expect(await firstQuotes(subscriber, 2)).toHaveLength(2);
      await subscriber.dispose();
    }
  });

  it.each([
    ['a bad signature', async () => ({ authorization: `Bearer ${await hs256({ secret: OTHER_SECRET })}` }), /signature/],
    ['an expired token', async () => ({ authorization: `Bearer ${await hs256({ expiresIn: -60 })}` }), /expired/],
    ['a bad API key', async () => ({ 'x-api-key': 'mg_test_only_wrong' }), /API key/],
    ['a non-string credential', async () => ({ authorization: 42 }), /must be strings/],
  ])('closes a connection with %s with 4403 and the reason, before any subscription runs', async (_name, params, reason) => {
    const subscriber = client(gateway.wsUrl, await params());
    const failure = (await firstQuotes(subscriber, 1).then(
      () => undefined,
      (error: unknown) => error,
    )) as CloseLike;
    expect(failure.code).toBe(4403);
    expect(failure.reason).toMatch(/^Forbidden: /);
    expect(failure.reason).toMatch(reason);
    await subscriber.dispose();
  });

  it('closes the connection with 4403 when its token expires', async () => {
    const closed: CloseLike[] = [];
    const subscriber = client(gateway.wsUrl, { authorization: `Bearer ${await hs256({ expiresIn: 2 })}` }, (event) => closed.push(event));
    const started = Date.now();
    const ended = new Promise<unknown>((resolve) => {
      subscriber.subscribe({ query: print(LiveQuotesDocument), variables: { symbols: ['AAPL'] } }, { next: () => {}, error: resolve, complete: () => resolve('completed') });
    });
    const failure = (await ended) as CloseLike;
    expect(Date.now() - started).toBeGreaterThan(500);
    expect(failure.code).toBe(4403);
    expect(failure.reason).toBe('Forbidden: The token has expired.');
    expect(closed.map((event) => event.code)).toEqual([4403]);
    await subscriber.dispose();
  });
});

describe('graphql-ws with AUTH_REQUIRED=true', () => {
  let gateway: SpawnedGateway;
  beforeAll(async () => {
    gateway = await spawnGateway({ SIM_TICK_MS: '100', AUTH_JWT_SECRET: SECRET, AUTH_REQUIRED: 'true' });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('closes a connection without credentials with 4403, and serves one with a token', async () => {
    const anonymous = client(gateway.wsUrl, undefined);
    const failure = (await firstQuotes(anonymous, 1).then(
      () => undefined,
      (error: unknown) => error,
    )) as CloseLike;
    expect(failure.code).toBe(4403);
    expect(failure.reason).toMatch(/Credentials are required/);
    await anonymous.dispose();

    const authenticated = client(gateway.wsUrl, { Authorization: `Bearer ${await hs256()}` });
    expect(await firstQuotes(authenticated, 1)).toHaveLength(1);
    await authenticated.dispose();
  });
});
