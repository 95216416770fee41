import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CompanyDocument, LiveQuotesDocument } from '../generated/graphql.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { keyPair, serveJwks, signWith, type JwksServer, type KeyPair } from './support.js';

describe('a JWKS URL that is down', () => {
  let gateway: SpawnedGateway;
  let jwks: JwksServer;
  let ec: KeyPair;
  beforeAll(async () => {
    ec = await keyPair('ES256', 'ec-down');
    jwks = await serveJwks([ec.jwk]);
    jwks.status = 503;
    gateway = await spawnGateway({ AUTH_JWKS: jwks.url });
  });
  afterAll(async () => {
    await gateway?.stop();
    await jwks?.close();
  });

  it('answers 503 with Retry-After (not 401: the token may be good), logs why, and verifies again once the JWKS is back', async () => {
    const token = await signWith(ec);
    const down = await execute(gateway.url, CompanyDocument, { symbol: 'AAPL' }, { authorization: `Bearer ${token}` });
    expect(down.status).toBe(503);
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(down.headers.get('www-authenticate')).toBeNull();
    expect(down.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', retryAfter: expect.any(Number) });
    // Logs are written asynchronously.
    await expect.poll(() => gateway.logs.find((line) => String(line['msg']).includes('could not be verified'))?.['level'], { timeout: 3_000 }).toBe(40);

    const closed = await new Promise<{ code: number; reason: string }>((resolve) => {
      const client = createClient({ url: gateway.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
      client.subscribe({ query: print(LiveQuotesDocument), variables: { symbols: ['AAPL'] } }, { next: () => {}, error: (event) => resolve(event as { code: number; reason: string }), complete: () => {} });
    });
    expect(closed.code).toBe(1013);
    expect(closed.reason).toMatch(/^Try again later: /);

    // The JWKS is asked again once the 5 s back-off since its failure are over.
    jwks.status = 200;
    const askedWhileDown = jwks.requests();
    await expect
      .poll(async () => (await execute(gateway.url, CompanyDocument, { symbol: 'AAPL' }, { authorization: `Bearer ${token}` })).data?.company?.symbol, { timeout: 8_000, interval: 500 })
      .toBe('AAPL');
    expect(jwks.requests()).toBe(askedWhileDown + 1);
  });
});
