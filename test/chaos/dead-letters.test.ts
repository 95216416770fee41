import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLettersDocument, QuoteDocument, ReplayDeadLettersDocument } from '../generated/graphql.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { errorLogs, metric, sleep } from './helpers.js';

/**
 * Chaos: FMP (the only provider) goes down after the AAPL quote was cached. The stale answer
 * schedules one background refresh, retried after 500, 400 and 800 ms (DLQ_RETRY_DELAYS_MS, the
 * 1/2/4 s of production shrunk; the first long enough that the three client queries are done
 * before it, even on a loaded machine, or a retry would share a client's call and count one less)
 * and then parked as a dead letter. Once FMP is back, an operator
 * replays it: the refresh repairs the cache, and the next query is fresh without a provider call.
 * No retries inside a call and a breaker that never opens here, so every upstream request counts.
 */

const QUOTE = { path: '/stable/quote', query: { symbol: 'AAPL' } };
const FRESH_S = 1;
const DELAYS = [500, 400, 800];

let upstream: FakeUpstream;
let gateway: SpawnedGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gateway = await spawnGateway({
    PROVIDERS: 'fmp',
    FMP_API_KEY: 'test-key-dlq-0001',
    FMP_BASE_URL: upstream.url,
    CACHE_TTL_QUOTES: String(FRESH_S),
    // No stale-while-revalidate: a read past freshness asks FMP, so its failure is the client's (the last resort).
    CACHE_STALE_QUOTES: '0',
    RETRY_MAX: '0',
    BREAKER_THRESHOLD: '100',
    DLQ_RETRY_DELAYS_MS: DELAYS.join(','),
  });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const quoteAapl = () => execute(gateway.url, QuoteDocument, { symbol: 'AAPL' });

async function deadLettersOf(provider: string): Promise<number | undefined> {
  const { data, errors } = await execute(gateway.url, DeadLettersDocument);
  expect(errors).toBeUndefined();
  return data?.providers!.find((status) => status.id === provider)?.deadLetters;
}


describe('failed background refreshes become dead letters', () => {
  it('retries the refresh of a stale answer 3 times, parks it, and replays it once FMP is back', async () => {
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') }, { times: 1 });
    expect((await quoteAapl()).data?.quote).toMatchObject({ symbol: 'AAPL', price: 232.8, stale: false });
    expect(await deadLettersOf('fmp')).toBe(0);
    expect(await metric(gateway, 'dead_letter_depth', { provider: 'fmp' })).toBe(0);

    // Past its freshness, with FMP down: three queries, three stale answers, one refresh. (Time
    // passing in the gateway: a slower machine only waits longer.)
    await sleep(FRESH_S * 1000 + 100);
    const failedAt: number[] = [];
    upstream.on(QUOTE, () => {
      failedAt.push(performance.now());
      return { status: 503, json: { 'Error Message': 'Service Unavailable' } };
    });
    for (let query = 0; query < 3; query++) {
      const answer = await quoteAapl();
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.quote).toMatchObject({ symbol: 'AAPL', price: 232.8, stale: true });
    }
    expect(upstream.count(QUOTE)).toBe(1 + 3);

    // The refresh's three retries, after each delay, then the job is parked.
    await expect.poll(() => deadLettersOf('fmp'), { timeout: 10_000, interval: 25 }).toBe(1);
    expect(upstream.count(QUOTE)).toBe(1 + 3 + 3);
    const [firstStale, , , retry1, retry2, retry3] = failedAt as [number, number, number, number, number, number];
    const gaps = [retry1 - firstStale, retry2 - retry1, retry3 - retry2];
    gaps.forEach((gap, index) => {
      // Never before its delay (timers do not fire early; 5 ms for the two processes' clocks), and
      // not far after it: a margin proportional to the delay, as a busy machine makes timers late.
      // The exact schedule is the in-process test's (test/resilience/dead-letters.test.ts, fake timers).
      expect(gap).toBeGreaterThanOrEqual(DELAYS[index]! - 5);
      // Loose on purpose: a run at a load average of 10 saw a 400 ms retry 1.6 s late.
      expect(gap).toBeLessThan(4 * DELAYS[index]! + 2_000);
    });
    expect(await metric(gateway, 'dead_letter_depth', { provider: 'fmp' })).toBe(1);
    expect(await metric(gateway, 'dead_letter_jobs_total', { provider: 'fmp', outcome: 'parked' })).toBe(1);
    // Only the three answers clients got count as stale: the refreshes served no one.
    expect(await metric(gateway, 'stale_answers_total', { kind: 'quote' })).toBe(3);
    const parkedLog = gateway.logs.find((entry) => String(entry['msg']).startsWith('background refresh of quote AAPL parked as failed after 3 attempts'));
    expect(parkedLog).toMatchObject({ provider: 'fmp', lastError: { kind: 'UNAVAILABLE' } });
    expect(JSON.stringify(parkedLog)).not.toContain('test-key-dlq-0001');

    // Parked stays parked: no more calls on its own. A deliberate wait for something not to happen,
    // longer than the longest retry delay, so a retry that should not be there would have come.
    await sleep(Math.max(...DELAYS) + 200);
    expect(upstream.count(QUOTE)).toBe(1 + 3 + 3);

    // FMP is back; the operator replays the dead letter.
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') });
    const replay = await execute(gateway.url, ReplayDeadLettersDocument, { provider: 'FMP' });
    expect(replay.errors).toBeUndefined();
    expect(replay.data?.replayDeadLetters).toBe(1);
    expect(await deadLettersOf('fmp')).toBe(0);
    expect(await metric(gateway, 'dead_letter_depth', { provider: 'fmp' })).toBe(0);

    // The replayed refresh reaches FMP once and repairs the cache...
    await expect.poll(() => metric(gateway, 'dead_letter_jobs_total', { provider: 'fmp', outcome: 'recovered' }), { timeout: 10_000, interval: 25 }).toBe(1);
    expect(upstream.count(QUOTE)).toBe(1 + 3 + 3 + 1);
    // ...so the next query is fresh, from the cache.
    const fresh = await quoteAapl();
    expect(fresh.data?.quote).toMatchObject({ symbol: 'AAPL', price: 232.8, stale: false });
    expect(fresh.headers.get('x-data-stale')).toBeNull();
    expect(upstream.count(QUOTE)).toBe(1 + 3 + 3 + 1);

    // Nothing left to replay; a provider this gateway does not run is a client mistake.
    expect((await execute(gateway.url, ReplayDeadLettersDocument, {})).data?.replayDeadLetters).toBe(0);
    const notEnabled = await execute(gateway.url, ReplayDeadLettersDocument, { provider: 'POLYGON' });
    expect(notEnabled.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');

    // An outage is an expected condition: warnings at most.
    expect(errorLogs(gateway)).toEqual([]);
  });
});
