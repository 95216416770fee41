import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuoteProvenanceDocument } from '../generated/graphql.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { timedByGateway } from './helpers.js';

/**
 * Chaos: the primary provider (FMP) accepts the connection and never answers. Its own timeout
 * (FMP_TIMEOUT_MS, 5 s by default) is longer than the chain's whole budget, so only the budget
 * can save the request: FMP gets its share of it, then the simulated market answers, all within
 * the 3 s the client was promised.
 */

const QUOTE = { path: '/stable/quote' };
const BUDGET_MS = 3_000;
/** The share of the remaining budget a provider gets when others are behind it (src/market/budget.ts). */
const PRIMARY_SHARE = 0.6;

let upstream: FakeUpstream;
let gateway: SpawnedGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on(QUOTE, { fault: 'hang' });
  gateway = await spawnGateway({
    PROVIDERS: 'fmp,simulated',
    FMP_API_KEY: 'test-key-0001',
    FMP_BASE_URL: upstream.url,
    CHAIN_BUDGET_MS: String(BUDGET_MS),
  });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('a primary that never answers', () => {
  it('is given up on within the budget, and the fallback answers with provenance', async () => {
    // The gateway's own measure of the operation: the budget is the gateway's promise.
    const { result, ms } = await timedByGateway(gateway, 'QuoteProvenance', () => execute(gateway.url, QuoteProvenanceDocument, { symbol: 'AAPL' }));
    console.info(`primary-timeout: fallback answered after ${ms} ms (budget ${BUDGET_MS} ms)`);
    expect(result.errors).toBeUndefined();
    expect(result.data?.quote).toMatchObject({ symbol: 'AAPL', source: 'simulated', stale: false, fallbackFrom: ['fmp'] });
    expect(upstream.count(QUOTE)).toBe(1);
    expect(ms).toBeLessThan(BUDGET_MS);
    // FMP was really waited for (its share of the budget), not skipped.
    expect(ms).toBeGreaterThanOrEqual(BUDGET_MS * PRIMARY_SHARE - 100);
  });
});
