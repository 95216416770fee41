import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { post, providerCalls } from '../limits/support.js';

/**
 * `search(query:)` over HTTP against a spawned gateway: text that asks nothing (blank) or is too
 * long for any ticker or name is the client's mistake, said before any provider is asked.
 */

let gateway: SpawnedGateway;
beforeAll(async () => {
  gateway = await spawnGateway();
});
afterAll(async () => {
  await gateway?.stop();
});

const search = (query: string) => post(gateway.url, 'query Search($query: String!) { search(query: $query) { symbol } }', { query });

describe('search(query:) input', () => {
  it('refuses empty and whitespace-only text with BAD_USER_INPUT, and asks no provider', async () => {
    const before = await providerCalls(gateway.origin);
    for (const query of ['', '   ', '\t \n']) {
      const answer = await search(query);
      expect(answer.data).toEqual({ search: null });
      expect(answer.errors).toEqual([
        expect.objectContaining({ message: expect.stringMatching(/must not be empty/), extensions: { code: 'BAD_USER_INPUT', field: 'query' } }),
      ]);
    }
    // Written inline too, not only as a variable.
    const inline = await post(gateway.url, '{ search(query: "") { symbol } }');
    expect(inline.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(await providerCalls(gateway.origin)).toBe(before);
    // …while a real search is counted, so the count above could have moved.
    await search('apple');
    expect(await providerCalls(gateway.origin)).toBeGreaterThan(before);
  });

  it('takes up to 64 characters and refuses more the same way', async () => {
    expect((await search('é'.repeat(64))).errors).toBeUndefined();
    const tooLong = await search('x'.repeat(65));
    expect(tooLong.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'query', maxLength: 64 });
  });

  it('answers "S&P" with the names that say S&P', async () => {
    const answer = await search('S&P');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ search: [{ symbol: 'SPY' }, { symbol: 'SPGI' }] });
  });
});
