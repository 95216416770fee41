import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import {
  CompanyDocument,
  FinancialsDocument,
  PriceHistoryDocument,
  QuoteDocument,
  QuotesDocument,
} from '../generated/graphql.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * What a client sees when it asks for something wrong: a coded error at the right path, the rest
 * of the answer intact, and never a server internal.
 */

let gateway: SpawnedGateway;
beforeAll(async () => {
  gateway = await spawnGateway();
});
afterAll(async () => {
  await gateway?.stop();
});

/** A request a typed document cannot express (a broken document, a badly typed variable). */
async function postRaw(body: unknown): Promise<{ status: number; text: string; json: { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> } }> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as never };
}

describe('one bad item of a list fails alone', () => {
  it('an invalid symbol inside quotes is a null entry with one BAD_USER_INPUT at its index', async () => {
    const { status, data, errors } = await execute(gateway.url, QuotesDocument, { symbols: ['AAPL', 'NOPE!', 'MSFT'] });
    expect(status).toBe(200);
    expect(data?.quotes!.map((quote) => quote?.symbol ?? null)).toEqual(['AAPL', null, 'MSFT']);
    expect(data?.quotes![0]?.price).toBeGreaterThan(0);
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['quotes', 1], extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('a valid symbol nobody lists is a null entry with NOT_FOUND naming it', async () => {
    const { data, errors } = await execute(gateway.url, QuotesDocument, { symbols: ['ZZZZ9', 'NVDA'] });
    expect(data?.quotes!.map((quote) => quote?.symbol ?? null)).toEqual([null, 'NVDA']);
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['quotes', 0], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ9' } });
  });

  it('each bad entry gets its own error', async () => {
    const { data, errors } = await execute(gateway.url, QuotesDocument, { symbols: ['bad symbol', 'SPY', 'QQQQQ9'] });
    expect(data?.quotes!.map((quote) => quote?.symbol ?? null)).toEqual([null, 'SPY', null]);
    expect(errors?.map((error) => [error.path, error.extensions?.['code']])).toEqual([
      [['quotes', 0], 'BAD_USER_INPUT'],
      [['quotes', 2], 'NOT_FOUND'],
    ]);
  });
});

describe('BAD_USER_INPUT', () => {
  it('quote(symbol: "NOPE!") is null with BAD_USER_INPUT', async () => {
    const { status, data, errors } = await execute(gateway.url, QuoteDocument, { symbol: 'NOPE!' });
    expect(status).toBe(200);
    expect(data).toEqual({ quote: null });
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['quote'], extensions: { code: 'BAD_USER_INPUT' } });
  });

  it.each([0, 41, -1])('financials(limit: %i) is refused', async (limit) => {
    const { errors } = await execute(gateway.url, FinancialsDocument, { symbol: 'AAPL', statement: 'INCOME', limit });
    expect(errors?.[0]).toMatchObject({ path: ['financials'], extensions: { code: 'BAD_USER_INPUT', min: 1, max: 40 } });
  });

  it('financials(limit: 40) is the largest accepted', async () => {
    const { errors, data } = await execute(gateway.url, FinancialsDocument, { symbol: 'AAPL', statement: 'INCOME', period: 'QUARTERLY', limit: 40 });
    expect(errors).toBeUndefined();
    expect(data?.financials!.length).toBeGreaterThan(0);
    expect(data?.financials!.length).toBeLessThanOrEqual(40);
  });

  it('priceHistory with from after to is refused', async () => {
    const { errors } = await execute(gateway.url, PriceHistoryDocument, { symbol: 'AAPL', from: '2025-02-01', to: '2025-01-31' });
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['priceHistory'], extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('more than 200 symbols are refused before execution, the limit named; 200 are answered', async () => {
    const tooMany = await execute(gateway.url, QuotesDocument, { symbols: Array.from({ length: 201 }, () => 'AAPL') });
    expect(tooMany.status).toBe(400);
    expect(tooMany.data ?? null).toBeNull();
    expect(tooMany.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', limit: 'maxSymbolsPerList', max: 200, actual: 201 } });
    const most = await execute(gateway.url, QuotesDocument, { symbols: Array.from({ length: 200 }, () => 'AAPL') });
    expect(most.errors).toBeUndefined();
    expect(most.data?.quotes).toHaveLength(200);
  });

  it('a variable of the wrong type is refused before execution', async () => {
    const { status, json } = await postRaw({ query: 'query Q($s: String!) { quote(symbol: $s) { price } }', variables: { s: 5 } });
    expect(status).toBe(400);
    expect(json.data).toBeUndefined();
    expect(json.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});

describe('NOT_FOUND', () => {
  it('company of an unknown symbol is null with NOT_FOUND naming it', async () => {
    const { data, errors } = await execute(gateway.url, CompanyDocument, { symbol: 'ZZZZ9' });
    expect(data).toEqual({ company: null });
    expect(errors?.[0]).toMatchObject({ path: ['company'], extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ9' } });
  });

  it('priceHistory and financials of an unknown symbol are NOT_FOUND', async () => {
    const [bars, statements] = await Promise.all([
      execute(gateway.url, PriceHistoryDocument, { symbol: 'ZZZZ9' }),
      execute(gateway.url, FinancialsDocument, { symbol: 'ZZZZ9', statement: 'BALANCE' }),
    ]);
    expect(bars.errors?.[0]).toMatchObject({
      message: 'No price history found for symbol "ZZZZ9".',
      path: ['priceHistory'],
      extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ9' },
    });
    expect(statements.errors?.[0]).toMatchObject({
      message: 'No financial statements found for symbol "ZZZZ9".',
      path: ['financials'],
      extensions: { code: 'NOT_FOUND', symbol: 'ZZZZ9' },
    });
  });
});

describe('malformed documents', () => {
  it('a syntax error is GRAPHQL_PARSE_FAILED with HTTP 400', async () => {
    const { status, json } = await postRaw({ query: '{ quote(symbol: "AAPL") { price }' });
    expect(status).toBe(400);
    expect(json.data).toBeUndefined();
    expect(json.errors?.map((error) => error.extensions?.['code'])).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('an unknown field is GRAPHQL_VALIDATION_FAILED', async () => {
    const { status, json } = await postRaw({ query: '{ quote(symbol: "AAPL") { price dividendYield } }' });
    expect(status).toBe(400);
    expect(json.data).toBeUndefined();
    expect(json.errors?.map((error) => error.extensions?.['code'])).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('a subscription over HTTP is a BAD_REQUEST pointing at the WebSocket endpoint', async () => {
    const { status, json } = await postRaw({ query: 'subscription { quotes(symbols: ["AAPL"]) { price } }' });
    expect(status).toBe(400);
    expect(json.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/WebSocket \(graphql-transport-ws protocol\) at \/graphql/),
        extensions: { code: 'BAD_REQUEST' },
      }),
    ]);
  });
});

describe('no internals leak', () => {
  it('no error of any kind carries a stack trace or an "Error:" from inside the server', async () => {
    const bad: unknown[] = [
      { query: '{ quote(symbol: "AAPL") { price }' },
      { query: '{ nope }' },
      { query: 'query Q($s: String!) { quote(symbol: $s) { price } }', variables: { s: [1] } },
      { query: '{ quotes(symbols: ["NOPE!", "ZZZZ9", "AAPL"]) { price } }' },
      { query: '{ priceHistory(symbol: "AAPL", from: "2025-02-01", to: "2025-01-01") { date } }' },
      { query: '{ priceHistory(symbol: "AAPL", from: "1900-01-01", to: "2025-01-01") { date } }' },
      { query: '{ priceHistory(symbol: "ZZZZ9") { date } }' },
      { query: '{ financials(symbol: "AAPL", statement: INCOME, limit: 0) { symbol } }' },
      { query: '{ search(query: "' + 'x'.repeat(65) + '") { symbol } }' },
      { query: '{ company(symbol: "ZZZZ9") { name } }' },
      { query: 42 },
      '{"query": ',
    ];
    for (const body of bad) {
      const { text, json } = await postRaw(body);
      expect(json.errors?.length, text).toBeGreaterThan(0);
      for (const error of json.errors ?? []) expect(error.extensions ?? {}).not.toHaveProperty('stacktrace');
      // graphql-js's own parse messages begin "Syntax Error: "; anything else named *Error: is an internal.
      const shown = text.replaceAll('"Syntax Error: ', '"');
      expect(shown).not.toMatch(/\w*Error: |\n\s+at |\bat [\w.<>]+ \(|node_modules|file:\/\/|\/work\//);
    }
  });
});
