import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { QuoteDocument } from '../generated/graphql.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * NODE_ENV=production serves the gateway's endpoint page instead of Apollo Sandbox and turns
 * introspection off by default; INTROSPECTION=true turns introspection back on. Queries answer the
 * same either way.
 */

let production: SpawnedGateway;
let introspectable: SpawnedGateway;
beforeAll(async () => {
  const started = await Promise.allSettled([
    spawnGateway({ NODE_ENV: 'production' }),
    spawnGateway({ NODE_ENV: 'production', INTROSPECTION: 'true' }),
  ]);
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    // Leave no orphan behind when only one of the two came up.
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
    throw failure.reason;
  }
  [production, introspectable] = started.map((result) => (result as PromiseFulfilledResult<SpawnedGateway>).value) as [SpawnedGateway, SpawnedGateway];
});
afterAll(async () => {
  await Promise.all([production?.stop(), introspectable?.stop()]);
});

const INTROSPECTION_QUERY = '{ __schema { queryType { name } } }';

async function post(url: string, query: string): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as never };
}

describe('NODE_ENV=production', () => {
  it('serves a browser the endpoint page, not Apollo Sandbox (test/e2e/browser-pages.test.ts has the rest)', async () => {
    const response = await fetch(production.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('marketgraph GraphQL endpoint');
    expect(html).not.toMatch(/embeddable-sandbox|apollographql/i);
  });

  it('rejects introspection with GRAPHQL_VALIDATION_FAILED', async () => {
    for (const query of [INTROSPECTION_QUERY, '{ __type(name: "Quote") { name } }']) {
      const { status, body } = await post(production.url, query);
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(body.errors?.[0]?.message).toMatch(/introspection/i);
    }
  });

  it('still answers ordinary queries, __typename included', async () => {
    const { data, errors } = await execute(production.url, QuoteDocument, { symbol: 'AAPL' });
    expect(errors).toBeUndefined();
    expect(data?.quote).toMatchObject({ symbol: 'AAPL', source: 'simulated' });
    expect((await post(production.url, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('NODE_ENV=production with INTROSPECTION=true', () => {
  it('answers introspection', async () => {
    const { status, body } = await post(introspectable.url, INTROSPECTION_QUERY);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('still serves no Sandbox and no console (SANDBOX is a separate switch)', async () => {
    const response = await fetch(introspectable.url, { headers: { accept: 'text/html' } });
    expect(await response.text()).not.toMatch(/embeddable-sandbox|href="\/console"/);
    expect((await fetch(`${introspectable.origin}/console`)).status).toBe(404);
  });
});
