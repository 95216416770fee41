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

/** Connections and requests refused for their credentials so far, as /metrics counts them. */
async function refusedConnections(gateway: SpawnedGateway): Promise<number> {
  const text = await (await fetch(`${gateway.origin}/metrics`)).text();
  return [...text.matchAll(/^graphql_refusals_total\{code="UNAUTHENTICATED",[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
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
            // A copy: a tick already on its way may still arrive after stop().
            resolve(quotes.slice(0, count));
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

  // 4401 is fatal to the graphql-ws client: the same credentials are not retried. An expired token
  // is 4403, which the client retries, so a client that refreshes its token reconnects.
  it.each([
    ['a bad signature', 4401, async () => ({ authorization: `Bearer ${await hs256({ secret: OTHER_SECRET })}` }), /^Unauthorized: .*signature/],
    ['an expired token', 4403, async () => ({ authorization: `Bearer ${await hs256({ expiresIn: -60 })}` }), /^Forbidden: .*expired/],
    ['a bad API key', 4401, async () => ({ 'x-api-key': 'mg_test_only_wrong' }), /^Unauthorized: .*API key/],
    ['a non-string credential', 4401, async () => ({ authorization: 42 }), /^Unauthorized: .*must be strings/],
  ])('closes a connection with %s with %i and the reason, before any subscription runs', async (_name, code, params, reason) => {
    const subscriber = client(gateway.wsUrl, await params());
    const failure = (await firstQuotes(subscriber, 1).then(
      () => undefined,
      (error: unknown) => error,
    )) as CloseLike;
    expect(failure.code).toBe(code);
    expect(failure.reason).toMatch(reason);
    await subscriber.dispose();
  });

  it('a default client (retries on) reports a bad token after one attempt, at once', async () => {
    const before = await refusedConnections(gateway);
    let attempts = 0;
    // The defaults: retryAttempts 5 with exponential back-off. Retried, a refusal took ~40 s to surface.
    const subscriber = createClient({
      url: gateway.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${await hs256({ secret: OTHER_SECRET })}` },
      on: { connecting: () => void attempts++ },
    });
    const started = performance.now();
    const failure = (await firstQuotes(subscriber, 1).then(
      () => undefined,
      (error: unknown) => error,
    )) as CloseLike;
    // "At once" is one attempt (below) rather than a stopwatch; the bound only tells no back-off
    // (~40 s retried) from a busy machine's slow answer, so it is a fraction of that, not of 2 s.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(failure.code).toBe(4401);
    expect(failure.reason).toMatch(/^Unauthorized: .*signature/);
    expect(attempts).toBe(1);
    expect((await refusedConnections(gateway)) - before).toBe(1);
    await subscriber.dispose();
  });

  it('closes the connection with 4403 when its token expires', async () => {
    const closed: CloseLike[] = [];
    const subscriber = client(gateway.wsUrl, { authorization: `Bearer ${await hs256({ expiresIn: 2 })}` }, (event) => closed.push(event));
    let quotes = 0;
    const ended = new Promise<unknown>((resolve) => {
      subscriber.subscribe({ query: print(LiveQuotesDocument), variables: { symbols: ['AAPL'] } }, { next: () => void quotes++, error: resolve, complete: () => resolve('completed') });
    });
    const failure = (await ended) as CloseLike;
    // Accepted and streaming first, then closed when the token ran out (an expired token refused
    // at connect is 4403 too, so the quotes, not the time it took, tell the two apart).
    expect(quotes).toBeGreaterThan(0);
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

  it('closes a connection without credentials with 4401, and serves one with a token', async () => {
    const anonymous = client(gateway.wsUrl, undefined);
    const failure = (await firstQuotes(anonymous, 1).then(
      () => undefined,
      (error: unknown) => error,
    )) as CloseLike;
    expect(failure.code).toBe(4401);
    expect(failure.reason).toMatch(/Credentials are required/);
    await anonymous.dispose();

    const authenticated = client(gateway.wsUrl, { Authorization: `Bearer ${await hs256()}` });
    expect(await firstQuotes(authenticated, 1)).toHaveLength(1);
    await authenticated.dispose();
  });
});
