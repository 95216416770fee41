import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { apiKeyEntry, post } from './support.js';

/**
 * In production introspection is off, except for the profiles INTROSPECTION_PROFILES names
 * (default: admin). Refused introspection keeps the code Apollo gives it (GRAPHQL_VALIDATION_FAILED).
 */

const KEYS = { admin: 'mg_test_introspect_admin_not_a_secret', enterprise: 'mg_test_introspect_ent_not_a_secret', pro: 'mg_test_introspect_pro_not_a_secret' };
const QUERY = '{ __schema { queryType { name } } }';
let byDefault: SpawnedGateway;
let widened: SpawnedGateway;

beforeAll(async () => {
  const auth = {
    NODE_ENV: 'production',
    AUTH_API_KEYS: [apiKeyEntry(KEYS.admin, 'ops', 'admin'), apiKeyEntry(KEYS.enterprise, 'bigco', 'enterprise'), apiKeyEntry(KEYS.pro, 'smallco', 'pro')].join(','),
  };
  [byDefault, widened] = await Promise.all([spawnGateway(auth), spawnGateway({ ...auth, INTROSPECTION_PROFILES: 'admin,enterprise' })]);
});
afterAll(async () => {
  await Promise.all([byDefault?.stop(), widened?.stop()]);
});

const as = (key: string) => ({ 'x-api-key': key });

describe('introspection per profile in production', () => {
  it('answers the admin profile and refuses everyone else by default', async () => {
    const admin = await post(byDefault.url, QUERY, undefined, as(KEYS.admin));
    expect(admin.status).toBe(200);
    expect(admin.data).toEqual({ __schema: { queryType: { name: 'Query' } } });

    for (const headers of [{}, as(KEYS.enterprise), as(KEYS.pro)]) {
      const refused = await post(byDefault.url, '{ __type(name: "Quote") { name } }', undefined, headers);
      expect(refused.status).toBe(400);
      expect(refused.data ?? undefined).toBeUndefined();
      expect(refused.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(refused.errors?.[0]?.message).toMatch(/introspection .* is not allowed for/);
    }
  });

  it('opens it to the profiles INTROSPECTION_PROFILES names, and only those', async () => {
    expect((await post(widened.url, QUERY, undefined, as(KEYS.enterprise))).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await post(widened.url, QUERY, undefined, as(KEYS.pro))).status).toBe(400);
    expect((await post(widened.url, QUERY)).status).toBe(400);
  });

  it('decides the same per profile over graphql-ws', async () => {
    const introspect = (key?: string) =>
      new Promise<unknown>((resolve) => {
        const client = createClient({ url: byDefault.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, ...(key ? { connectionParams: { 'x-api-key': key } } : {}) });
        client.subscribe(
          { query: QUERY },
          {
            next: (result) => resolve(result.data),
            error: (error) => resolve((Array.isArray(error) ? (error[0] as { extensions?: { code?: string } }) : undefined)?.extensions?.code ?? 'error'),
            complete: () => void client.dispose(),
          },
        );
      });
    expect(await introspect(KEYS.admin)).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect(await introspect(KEYS.pro)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await introspect()).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('leaves __typename alone', async () => {
    const answer = await post(byDefault.url, '{ __typename }');
    expect(answer).toMatchObject({ status: 200, data: { __typename: 'Query' } });
  });
});
