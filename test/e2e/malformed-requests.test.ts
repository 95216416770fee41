import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';

/**
 * Issue 12, item 3: a malformed request is the client's mistake, answered 4xx with a code whatever
 * plugins are on. With the response cache on, a request naming no operation it could run reached
 * the cache policy without an operation, and variables nested 400,000 deep (even unused) overflowed
 * the stack of the cache key's JSON.stringify: 500s, with two stack traces logged for each.
 * Variables are now bounded (depth 32, 10,000 values) as the body is read, before anything walks them.
 */

const QUOTE = 'query Q { quote(symbol: "AAPL") { price } }';
const DEEP = 400_000;

/** `{"v":[[…]]}` with `arrays` nested arrays: depth arrays + 1 (the variables object). */
function nested(arrays: number): string {
  return `{"v":${'['.repeat(arrays)}${']'.repeat(arrays)}}`;
}

const CASES: ReadonlyArray<readonly [string, string, number, string]> = [
  ['two anonymous operations', JSON.stringify({ query: '{ quote(symbol: "AAPL") { price } } { quote(symbol: "MSFT") { price } }' }), 400, 'GRAPHQL_VALIDATION_FAILED'],
  ['two named operations and no operationName', JSON.stringify({ query: `${QUOTE} query R { quote(symbol: "MSFT") { price } }` }), 400, 'OPERATION_RESOLUTION_FAILURE'],
  ['operationName "__proto__"', JSON.stringify({ query: QUOTE, operationName: '__proto__' }), 400, 'OPERATION_RESOLUTION_FAILURE'],
  ['an unknown operationName', JSON.stringify({ query: QUOTE, operationName: 'Nope' }), 400, 'OPERATION_RESOLUTION_FAILURE'],
  [`unused variables nested ${DEEP} deep`, `{"query":${JSON.stringify(QUOTE)},"variables":${nested(DEEP)}}`, 400, 'BAD_USER_INPUT'],
  ['variables nested 33 deep', `{"query":${JSON.stringify(QUOTE)},"variables":${nested(32)}}`, 400, 'BAD_USER_INPUT'],
  ['variables of more than 10,000 values', JSON.stringify({ query: QUOTE, variables: { v: Array.from({ length: 10_000 }, () => 0) } }), 400, 'BAD_USER_INPUT'],
  ['a body that is not JSON', '{"query":', 400, 'BAD_REQUEST'],
];

describe.each([
  ['on', 'true'],
  ['off', 'false'],
])('with the response cache %s', (_label, responseCache) => {
  let gateway: SpawnedGateway;
  beforeAll(async () => {
    gateway = await spawnGateway({ RESPONSE_CACHE: responseCache, RIGHTS_DENIAL: 'request' });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it.each(CASES)('%s: 4xx with a code, nothing logged as an error', async (_name, body, status, code) => {
    const logged = gateway.logs.length;
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answer = (await response.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    expect(response.status).toBe(status);
    expect(answer.errors?.[0]?.extensions?.['code']).toBe(code);
    // The gateway's log line for the request comes right after the answer; give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gateway.logs.slice(logged).filter((line) => Number(line['level']) >= 50)).toEqual([]);
  });

  it('names the variables limit it applied', async () => {
    const deep = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"query":${JSON.stringify(QUOTE)},"variables":${nested(DEEP)}}` });
    expect(((await deep.json()) as { errors: Array<{ extensions: unknown }> }).errors[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'maxVariableDepth', max: 32 });
    const many = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUOTE, variables: { v: Array.from({ length: 10_000 }, () => 0) } }) });
    expect(((await many.json()) as { errors: Array<{ extensions: unknown }> }).errors[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'maxVariableValues', max: 10_000 });
  });

  it('bounds the variables of a GET the same way, and answers variables at the limits', async () => {
    const get = (variables: string) => fetch(`${gateway.url}?${new URLSearchParams({ query: QUOTE, variables })}`, { headers: { 'apollo-require-preflight': 'true' } });
    const deep = await get(nested(40));
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as { errors: Array<{ extensions?: Record<string, unknown> }> }).errors[0]?.extensions?.['limit']).toBe('maxVariableDepth');
    // 32 levels, and 10,000 values (the object, the list and 9,998 numbers), are allowed; unused
    // variables are ignored, as before.
    const atDepth = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"query":${JSON.stringify(QUOTE)},"variables":${nested(31)}}` });
    expect(atDepth.status).toBe(200);
    const atCount = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUOTE, variables: { v: Array.from({ length: 9_998 }, () => 0) } }),
    });
    expect(atCount.status).toBe(200);
  });
});
