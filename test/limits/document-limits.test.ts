import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { apiKeyEntry, freshSymbols, post, providerCalls } from './support.js';

/**
 * Abuse limits on a spawned gateway, applied before execution: depth, aliases, tokens, cost per
 * profile (symbols and limit multiply), symbols per list and body size. Every refusal is the
 * whole request (HTTP 400 or 413) with a code and the limit named, and costs no provider call.
 */

const PRO_KEY = 'mg_test_limits_pro_key_not_a_secret';
const pro = { 'x-api-key': PRO_KEY };
let gateway: SpawnedGateway;

beforeAll(async () => {
  gateway = await spawnGateway({
    AUTH_API_KEYS: apiKeyEntry(PRO_KEY, 'limits-pro', 'pro'),
    LIMIT_MAX_DEPTH: '4',
    LIMIT_MAX_ALIASES: '3',
    LIMIT_MAX_TOKENS: '300',
    LIMIT_COST_BUDGET: 'public=100,pro=2000',
    THROTTLE_REQUESTS_PER_MIN: 'public=100000,pro=100000',
  });
});
afterAll(async () => {
  await gateway?.stop();
});

function refusal(answer: Awaited<ReturnType<typeof post>>) {
  expect(answer.data ?? undefined).toBeUndefined();
  expect(answer.errors).toHaveLength(1);
  return answer.errors?.[0]?.extensions ?? {};
}

describe('depth', () => {
  it('refuses an operation nested deeper than LIMIT_MAX_DEPTH, naming the limit', async () => {
    const answer = await post(gateway.url, '{ quote(symbol: "AAPL") { company { quote { company { quote { price } } } } } }', undefined, pro);
    expect(answer.status).toBe(400);
    expect(refusal(answer)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxDepth', max: 4, actual: 6 });
    expect(answer.errors?.[0]?.message).toMatch(/6 fields deep; the limit is 4/);
  });

  it('follows fragments where they are spread', async () => {
    const query = 'query Deep { quote(symbol: "AAPL") { ...Q } } fragment Q on Quote { company { quote { company { name } } } }';
    const answer = await post(gateway.url, query, undefined, pro);
    expect(answer.status).toBe(400);
    expect(refusal(answer)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxDepth', actual: 5 });
    expect(answer.errors?.[0]?.message).toMatch(/^Operation Deep is nested 5/);
  });

  it('answers an operation at the limit, and does not count introspection fields', async () => {
    const atLimit = await post(gateway.url, '{ quote(symbol: "AAPL") { company { quote { price } } } }', undefined, pro);
    expect(atLimit.errors).toBeUndefined();
    expect(atLimit.data).toMatchObject({ quote: { company: { quote: { price: expect.any(Number) } } } });
    const introspection = await post(gateway.url, '{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }', undefined, pro);
    expect(introspection.errors).toBeUndefined();
    expect(introspection.status).toBe(200);
  });
});

describe('aliases', () => {
  it('refuses more aliases than LIMIT_MAX_ALIASES, counting a fragment each time it is spread', async () => {
    const direct = await post(gateway.url, '{ a: quote(symbol: "AAPL") { price } b: quote(symbol: "MSFT") { price } c: quote(symbol: "IBM") { price } d: quote(symbol: "KO") { price } }', undefined, pro);
    expect(direct.status).toBe(400);
    expect(refusal(direct)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxAliases', max: 3, actual: 4 });

    const spread = await post(
      gateway.url,
      '{ x: quote(symbol: "AAPL") { ...P } y: quote(symbol: "MSFT") { ...P } } fragment P on Quote { p: price }',
      undefined,
      pro,
    );
    expect(spread.status).toBe(400);
    expect(refusal(spread)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxAliases', actual: 4 });
  });

  it('answers an operation with as many aliases as allowed', async () => {
    const answer = await post(gateway.url, '{ a: quote(symbol: "AAPL") { price } b: quote(symbol: "MSFT") { price } c: quote(symbol: "IBM") { price } }', undefined, pro);
    expect(answer.errors).toBeUndefined();
    expect(Object.keys(answer.data ?? {})).toEqual(['a', 'b', 'c']);
  });
});

describe('tokens', () => {
  it('stops parsing a document past LIMIT_MAX_TOKENS and says so with QUERY_TOO_COMPLEX', async () => {
    const fields = Array.from({ length: 400 }, () => 'price').join(' ');
    const answer = await post(gateway.url, `{ quote(symbol: "AAPL") { ${fields} } }`, undefined, pro);
    expect(answer.status).toBe(400);
    expect(refusal(answer)).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'maxTokens', max: 300 });
    expect(answer.errors?.[0]?.message).toMatch(/more than 300 tokens/);
  });
});

describe('cost per profile', () => {
  const QUOTES = 'query Quotes($symbols: [String!]!) { quotes(symbols: $symbols) { symbol price change changePercent } }';

  it('multiplies by the length of `symbols`: 20 symbols × 5 fit the public budget of 100, 21 do not', async () => {
    const fits = await post(gateway.url, QUOTES, { symbols: freshSymbols(20, 'CF') });
    expect(fits.status).toBe(200);
    expect(fits.errors?.filter((error) => error.extensions?.['code'] !== 'NOT_FOUND') ?? []).toEqual([]);

    const over = await post(gateway.url, QUOTES, { symbols: freshSymbols(21, 'CO') });
    expect(over.status).toBe(400);
    expect(refusal(over)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'costBudget', max: 100, actual: 105 });
    expect(over.errors?.[0]?.message).toMatch(/"public" profile is 100/);
  });

  it('uses the budget of the consumer’s profile', async () => {
    const answer = await post(gateway.url, QUOTES, { symbols: freshSymbols(21, 'CP') }, pro);
    expect(answer.status).toBe(200);
    expect(answer.data?.['quotes']).toHaveLength(21);
  });

  it('multiplies by `limit`, and by its default when it is not given', async () => {
    // search: 40 × (1 + symbol + name) = 120 > 100
    const search = await post(gateway.url, '{ search(query: "a", limit: 40) { symbol name } }');
    expect(refusal(search)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'costBudget', actual: 120 });
    // default limit 10: 10 × (1 + symbol + name + company(1 + name + quote(1 + price))) = 10 × 8 = 80
    const byDefault = await post(gateway.url, '{ search(query: "a") { symbol name company { name quote { price } } } }');
    expect(byDefault.errors?.filter((error) => error.extensions?.['code'] === 'QUERY_TOO_COMPLEX') ?? []).toEqual([]);
    // nested lists multiply: 25 symbols × (1 + company(1 + financials(40 × (1 + fiscalDate)))) = 2050
    const nested = 'query N($s: [String!]!, $n: Int) { quotes(symbols: $s) { company { financials(statement: INCOME, limit: $n) { fiscalDate } } } }';
    const over = await post(gateway.url, nested, { s: freshSymbols(25, 'NL'), n: 40 }, pro);
    expect(refusal(over)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'costBudget', max: 2000, actual: 25 * (1 + 1 + 40 * 2) });
    // The same document with other variables is priced again: 25 × (1 + 1 + 4 × 2) = 250.
    const fits = await post(gateway.url, nested, { s: freshSymbols(25, 'NL'), n: 4 }, pro);
    expect(fits.errors?.filter((error) => error.extensions?.['code'] === 'QUERY_TOO_COMPLEX') ?? []).toEqual([]);
  });
});

