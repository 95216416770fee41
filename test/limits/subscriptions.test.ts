import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { apiKeyEntry, freshSymbols } from './support.js';

/**
 * graphql-ws subscriptions meet the same limits as HTTP operations, before any feed starts: depth,
 * tokens, symbols per list, cost, and the consumer's requests per minute (each subscribe is one).
 */

const KEY = 'mg_test_ws_limits_pro_not_a_secret';
let gateway: SpawnedGateway;
let client: Client;

beforeAll(async () => {
  gateway = await spawnGateway({
    AUTH_API_KEYS: apiKeyEntry(KEY, 'ws-pro', 'pro'),
    LIMIT_MAX_DEPTH: '3',
    LIMIT_MAX_TOKENS: '200',
    THROTTLE_REQUESTS_PER_MIN: 'pro=2',
    SIM_TICK_MS: '50',
  });
  client = createClient({ url: gateway.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { 'x-api-key': KEY } });
});
afterAll(async () => {
  await client?.dispose();
  await gateway?.stop();
});

type WireError = { readonly message: string; readonly extensions?: Record<string, unknown> };

/** Subscribes and answers how it ended: the first quote, or the errors it was refused with. */
function firstOutcome(query: string, variables: Record<string, unknown> = {}): Promise<{ quote?: unknown; errors?: WireError[] }> {
  return new Promise((resolve) => {
    let stop: () => void = () => undefined;
    stop = client.subscribe<{ quotes: unknown }>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) resolve({ errors: result.errors as WireError[] });
          else resolve({ quote: result.data?.quotes });
          stop();
        },
        error: (error) => resolve({ errors: Array.isArray(error) ? (error as WireError[]) : [{ message: String(error) }] }),
        complete: () => undefined,
      },
    );
  });
}

const LIVE = 'subscription Live($symbols: [String!]!) { quotes(symbols: $symbols) { symbol price } }';

describe('limits on subscribe', () => {
  it('refuses a document nested too deep, too many tokens or too many symbols, before anything runs', async () => {
    const deep = await firstOutcome('subscription { quotes(symbols: ["AAPL"]) { company { quote { price } } } }');
    expect(deep.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxDepth', max: 3, actual: 4 });

    const long = await firstOutcome(`subscription { quotes(symbols: ["AAPL"]) { ${Array.from({ length: 250 }, () => 'price').join(' ')} } }`);
    expect(long.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'maxTokens', max: 200 });

    const many = await firstOutcome(LIVE, { symbols: freshSymbols(201, 'WS') });
    expect(many.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'maxSymbolsPerList', max: 200, actual: 201 });
  });

  it('counts each subscribe against the consumer’s requests per minute', async () => {
    for (let subscribe = 0; subscribe < 2; subscribe++) {
      const outcome = await firstOutcome(LIVE, { symbols: ['AAPL'] });
      expect(outcome.errors).toBeUndefined();
      expect(outcome.quote).toMatchObject({ symbol: 'AAPL' });
    }
    const refused = await firstOutcome(LIVE, { symbols: ['AAPL'] });
    const extensions = refused.errors?.[0]?.extensions ?? {};
    expect(extensions).toMatchObject({ code: 'RATE_LIMITED', budget: 'requests', limit: 2 });
    expect(extensions['retryAfter']).toBeGreaterThanOrEqual(1);
    // HTTP's status and headers stay on the HTTP side.
    expect(extensions).not.toHaveProperty('http');
  });
});
