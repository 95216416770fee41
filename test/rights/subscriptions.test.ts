import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { apiKeyEntry } from '../support/api-keys.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { sample } from './support.js';

/**
 * Rights inside live quotes: a `streamer` profile may subscribe (STREAMING) but not read
 * statements. In field mode each event answers `company.financials` null with FORBIDDEN and the
 * rest of the quote; with RIGHTS_DENIAL=request the subscription is refused on subscribe and no
 * upstream feed starts.
 */

const KEY = 'test-rights-key-streamer-0001';
const env = {
  PROVIDERS: 'simulated',
  SIM_TICK_MS: '50',
  AUTH_PROFILES: JSON.stringify({ streamer: ['STREAMING', 'QUOTES_REALTIME', 'COMPANY'] }),
  AUTH_API_KEYS: apiKeyEntry(KEY, 'ticker-fan', 'streamer'),
};
const QUERY = 'subscription Nested($symbols: [String!]!) { quotes(symbols: $symbols) { symbol price company { name financials(statement: INCOME) { symbol } } } }';

const gateways: SpawnedGateway[] = [];
const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await Promise.all(gateways.map((gateway) => gateway.stop()));
});

async function start(extra: Record<string, string> = {}): Promise<SpawnedGateway> {
  const gateway = await spawnGateway({ ...env, ...extra });
  gateways.push(gateway);
  return gateway;
}

function subscribe(gateway: SpawnedGateway): Promise<FormattedExecutionResult<Record<string, unknown>, unknown>> {
  const client = createClient({ url: gateway.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { 'x-api-key': KEY } });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.subscribe<Record<string, unknown>>({ query: QUERY, variables: { symbols: ['NVDA'] } }, { next: resolve, error: reject, complete: () => undefined });
  });
}

async function feeds(gateway: SpawnedGateway): Promise<number> {
  return sample(await (await fetch(`${gateway.origin}/metrics`)).text(), 'stream_upstream_feeds');
}

describe('a denied field inside a subscription', () => {
  it('is null with FORBIDDEN in each event, the rest of the quote intact', async () => {
    const gateway = await start();
    const first = await subscribe(gateway);
    expect(first.data).toMatchObject({ quotes: { symbol: 'NVDA', company: { name: expect.any(String), financials: null } } });
    expect(first.errors?.map((error) => [error.path?.join('.'), error.extensions?.['code'], error.extensions?.['right']])).toEqual([
      ['quotes.company.financials', 'FORBIDDEN', 'FUNDAMENTALS'],
    ]);
    // The company was read, the statements never asked for.
    const metrics = await (await fetch(`${gateway.origin}/metrics`)).text();
    expect(sample(metrics, 'provider_requests_total', { capability: 'profile' })).toBeGreaterThan(0);
    expect(sample(metrics, 'provider_requests_total', { capability: 'statements' })).toBe(0);
  });

  it('refuses the subscription on subscribe with RIGHTS_DENIAL=request, and starts no feed', async () => {
    const gateway = await start({ RIGHTS_DENIAL: 'request' });
    const refusal = await subscribe(gateway);
    expect(refusal.data ?? null).toBeNull();
    expect(refusal.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', right: 'FUNDAMENTALS', denied: [{ path: 'quotes.company.financials', right: 'FUNDAMENTALS' }] });
    expect(await feeds(gateway)).toBe(0);
  });
});