describe('fragment bombs', () => {
  it('refuses a document whose fragments expand to more than 10,000 fields', async () => {
    const ten = (name: string) => Array.from({ length: 10 }, () => `...${name}`).join(' ');
    const query = [
      '{ quote(symbol: "AAPL") { ...A } }',
      `fragment A on Quote { ${ten('B')} }`,
      `fragment B on Quote { ${ten('C')} }`,
      `fragment C on Quote { ${ten('D')} }`,
      `fragment D on Quote { ${ten('E')} }`,
      'fragment E on Quote { price }',
    ].join(' ');
    const answer = await post(gateway.url, query, undefined, pro);
    expect(answer.status).toBe(400);
    expect(refusal(answer)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxQueryNodes', max: 10_000 });
  });
});

describe('symbols per list', () => {
  it('refuses more than 200 symbols in one list with BAD_USER_INPUT before anything runs', async () => {
    const answer = await post(gateway.url, 'query Q($s: [String!]!) { quotes(symbols: $s) { symbol } }', { s: freshSymbols(201, 'SL') }, pro);
    expect(answer.status).toBe(400);
    expect(refusal(answer)).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'maxSymbolsPerList', max: 200, actual: 201 });
  });
});

describe('body size', () => {
  it('answers a body over 1 MB with 413 and the limit named', async () => {
    const padding = 'x'.repeat(1024 * 1024);
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { padding } }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'maxBodyBytes', max: 1024 * 1024 });
  });
});

describe('refusals cost nothing upstream', () => {
  it('makes no provider call for any refused operation', async () => {
    const before = await providerCalls(gateway.origin);
    const refused = await Promise.all([
      post(gateway.url, 'query Q($s: [String!]!) { quotes(symbols: $s) { symbol price change changePercent company { name } } }', { s: freshSymbols(30, 'NR') }),
      post(gateway.url, '{ quote(symbol: "NRDEPTH") { company { quote { company { quote { price } } } } } }', undefined, pro),
      post(gateway.url, '{ a: quote(symbol: "NRA1") { price } b: quote(symbol: "NRA2") { price } c: quote(symbol: "NRA3") { price } d: quote(symbol: "NRA4") { price } }', undefined, pro),
    ]);
    expect(refused.map((answer) => answer.status)).toEqual([400, 400, 400]);
    expect(await providerCalls(gateway.origin)).toBe(before);
    // The same counter does move for an operation that runs.
    await post(gateway.url, '{ quote(symbol: "NRRUNS") { price } }', undefined, pro);
    expect(await providerCalls(gateway.origin)).toBeGreaterThan(before);
  });
});
