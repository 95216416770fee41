import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { hashApiKey } from '../../src/auth/index.js';
import { LiveQuotesDocument } from '../generated/graphql.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { hs256 } from './support.js';

/**
 * A credential the gateway has nothing to check with: in open development mode (no AUTH_*
 * settings) the caller cannot switch to another credential, so the refusal names the settings the
 * operator must set, over HTTP and in the graphql-ws close reason.
 */

interface Refusal {
  readonly status: number;
  readonly message: string;
  readonly code: unknown;
}

async function refusal(url: string, headers: Record<string, string>): Promise<Refusal> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ __typename }' }) });
  const body = (await response.json()) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  return { status: response.status, message: body.errors?.[0]?.message ?? '', code: body.errors?.[0]?.extensions?.['code'] };
}

/** The close a default graphql-ws client reports for these connection params. */
function wsRefusal(url: string, connectionParams: Record<string, string>): Promise<{ code: number; reason: string }> {
  const client = createClient({ url, webSocketImpl: WebSocket, connectionParams });
  return new Promise((resolve, reject) => {
    client.subscribe(
      { query: print(LiveQuotesDocument), variables: { symbols: ['AAPL'] } },
      { next: () => reject(new Error('a quote arrived')), error: (error) => resolve(error as { code: number; reason: string }), complete: () => reject(new Error('completed')) },
    );
  }).finally(() => client.dispose()) as Promise<{ code: number; reason: string }>;
}

describe('open development mode (no AUTH_JWT_SECRET, AUTH_JWKS or AUTH_API_KEYS)', () => {
  let gateway: SpawnedGateway;
  beforeAll(async () => {
    gateway = await spawnGateway({ NODE_ENV: 'development' });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('refuses a bearer token saying which setting the operator must set, not "use an API key"', async () => {
    const answer = await refusal(gateway.url, { authorization: `Bearer ${await hs256()}` });
    expect(answer.status).toBe(401);
    expect(answer.code).toBe('UNAUTHENTICATED');
    expect(answer.message).toMatch(/operator must set AUTH_JWT_SECRET .* or AUTH_JWKS/);
    expect(answer.message).toMatch(/open development mode: send no credentials/);
    expect(answer.message).not.toMatch(/use an API key/i);
  });

  it('refuses an API key saying the operator must set AUTH_API_KEYS', async () => {
    const answer = await refusal(gateway.url, { 'x-api-key': 'mg_test_only_unconfigured' });
    expect(answer.status).toBe(401);
    expect(answer.message).toMatch(/operator must set AUTH_API_KEYS/);
  });

  it('closes a graphql-ws connection with a bearer token with the setting in the reason', async () => {
    const closed = await wsRefusal(gateway.wsUrl, { authorization: `Bearer ${await hs256()}` });
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/^Unauthorized: Bearer tokens are not accepted: the operator must set AUTH_JWT_SECRET .* or AUTH_JWKS/);
    expect(Buffer.byteLength(closed.reason)).toBeLessThanOrEqual(123);
  });
});

describe('API keys configured, no JWT settings', () => {
  let gateway: SpawnedGateway;
  beforeAll(async () => {
    gateway = await spawnGateway({ AUTH_API_KEYS: `${hashApiKey('mg_test_only_open_dev')}:someone:basic` });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('tells a bearer-token caller to send its API key', async () => {
    const answer = await refusal(gateway.url, { authorization: `Bearer ${await hs256()}` });
    expect(answer.status).toBe(401);
    expect(answer.message).toMatch(/no AUTH_JWT_SECRET or AUTH_JWKS set\. Send your X-API-Key instead/);
  });
});
