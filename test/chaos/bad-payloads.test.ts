import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuoteDocument } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream, type Reply } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { captureStderr, errorLogs, metric, timedByGateway } from './helpers.js';

/**
 * Chaos: FMP, the only provider, answers with every kind of garbage real upstreams produce. Each
 * must become a classified failure — the field null with PROVIDER_UNAVAILABLE, as nothing is
 * cached — and none may hurt the gateway: it keeps answering, stays healthy, and prints no
 * unhandled rejection or error-level log line.
 *
 * What is expected in the log: nothing at error level (50) or above. A provider's bad payload is
 * the provider's failure, classified and answered; an error-level line means a bug of ours
 * (INTERNAL_SERVER_ERROR, "request failed", "unhandled promise rejection"). Warnings are allowed.
 */

const BUDGET_MS = 1_000;
/** Time the gateway may take past the budget to write its answer (a 50 MB body to cut off), on a loaded two-core machine: half the budget. */
const MARGIN_MS = BUDGET_MS / 2;

/** One symbol per fault, so each query meets exactly its fault (nothing is cached for them). */
const FAULTS: ReadonlyArray<{ readonly name: string; readonly symbol: string; readonly reply: Reply }> = [
  { name: 'malformed JSON', symbol: 'MALF', reply: { fault: 'malformed' } },
  { name: 'an HTML error page with status 200', symbol: 'HTML', reply: { fault: 'html', status: 200 } },
  { name: 'a truncated body', symbol: 'TRUNC', reply: { fault: 'truncated', json: fixture('fmp/stable/quote-aapl.json') } },
  { name: 'a body of 50 MB', symbol: 'HUGE', reply: { fault: 'oversized', oversizedBytes: 50 * 1024 * 1024 } },
  { name: 'an empty body', symbol: 'EMPTY', reply: { fault: 'empty' } },
  { name: 'a connection reset', symbol: 'RESET', reply: { fault: 'reset' } },
  { name: 'a server that never answers', symbol: 'HANG', reply: { fault: 'hang' } },
];

const quoteOf = (symbol: string) => ({ path: '/stable/quote', query: { symbol } });

let upstream: FakeUpstream;
let gateway: SpawnedGateway;
let stderr: () => string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on(quoteOf('AAPL'), { json: fixture('fmp/stable/quote-aapl.json') });
  for (const { symbol, reply } of FAULTS) upstream.on(quoteOf(symbol), reply);
  gateway = await spawnGateway({
    PROVIDERS: 'fmp',
    FMP_API_KEY: 'test-key-0001',
    FMP_BASE_URL: upstream.url,
    CHAIN_BUDGET_MS: String(BUDGET_MS),
    // One call per fault, and a breaker that never opens: every fault must reach the adapter.
    RETRY_MAX: '0',
    BREAKER_THRESHOLD: '1000',
  });
  stderr = captureStderr(gateway);
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe('garbage from the only provider', () => {
  it.each(FAULTS)('$name is a classified PROVIDER_UNAVAILABLE', async ({ symbol }) => {
    // The gateway's own measure of the operation (its metrics), not the test's stopwatch.
    const { result, ms } = await timedByGateway(gateway, 'Quote', () => execute(gateway.url, QuoteDocument, { symbol }));
    console.info(`bad-payloads: ${symbol} answered in ${ms} ms`);
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ quote: null });
    expect(result.errors).toEqual([
      {
        message: 'No data provider could answer this request right now.',
        locations: expect.any(Array),
        path: ['quote'],
        extensions: { code: 'PROVIDER_UNAVAILABLE' },
      },
    ]);
    expect(upstream.count(quoteOf(symbol))).toBe(1);
    expect(ms).toBeLessThan(BUDGET_MS + MARGIN_MS);
  });

  it('leaves the gateway serving and healthy', async () => {
    expect(gateway.process.exitCode).toBeNull();
    const good = await execute(gateway.url, QuoteDocument, { symbol: 'AAPL' });
    expect(good.errors).toBeUndefined();
    expect(good.data?.quote).toMatchObject({ symbol: 'AAPL', price: 232.8, source: 'fmp', stale: false });
    expect((await fetch(`${gateway.origin}/healthz`)).status).toBe(200);
  });

  it('counts every fault as a provider error, classified', async () => {
    const unavailable = (await metric(gateway, 'provider_errors_total', { provider: 'fmp', kind: 'UNAVAILABLE' })) ?? 0;
    const badResponse = (await metric(gateway, 'provider_errors_total', { provider: 'fmp', kind: 'BAD_RESPONSE' })) ?? 0;
    expect(unavailable + badResponse).toBe(FAULTS.length);
    // Never a cockatiel error or a plain Error: everything is in the taxonomy.
    const text = await (await fetch(`${gateway.origin}/metrics`)).text();
    const kinds = [...text.matchAll(/^provider_errors_total\{provider="fmp",kind="([^"]+)"\}/gm)].map((match) => match[1]);
    expect(new Set(kinds)).toEqual(new Set(['UNAVAILABLE', 'BAD_RESPONSE']));
  });

  it('prints no unhandled rejection and no error-level log line', () => {
    expect(errorLogs(gateway)).toEqual([]);
    expect(gateway.logs.filter((entry) => /unhandled|uncaught/i.test(String(entry['msg'])))).toEqual([]);
    expect(stderr()).not.toMatch(/unhandled|uncaught|Error:/i);
  });
});
