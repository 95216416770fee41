import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { apiKeyEntry, post } from './support.js';

/**
 * graphql-js suggests schema names in its messages ("Did you mean "price"?"). Where introspection
 * is off for a consumer (production, profiles outside INTROSPECTION_PROFILES), so are the
 * suggestions, over HTTP and graphql-ws alike; who may introspect still gets them.
 */

const KEYS = { admin: 'mg_test_suggest_admin_not_a_secret', pro: 'mg_test_suggest_pro_not_a_secret' };
const MISSPELT_FIELD = '{ quote(symbol: "AAPL") { pric } }';
const MISSPELT_ARGUMENT = '{ priceHistory(symbol: "AAPL", intervall: DAY) { date } }';
const MISSPELT_ENUM_VARIABLE = 'query H($interval: Interval) { priceHistory(symbol: "AAPL", interval: $interval) { date } }';
const MISSPELT_SUBSCRIPTION = 'subscription { quotes(symbols: ["AAPL"]) { pric } }';

let production: SpawnedGateway;
let development: SpawnedGateway;
beforeAll(async () => {
  [production, development] = await Promise.all([
    spawnGateway({ NODE_ENV: 'production', AUTH_API_KEYS: [apiKeyEntry(KEYS.admin, 'ops', 'admin'), apiKeyEntry(KEYS.pro, 'smallco', 'pro')].join(',') }),
    spawnGateway(),
  ]);
});
afterAll(async () => {
  await Promise.all([production?.stop(), development?.stop()]);
});

const as = (key?: string): Record<string, string> => (key ? { 'x-api-key': key } : {});

async function messages(url: string, query: string, variables?: Record<string, unknown>, key?: string): Promise<string[]> {
  const answer = await post(url, query, variables, as(key));
  expect(answer.errors?.length).toBeGreaterThan(0);
  return (answer.errors ?? []).map((error) => error.message);
}

/** The error messages graphql-ws delivers for one operation. */
function overWebSocket(url: string, query: string, key?: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, ...(key ? { connectionParams: { 'x-api-key': key } } : {}) });
    client.subscribe(
      { query },
      {
        next: () => reject(new Error('the misspelt operation was answered')),
        error: (error) => {
          void client.dispose();
          if (Array.isArray(error)) resolve(error.map((item) => String((item as { message?: unknown }).message)));
          else reject(error instanceof Error ? error : new Error(String(error)));
        },
        complete: () => void client.dispose(),
      },
    );
  });
}

describe('field suggestions in production, over HTTP', () => {
  it('tells callers who may not introspect what is wrong, not what is there', async () => {
    for (const key of [undefined, KEYS.pro]) {
      const [message] = await messages(production.url, MISSPELT_FIELD, undefined, key);
      expect(message).toBe('Cannot query field "pric" on type "Quote".');

      const argument = await messages(production.url, MISSPELT_ARGUMENT, undefined, key);
      expect(argument).toContain('Unknown argument "intervall" on field "Query.priceHistory".');
      expect(argument.join('\n')).not.toMatch(/Did you mean/);

      const [enumValue] = await messages(production.url, MISSPELT_ENUM_VARIABLE, { interval: 'DAYY' }, key);
      expect(enumValue).toMatch(/^Variable "\$interval" got invalid value "DAYY"; Value "DAYY" does not exist in "Interval" enum\.$/);
    }
  });

  it('keeps the suggestions for a profile that may introspect', async () => {
    expect(await messages(production.url, MISSPELT_FIELD, undefined, KEYS.admin)).toEqual(['Cannot query field "pric" on type "Quote". Did you mean "price"?']);
    expect(await messages(production.url, MISSPELT_ARGUMENT, undefined, KEYS.admin)).toContain(
      'Unknown argument "intervall" on field "Query.priceHistory". Did you mean "interval"?',
    );
    const [enumValue] = await messages(production.url, MISSPELT_ENUM_VARIABLE, { interval: 'DAYY' }, KEYS.admin);
    expect(enumValue).toMatch(/Did you mean the enum value "DAY"\?$/);
  });
});

describe('field suggestions in production, over graphql-ws', () => {
  it('leaves them out for callers who may not introspect', async () => {
    for (const key of [undefined, KEYS.pro]) {
      expect(await overWebSocket(production.wsUrl, MISSPELT_SUBSCRIPTION, key)).toEqual(['Cannot query field "pric" on type "Quote".']);
      expect(await overWebSocket(production.wsUrl, MISSPELT_FIELD, key)).toEqual(['Cannot query field "pric" on type "Quote".']);
    }
  });

  it('keeps them for a profile that may introspect', async () => {
    expect(await overWebSocket(production.wsUrl, MISSPELT_SUBSCRIPTION, KEYS.admin)).toEqual(['Cannot query field "pric" on type "Quote". Did you mean "price"?']);
  });
});

describe('field suggestions in development', () => {
  it('are there for everyone, as introspection is', async () => {
    expect(await messages(development.url, MISSPELT_FIELD)).toEqual(['Cannot query field "pric" on type "Quote". Did you mean "price"?']);
    expect(await overWebSocket(development.wsUrl, MISSPELT_FIELD)).toEqual(['Cannot query field "pric" on type "Quote". Did you mean "price"?']);
  });
});
