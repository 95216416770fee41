// Cached quote throughput with the in-process tier alone (L1) and with L1 + the shared Redis tier
// (L2), with the whole-response cache on (the default) and off (market cache alone); then what an
// answer costs when it comes from L2: a second instance reads, once each, keys the first one
// stored (L2 hits), then the same keys again (L1 hits). All through one load loop, in
// alternating rounds so that a busy machine slows every side alike; the medians of the rounds
// and their ratios against L1 are printed, with the tier counters read off /metrics.
//
//   npm run build && npm run bench:cache-tiers
//   BENCH_SECONDS=3 BENCH_ROUNDS=5 BENCH_CONNECTIONS=50 BENCH_KEYS=3000 BENCH_REDIS_URL=redis://127.0.0.1:6379 npx tsx bench/cache-tiers.ts
import { startFakeUpstream } from '../test/support/fake-upstream.js';
import { ask, startGateway, type BenchGateway } from './support/gateway.js';
import { median, round, runLoad, type LoadResult } from './support/load.js';
import { counter } from './support/metrics.js';
import { servePolygon, symbolsFrom } from './support/polygon.js';
import { dropPrefix, REDIS_URL, runPrefix } from './support/redis.js';
import { l2Env } from './support/tiers.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 3);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const keys = Number(process.env['BENCH_KEYS'] ?? 3_000);

const QUERY = 'query Q($s: String!) { quote(symbol: $s) { symbol price change source stale } }';
const bodyOf = (symbol: string): string => JSON.stringify({ query: QUERY, variables: { s: symbol } });

const upstream = await startFakeUpstream();
servePolygon(upstream, 0, []);
const prefix = runPrefix('cache-tiers');
// Symbols of this run alone, so no entry another run left in Redis can answer for them.
const tag = Date.now().toString(36).slice(-4).toUpperCase();
const hot = `H${tag}`;
const base = {
  PROVIDERS: 'polygon',
  POLYGON_API_KEY: 'bench-key-0001',
  POLYGON_BASE_URL: upstream.url,
  POLYGON_QUOTA: '1000000/min',
  // Nothing expires while the bench runs: every answer after the first is a cache hit.
  CACHE_TTL_QUOTES: '3600',
};
const redis = l2Env(REDIS_URL, prefix);

const hotLoad = (gateway: BenchGateway, durationMs = seconds * 1000): Promise<LoadResult> =>
  runLoad({ url: gateway.url, connections, durationMs, body: () => bodyOf(hot) });
/** Each of `symbols` asked once, in order. */
const readOnce = (gateway: BenchGateway, symbols: readonly string[]): Promise<LoadResult> =>
  runLoad({ url: gateway.url, connections, durationMs: 600_000, body: (index) => (index < symbols.length ? bodyOf(symbols[index] as string) : undefined) });

interface Summary {
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}
function summary(results: readonly LoadResult[]): Summary {
  return {
    reqPerSec: median(results.map((result) => result.reqPerSec)),
    p50Ms: median(results.map((result) => result.p50Ms)),
    p99Ms: median(results.map((result) => result.p99Ms)),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
  };
}
const ratios = (of: Summary, to: Summary) => ({ reqPerSecRatio: round(of.reqPerSec / to.reqPerSec), p99Ratio: round(of.p99Ms / to.p99Ms) });

/** Counters of the tiers that may answer a quote query. */
async function tierCounts(gateway: BenchGateway) {
  return {
    responseCacheHits: await counter(gateway.url, 'response_cache_requests_total', { result: 'hit' }),
    marketL1Hits: await counter(gateway.url, 'cache_requests_total', { kind: 'quote', tier: 'l1', result: 'hit' }),
    marketL2Hits: await counter(gateway.url, 'cache_requests_total', { kind: 'quote', tier: 'l2', result: 'hit' }),
    // L2 is asked only when L1 has nothing fresh, and skipped while it is known down (a call past
    // CACHE_REDIS_TIMEOUT_MS pauses it): misses of L1 that L2 was never asked about show up here.
    marketL1Misses: await counter(gateway.url, 'cache_requests_total', { kind: 'quote', tier: 'l1', result: 'miss' }),
    marketL2Lookups: await counter(gateway.url, 'cache_requests_total', { kind: 'quote', tier: 'l2' }),
  };
}
type TierCounts = Awaited<ReturnType<typeof tierCounts>>;
const combine = (one: TierCounts, other: TierCounts, sign: 1 | -1): TierCounts =>
  Object.fromEntries(Object.entries(one).map(([name, value]) => [name, value + sign * other[name as keyof TierCounts]])) as TierCounts;
const NO_COUNTS: TierCounts = { responseCacheHits: 0, marketL1Hits: 0, marketL2Hits: 0, marketL1Misses: 0, marketL2Lookups: 0 };

const gateways: BenchGateway[] = [];
const start = async (env: Record<string, string>): Promise<BenchGateway> => {
  const gateway = await startGateway({ ...base, ...env });
  gateways.push(gateway);
  return gateway;
};

/**
 * A second instance reading what a first one stored. `store` puts the keys in the writer's
 * tiers; the reader then reads a group of keys once each and again, round after round.
 */
