import { readFile } from 'node:fs/promises';
import { buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';

/**
 * The gateway users run (the bundle `npm start` runs) serves exactly the committed schema.graphql,
 * which clients generate their types from. Bundling may rename a class that shares its name with
 * another module's, and type-graphql names GraphQL types after classes: a renamed `Quote2` would
 * break every client, and only a running gateway shows it.
 */

let gateway: SpawnedGateway;
beforeAll(async () => {
  gateway = await spawnGateway();
});
afterAll(async () => {
  await gateway?.stop();
});

const printed = (sdl: ReturnType<typeof buildSchema>): string => printSchema(lexicographicSortSchema(sdl));

describe('the schema a running gateway serves', () => {
  it('is schema.graphql, type for type and description for description', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true }) }),
    });
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: IntrospectionQuery };
    const committed = await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(printed(buildClientSchema(data))).toBe(printed(buildSchema(committed)));
  });
});
