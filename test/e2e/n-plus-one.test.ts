import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { SearchDocument, SearchWithQuotesDocument } from '../generated/graphql.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * The N+1 proof, counted where it costs: at the provider adapter. `search { company { quote } }`
 * over ~40 matches resolves ~40 companies and ~40 quotes; DataLoader must turn them into ONE
 * batched profile call and ONE batched quote call, as `provider_requests_total` on /metrics shows.
 *
 * Its own gateway, so the cache is cold and no other test's calls are counted.
 */

const QUERY = 'a';
const LIMIT = 50;

let gateway: SpawnedGateway;
beforeAll(async () => {
  // Long quote TTL so the second request is served from cache however slow the machine is.
  gateway = await spawnGateway({ CACHE_TTL_QUOTES: '300' });
});
afterAll(async () => {
  await gateway?.stop();
});

type Capability = 'search' | 'profile' | 'quote';

/** provider_requests_total{provider="simulated",capability,status="ok"} per capability; 0 when not yet sampled. */
async function providerCalls(): Promise<Record<Capability, number>> {
  const text = await (await fetch(`${gateway.origin}/metrics`)).text();
  const read = (capability: Capability): number => {
    const line = text
      .split('\n')
      .find((row) => row.startsWith(`provider_requests_total{provider="simulated",capability="${capability}",status="ok"} `));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  // Any failed provider call would be a different story; make sure there is none to hide.
  expect(text).not.toMatch(/provider_requests_total\{[^}]*status="(?!ok")/);
  return { search: read('search'), profile: read('profile'), quote: read('quote') };
}

function delta(before: Record<Capability, number>, after: Record<Capability, number>): Record<Capability, number> {
  return { search: after.search - before.search, profile: after.profile - before.profile, quote: after.quote - before.quote };
}

describe('search { company { quote } } on a cold cache', () => {
  it('makes one search, one batched profile and one batched quote call for every match', async () => {
    const before = await providerCalls();
    const { data, errors } = await execute(gateway.url, SearchWithQuotesDocument, { query: QUERY, limit: LIMIT });
    const after = await providerCalls();

    expect(errors).toBeUndefined();
    const matches = data?.search ?? [];
    // The simulated universe has 43 matches for "a"; at least 40 makes the point.
    expect(matches.length).toBeGreaterThanOrEqual(40);
    expect(new Set(matches.map((match) => match.symbol)).size).toBe(matches.length);
    for (const match of matches) {
      expect(match.company?.name, match.symbol).toBeTruthy();
      expect(match.company?.quote?.price, match.symbol).toBeGreaterThan(0);
    }
    expect(delta(before, after)).toEqual({ search: 1, profile: 1, quote: 1 });
  });

  it('answers the same request again with no provider call at all (served from cache)', async () => {
    const first = await execute(gateway.url, SearchWithQuotesDocument, { query: QUERY, limit: LIMIT });
    const before = await providerCalls();
    const second = await execute(gateway.url, SearchWithQuotesDocument, { query: QUERY, limit: LIMIT });
    const after = await providerCalls();

    expect(second.errors).toBeUndefined();
    expect(second.data).toEqual(first.data);
    expect(delta(before, after)).toEqual({ search: 0, profile: 0, quote: 0 });
  });

  it('still batches when only some of the symbols are cached: one call for the misses', async () => {
    // "b" shares some matches with "a" (cached above) and brings new ones (not yet cached).
    const { data: probe } = await execute(gateway.url, SearchDocument, { query: 'b', limit: LIMIT });
    const { data: cached } = await execute(gateway.url, SearchDocument, { query: QUERY, limit: LIMIT });
    const known = new Set(cached?.search!.map((match) => match.symbol));
    const fresh = probe?.search!.filter((match) => !known.has(match.symbol)) ?? [];
    expect(fresh.length).toBeGreaterThan(1);
    expect(fresh.length).toBeLessThan(probe?.search!.length ?? 0);

    const before = await providerCalls();
    const { data, errors } = await execute(gateway.url, SearchWithQuotesDocument, { query: 'b', limit: LIMIT });
    const after = await providerCalls();
    expect(errors).toBeUndefined();
    expect(data?.search!.every((match) => (match.company?.quote?.price ?? 0) > 0)).toBe(true);
    // The search for "b" itself is cached by the probe above; only the misses go out, in one batch each.
    expect(delta(before, after)).toEqual({ search: 0, profile: 1, quote: 1 });
  });
});
