import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';

/**
 * Issue 12, item 4: with RIGHTS_DENIAL=request the operation walk read @skip/@include from the raw
 * request variables, so `$show: Boolean = true` left out of the request was no boolean at all and
 * the walk failed (500). It now reads them coerced, as execution does: defaults apply, and
 * variables that do not coerce are refused by execution (400), not by the walk.
 */

let gateway: SpawnedGateway;
beforeAll(async () => {
  // Callers without credentials get the public profile: delayed quotes, no history (HISTORY).
  gateway = await spawnGateway({ RIGHTS_DENIAL: 'request', AUTH_ANONYMOUS_PROFILE: 'public', RESPONSE_CACHE: 'false' });
});
afterAll(async () => {
  await gateway?.stop();
});

interface Answer {
  readonly status: number;
  readonly data?: Record<string, unknown> | null;
  readonly errors?: ReadonlyArray<{ readonly message: string; readonly extensions?: Record<string, unknown> }>;
}

async function post(query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

const quote = (fallback: boolean) => `query Q($show: Boolean = ${fallback}) { quote(symbol: "AAPL") @include(if: $show) { price } }`;
const history = (fallback: boolean) => `query H($show: Boolean = ${fallback}) { priceHistory(symbol: "AAPL") @include(if: $show) { close } }`;

describe('RIGHTS_DENIAL=request reads @include/@skip as execution does', () => {
  it('answers the issue\'s query without variables: the default (true) includes the quote', async () => {
    const answer = await post(quote(true));
    expect(answer.errors).toBeUndefined();
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({ quote: { price: expect.any(Number) } });
  });

  it.each([
    ['default true, no variables', quote(true), undefined, true],
    ['default true, show: false', quote(true), { show: false }, false],
    ['default false, no variables', quote(false), undefined, false],
    ['default false, show: true', quote(false), { show: true }, true],
  ])('an allowed field, %s', async (_name, query, variables, shown) => {
    const answer = await post(query, variables);
    expect(answer.status).toBe(200);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual(shown ? { quote: { price: expect.any(Number) } } : {});
  });

  it.each([
    ['default true, no variables', history(true), undefined, true],
    ['default true, show: false', history(true), { show: false }, false],
    ['default false, no variables', history(false), undefined, false],
    ['default false, show: true', history(false), { show: true }, true],
  ])('a denied field is refused exactly when it is included: %s', async (_name, query, variables, refused) => {
    const answer = await post(query, variables);
    if (refused) {
      expect(answer.status).toBe(403);
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', right: 'HISTORY', denied: [{ path: 'priceHistory', right: 'HISTORY' }] });
    } else {
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({});
    }
  });

  it('leaves variables that do not coerce to execution: 400 BAD_USER_INPUT, not a 500', async () => {
    const answer = await post(quote(true), { show: 'yes' });
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(gateway.logs.filter((line) => Number(line['level']) >= 50)).toEqual([]);
  });
});