async function secondInstance(responseCache: boolean, store: (writer: BenchGateway, symbols: readonly string[]) => Promise<void>, symbols: readonly string[]) {
  const env = { ...redis, RESPONSE_CACHE: String(responseCache) };
  const writer = await start(env);
  await store(writer, symbols);
  const reader = await start(env);
  await hotLoad(reader, 1_000);
  const group = Math.floor(symbols.length / rounds);
  const first: LoadResult[] = [];
  const second: LoadResult[] = [];
  const calls = upstream.requests.length;
  let firstTiers = NO_COUNTS;
  let secondTiers = NO_COUNTS;
  for (let pass = 0; pass < rounds; pass++) {
    const part = symbols.slice(pass * group, (pass + 1) * group);
    const before = await tierCounts(reader);
    first.push(await readOnce(reader, part));
    const middle = await tierCounts(reader);
    second.push(await readOnce(reader, part));
    const after = await tierCounts(reader);
    firstTiers = combine(firstTiers, combine(middle, before, -1), 1);
    secondTiers = combine(secondTiers, combine(after, middle, -1), 1);
  }
  const firstRead = summary(first);
  const secondRead = summary(second);
  return {
    keysRead: group * rounds,
    // 0: every first read on the second instance came from what the first one stored.
    upstreamCallsWhileReading: upstream.requests.length - calls,
    firstRead: { ...firstRead, tiers: firstTiers },
    secondRead: { ...secondRead, tiers: secondTiers },
    ...ratios(firstRead, secondRead),
  };
}

try {
  // 1. One hot key, four gateways: response cache on/off × L1 only/L1 + L2, in alternating rounds.
  const sides = {
    l1: await start({}),
    l1l2: await start(redis),
    marketL1: await start({ RESPONSE_CACHE: 'false' }),
    marketL1l2: await start({ ...redis, RESPONSE_CACHE: 'false' }),
  };
  for (const gateway of Object.values(sides)) {
    const answer = await ask(gateway.url, QUERY, { s: hot });
    if (answer.errors) throw new Error(`warm-up failed: ${JSON.stringify(answer.errors)}`);
    // Compiled and connected before anything is timed.
    await hotLoad(gateway, 1_000);
  }
  const callsBeforeHot = upstream.requests.length;
  const runs: Record<keyof typeof sides, LoadResult[]> = { l1: [], l1l2: [], marketL1: [], marketL1l2: [] };
  for (let pass = 0; pass < rounds; pass++) {
    for (const name of Object.keys(sides) as Array<keyof typeof sides>) runs[name].push(await hotLoad(sides[name]));
  }
  const hotUpstreamCalls = upstream.requests.length - callsBeforeHot;
  await Promise.all(Object.values(sides).map((gateway) => gateway.stop()));
  const hot1 = { l1: summary(runs.l1), l1l2: summary(runs.l1l2), marketL1: summary(runs.marketL1), marketL1l2: summary(runs.marketL1l2) };

  // 2. L2 hits on a second instance. Market cache alone: the writer stores the quotes through
  // lists of 200; the reader's first read of a key is a market L2 hit. Response cache on: the
  // writer runs the very query the reader will, so the reader's first read is a response L2 hit.
  const marketKeys = symbolsFrom(`M${tag}`, keys);
  const market = await secondInstance(
    false,
    async (writer, symbols) => {
      for (let from = 0; from < symbols.length; from += 200) {
        const answer = await ask(writer.url, 'query Q($s: [String!]!) { quotes(symbols: $s) { symbol } }', { s: symbols.slice(from, from + 200) });
        if (answer.errors) throw new Error(`storing failed: ${JSON.stringify(answer.errors[0])}`);
      }
    },
    marketKeys,
  );
  const responseKeys = symbolsFrom(`R${tag}`, keys);
  const responses = await secondInstance(
    true,
    async (writer, symbols) => {
      const stored = await readOnce(writer, symbols);
      if (stored.errors > 0) throw new Error(`storing failed: ${stored.errors} errors`);
    },
    responseKeys,
  );

  const figures = {
    seconds,
    rounds,
    connections,
    hotKey: {
      upstreamCalls: hotUpstreamCalls,
      responseCacheOn: { l1Only: hot1.l1, l1PlusL2: hot1.l1l2, ...ratios(hot1.l1l2, hot1.l1) },
      responseCacheOff: { l1Only: hot1.marketL1, l1PlusL2: hot1.marketL1l2, ...ratios(hot1.marketL1l2, hot1.marketL1) },
    },
    secondInstance: { marketCacheL2Hits: market, responseCacheL2Hits: responses },
  };
  console.log(JSON.stringify(figures, null, 2));
  const side = (label: string, of: Summary, to: Summary): string =>
    `${label}: L1+L2 ${of.reqPerSec} req/s p99 ${of.p99Ms} ms vs L1 only ${to.reqPerSec} req/s p99 ${to.p99Ms} ms (req/s ratio ${round(of.reqPerSec / to.reqPerSec)}, p99 ratio ${round(of.p99Ms / to.p99Ms)})`;
  console.log(`hot key, medians of ${rounds} rounds of ${seconds} s, ${connections} connections; upstream calls: ${hotUpstreamCalls}`);
  console.log(`  ${side('response cache on (default)', hot1.l1l2, hot1.l1)}`);
  console.log(`  ${side('response cache off', hot1.marketL1l2, hot1.marketL1)}`);
  const second = (label: string, result: typeof market): string =>
    `${label}: first read ${result.firstRead.reqPerSec} req/s p99 ${result.firstRead.p99Ms} ms vs second read ${result.secondRead.reqPerSec} req/s p99 ${result.secondRead.p99Ms} ms ` +
    `(req/s ratio ${result.reqPerSecRatio}, p99 ratio ${result.p99Ratio}); upstream calls ${result.upstreamCallsWhileReading}; ` +
    `tiers first ${JSON.stringify(result.firstRead.tiers)}, second ${JSON.stringify(result.secondRead.tiers)}`;
  console.log(`second instance reading ${keys} keys another stored, medians of ${rounds} groups:`);
  console.log(`  ${second('market cache (response cache off), L2 hit vs L1 hit', market)}`);
  console.log(`  ${second('response cache, L2 hit vs L1 hit', responses)}`);
} finally {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await upstream.close();
  await dropPrefix(prefix).catch(() => 0);
}
