import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/index.js';
import { hs256, SECRET } from '../auth/support.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';

/**
 * Issue 12, item 8: a client dropping its connection mid-body is the client's doing, not an error
 * of the gateway's; and a request with two Authorization (or X-API-Key) headers carries two
 * credentials, refused as `malformed` like an Authorization with an X-API-Key. node:http keeps
 * only the first Authorization in `request.headers`, so the second was silently ignored.
 */

const API_KEY = 'mg_test_only_hardening_key';
const OTHER_KEY = 'mg_test_only_hardening_other_key';
const QUERY = JSON.stringify({ query: '{ quote(symbol: "AAPL") { symbol } }' });
let gateway: SpawnedGateway;

beforeAll(async () => {
  gateway = await spawnGateway({ AUTH_JWT_SECRET: SECRET, AUTH_API_KEYS: `${hashApiKey(API_KEY)}:acme:pro,${hashApiKey(OTHER_KEY)}:other:basic` });
});
afterAll(async () => {
  await gateway?.stop();
});

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: { errors?: Array<{ extensions?: Record<string, unknown> }>; data?: unknown };
}

/** A POST with headers sent exactly as given: an array value is that header sent once per item. */
function postRaw(headers: Record<string, string | string[]>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(QUERY), ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) as RawAnswer['body'] }));
    });
    outgoing.on('error', reject);
    outgoing.end(QUERY);
  });
}

describe('two credentials of one kind', () => {
  it('answers one Authorization header, and one X-API-Key, as before', async () => {
    expect((await postRaw({ authorization: `Bearer ${await hs256()}` })).status).toBe(200);
    expect((await postRaw({ 'x-api-key': API_KEY })).status).toBe(200);
  });

  it.each([
    ['two Authorization headers, the first valid', async () => ({ authorization: [`Bearer ${await hs256()}`, 'Bearer not-a-token'] })],
    ['two Authorization headers, both valid', async () => ({ authorization: [`Bearer ${await hs256({ sub: 'alice' })}`, `Bearer ${await hs256({ sub: 'bob', profile: 'admin' })}`] })],
    ['two X-API-Key headers, both valid', async () => ({ 'x-api-key': [API_KEY, OTHER_KEY] })],
  ])('refuses %s: 401 UNAUTHENTICATED, reason malformed', async (_name, headers) => {
    const answer = await postRaw(await headers());
    expect(answer.status).toBe(401);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'malformed' });
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer realm="marketgraph", error="invalid_token", error_description="Send one (Authorization|X-API-Key) header; the request has 2\."$/);
  });
});

describe('a client that goes away mid-body', () => {
  it('is logged at info, not as an error, and the gateway carries on', async () => {
    const logged = gateway.logs.length;
    const socket = connect(gateway.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    // A body announced as 1,000 bytes, of which 9 arrive before the client hangs up.
    socket.write(`POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${gateway.port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query":`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();
    await expect.poll(() => gateway.logs.slice(logged).find((line) => line['msg'] === 'client went away before its request body was complete'), { timeout: 3_000 }).toMatchObject({ level: 30, url: '/graphql' });
    expect(gateway.logs.slice(logged).filter((line) => Number(line['level']) >= 50)).toEqual([]);
    expect((await postRaw({ 'x-api-key': API_KEY })).status).toBe(200);
  });
});
