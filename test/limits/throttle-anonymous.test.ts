import { request } from 'node:http';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { apiKeyEntry } from './support.js';

/**
 * Callers without credentials all have the consumer id `anonymous`; their budgets are counted per
 * client address, so one busy anonymous client is refused while the others keep theirs. Clients
 * are told apart by real source addresses on loopback (127.0.0.2, 127.0.0.3: Linux answers the
 * whole 127/8), and X-Forwarded-For counts only behind as many proxies as TRUST_PROXY_HOPS names.
 */

const COMPANY = '{ company(symbol: "AAPL") { symbol } }';
// A configured key puts the gateway out of open development mode: anonymous callers are `public`.
const SOME_KEY = apiKeyEntry('mg_test_throttle_anonymous_not_a_secret', 'someone', 'pro');
let direct: SpawnedGateway;
let proxied: SpawnedGateway;

beforeAll(async () => {
  [direct, proxied] = await Promise.all([
    spawnGateway({ AUTH_API_KEYS: SOME_KEY, THROTTLE_REQUESTS_PER_MIN: 'public=2' }),
    spawnGateway({ AUTH_API_KEYS: SOME_KEY, THROTTLE_REQUESTS_PER_MIN: 'public=2', TRUST_PROXY_HOPS: '1' }),
  ]);
});
afterAll(async () => {
  await Promise.all([direct?.stop(), proxied?.stop()]);
});

/** One anonymous POST from `localAddress`; the HTTP status. */
function postFrom(url: string, localAddress: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: COMPANY });
    const outgoing = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function statuses(count: number, send: () => Promise<number>): Promise<number[]> {
  const seen: number[] = [];
  for (let index = 0; index < count; index++) seen.push(await send());
  return seen;
}

describe('anonymous budgets', () => {
  it('are counted per client address: one client spending its budget leaves another its own', async () => {
    expect(await statuses(3, () => postFrom(direct.url, '127.0.0.2'))).toEqual([200, 200, 429]);
    expect(await statuses(3, () => postFrom(direct.url, '127.0.0.3'))).toEqual([200, 200, 429]);
  });

  it('ignore X-Forwarded-For unless a proxy is trusted, so a client cannot mint fresh budgets', async () => {
    const spoofed = (index: number) => ({ 'x-forwarded-for': `198.51.100.${index}` });
    let index = 0;
    expect(await statuses(3, () => postFrom(direct.url, '127.0.0.4', spoofed(index++)))).toEqual([200, 200, 429]);
  });

  it('follow the address a trusted proxy forwarded, and only the one it appended', async () => {
    // The proxy on 127.0.0.5 fronts two clients; what a client wrote before the proxy's entry is ignored.
    const client = (address: string, claim: string) => ({ 'x-forwarded-for': `${claim}, ${address}` });
    expect(await statuses(3, () => postFrom(proxied.url, '127.0.0.5', client('203.0.113.10', `192.0.2.${Math.random()}`)))).toEqual([200, 200, 429]);
    expect(await statuses(2, () => postFrom(proxied.url, '127.0.0.5', client('203.0.113.11', '192.0.2.1')))).toEqual([200, 200]);
  });

  it('apply to graphql-ws subscribers by the address of their connection', async () => {
    // 127.0.0.6 spends its two requests over HTTP; its subscription is then refused, another address's is not.
    expect(await statuses(2, () => postFrom(direct.url, '127.0.0.6'))).toEqual([200, 200]);
    const subscribeFrom = (localAddress: string) =>
      new Promise<string>((resolve) => {
        class FromAddress extends WebSocket {
          constructor(address: string | URL, protocols?: string | string[]) {
            super(address, protocols, { localAddress });
          }
        }
        const client = createClient({ url: direct.wsUrl, webSocketImpl: FromAddress, retryAttempts: 0, lazy: true });
        const stop = client.subscribe(
          { query: 'subscription { quotes(symbols: ["AAPL"]) { symbol } }' },
          {
            next: (result) => {
              const code = result.errors?.[0]?.extensions?.['code'];
              stop();
              void client.dispose();
              resolve(typeof code === 'string' ? code : 'next');
            },
            error: (error) => {
              void client.dispose();
              const code = Array.isArray(error) ? (error[0] as { extensions?: { code?: string } }).extensions?.code : undefined;
              resolve(code ?? 'error');
            },
            complete: () => resolve('complete'),
          },
        );
      });
    expect(await subscribeFrom('127.0.0.6')).toBe('RATE_LIMITED');
    // The public profile lacks STREAMING: the subscription is admitted by the throttle, then its field is FORBIDDEN.
    expect(await subscribeFrom('127.0.0.7')).toBe('FORBIDDEN');
  });
});
