import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { apiKeyEntry, post } from './support.js';

/**
 * Operators see every refusal on /metrics as graphql_refusals_total{code,cause}, over HTTP and
 * graphql-ws, whatever refused it: an abuse limit, a spent budget, credentials, a right. Errors
 * that are not refusals (a bad symbol) are not counted.
 */

const KEYS = { basic: 'mg_test_refusals_basic_not_a_secret' };
let gateway: SpawnedGateway;

beforeAll(async () => {
  gateway = await spawnGateway({
    AUTH_API_KEYS: apiKeyEntry(KEYS.basic, 'refused-co', 'basic'),
    INTROSPECTION: 'false',
    LIMIT_MAX_DEPTH: '3',
    LIMIT_MAX_BODY_BYTES: '2048',
    LIMIT_COST_BUDGET: 'public=50',
    THROTTLE_REQUESTS_PER_MIN: 'basic=2',
  });
});
afterAll(async () => {
  await gateway?.stop();
});

/** graphql_refusals_total by `code/cause`, as /metrics shows it. */
async function refusals(): Promise<Record<string, number>> {
  const text = await (await fetch(`${gateway.origin}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^graphql_refusals_total\{code="([^"]+)",cause="([^"]+)"\} (\d+)$/gm)) {
    counts[`${match[1]}/${match[2]}`] = Number(match[3]);
  }
  return counts;
}

describe('graphql_refusals_total', () => {
  it('counts each refusal by code and cause, and nothing else', async () => {
    const symbols = Array.from({ length: 30 }, (_, index) => `S${index}`);
    const statuses = [
      (await post(gateway.url, '{ company(symbol: "AAPL") { symbol } priceHistory(symbol: "AAPL") { close } }')).status, // FORBIDDEN, public lacks HISTORY
      (await post(gateway.url, '{ search(query: "app") { company { financials { revenue } } } }')).status, // depth 4
      (await post(gateway.url, 'query Q($s: [String!]!) { quotes(symbols: $s) { symbol price } }', { s: symbols })).status, // cost 90 > 50
      (await post(gateway.url, '{ __schema { queryType { name } } }')).status,
      (await post(gateway.url, `{ quote(symbol: "AAPL") { symbol } } # ${'x'.repeat(3000)}`)).status, // body over 2048 bytes
      (await post(gateway.url, '{ quote(symbol: "AAPL") { symbol } }', undefined, { authorization: 'Bearer not.a.jwt' })).status,
      (await post(gateway.url, '{ quote(symbol: "NOT A SYMBOL") { symbol } }')).status, // a bad symbol: an error, not a refusal
    ];
    for (let request = 0; request < 3; request++) statuses.push((await post(gateway.url, '{ company(symbol: "AAPL") { symbol } }', undefined, { 'x-api-key': KEYS.basic })).status);
    expect(statuses).toEqual([200, 400, 400, 400, 413, 401, 200, 200, 200, 429]);

    const closed = await new Promise<number>((resolve) => {
      const client = createClient({
        url: gateway.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        connectionParams: { 'x-api-key': 'mg_not_a_configured_key' },
        on: { closed: (event) => resolve((event as { code: number }).code) },
      });
      client.on('closed', () => void client.dispose());
    });
    expect(closed).toBe(4401);

    const counts = await refusals();
    expect(counts).toMatchObject({
      'FORBIDDEN/HISTORY': 1,
      'QUERY_TOO_COMPLEX/maxDepth': 1,
      'QUERY_TOO_COMPLEX/costBudget': 1,
      'GRAPHQL_VALIDATION_FAILED/introspection': 1,
      'BAD_USER_INPUT/maxBodyBytes': 1,
      'RATE_LIMITED/requests': 1,
    });
    const unauthenticated = Object.entries(counts).filter(([key]) => key.startsWith('UNAUTHENTICATED/'));
    expect(unauthenticated.reduce((sum, [, count]) => sum + count, 0)).toBe(2);
    expect(Object.keys(counts).some((key) => key.startsWith('BAD_USER_INPUT/') && key !== 'BAD_USER_INPUT/maxBodyBytes')).toBe(false);
  });
});
