// Cached quote throughput with the in-process cache alone (L1) and with L1 + the shared Redis tier
// (L2), plus what an answer costs when it comes from L2 alone: a second instance reads what the
// first stored, each key once (L2 hits), then the same keys again (now L1 hits). Everything runs
// through one load loop, in alternating rounds (A, B, A, B, …) so that a busy machine slows both
// sides alike; the medians of the rounds and their ratios against L1 are printed.
//
//   npm run build && npm run bench:cache-tiers
//   BENCH_SECONDS=3 BENCH_ROUNDS=5 BENCH_CONNECTIONS=50 BENCH_KEYS=6000 BENCH_REDIS_URL=redis://127.0.0.1:6379 npx tsx bench/cache-tiers.ts
import { startFakeUpstream } from '../test/support/fake-upstream.js';
import { ask, startGateway, type BenchGateway } from './support/gateway.js';
import { median, round, runLoad, type LoadResult } from './support/load.js';
import { servePolygon, symbolsFrom } from './support/polygon.js';
import { dropPrefix, REDIS_URL, runPrefix } from './support/redis.js';
import { l2Env } from './support/tiers.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 3);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const keys = Number(process.env['BENCH_KEYS'] ?? 6_000);

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

const hotLoad = (gateway: BenchGateway, durationMs = seconds * 1000): Promise<LoadResult> =>
  runLoad({ url: gateway.url, connections, durationMs, body: () => bodyOf(hot) });
/** Each of `symbols` asked once, in order. */
const readOnce = (gateway: BenchGateway, symbols: readonly string[]): Promise<LoadResult> =>
  runLoad({ url: gateway.url, connections, durationMs: 600_000, body: (index) => (index < symbols.length ? bodyOf(symbols[index] as string) : undefined) });

function summary(results: readonly LoadResult[]): { reqPerSec: number; p50Ms: number; p99Ms: number; errors: number; rounds: LoadResult[] } {
  return {
    reqPerSec: median(results.map((result) => result.reqPerSec)),
    p50Ms: median(results.map((result) => result.p50Ms)),
    p99Ms: median(results.map((result) => result.p99Ms)),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    rounds: [...results],
  };
}

const gateways: BenchGateway[] = [];
try {
  const [l1Only, writer] = await Promise.all([startGateway(base), startGateway({ ...base, ...l2Env(REDIS_URL, prefix) })]);
  gateways.push(l1Only, writer);
  for (const gateway of [l1Only, writer]) {
    const answer = await ask(gateway.url, QUERY, { s: hot });
    if (answer.errors) throw new Error(`warm-up failed: ${JSON.stringify(answer.errors)}`);
    // Compiled and connected before anything is timed.
    await hotLoad(gateway, 1_000);
  }

  // 1. The same hot key: L1 only against L1 + L2, round after round.
  const callsBeforeHot = upstream.requests.length;
  const l1Rounds: LoadResult[] = [];
  const l1l2Rounds: LoadResult[] = [];
  for (let pass = 0; pass < rounds; pass++) {
    l1Rounds.push(await hotLoad(l1Only));
    l1l2Rounds.push(await hotLoad(writer));
  }
  const hotUpstreamCalls = upstream.requests.length - callsBeforeHot;

  // 2. L2 hits: the writer stores `keys` quotes; a second instance, cold in process, reads a group
  // of them once each (answered from L2), then the same group again (answered from its own L1).
  const symbols = symbolsFrom(`K${tag}`, keys);
  for (let start = 0; start < symbols.length; start += 200) {
    const answer = await ask(writer.url, 'query Q($s: [String!]!) { quotes(symbols: $s) { symbol } }', { s: symbols.slice(start, start + 200) });
    if (answer.errors) throw new Error(`storing failed: ${JSON.stringify(answer.errors[0])}`);
  }
  const reader = await startGateway({ ...base, ...l2Env(REDIS_URL, prefix) });
  gateways.push(reader);
  await hotLoad(reader, 1_000);
  const callsBeforeReads = upstream.requests.length;
  const group = Math.floor(keys / rounds);
  const l2HitRounds: LoadResult[] = [];
  const l1HitRounds: LoadResult[] = [];
  let l2HitUpstreamCalls = 0;
  for (let pass = 0; pass < rounds; pass++) {
    const part = symbols.slice(pass * group, (pass + 1) * group);
    const before = upstream.requests.length;
    l2HitRounds.push(await readOnce(reader, part));
    l2HitUpstreamCalls += upstream.requests.length - before;
    l1HitRounds.push(await readOnce(reader, part));
  }
  const l1HitUpstreamCalls = upstream.requests.length - callsBeforeReads - l2HitUpstreamCalls;

  const l1 = summary(l1Rounds);
  const l1l2 = summary(l1l2Rounds);
  const l2Hits = summary(l2HitRounds);
  const l1Hits = summary(l1HitRounds);
  const figures = {
    seconds,
    rounds,
    connections,
    hotKey: {
      l1Only: l1,
      l1PlusL2: l1l2,
      upstreamCalls: hotUpstreamCalls,
      reqPerSecRatio: round(l1l2.reqPerSec / l1.reqPerSec),
      p99Ratio: round(l1l2.p99Ms / l1.p99Ms),
    },
    secondInstance: {
      keysPerRound: group,
      // 0 means every first read on the second instance was answered from L2, not from upstream.
      firstReadUpstreamCalls: l2HitUpstreamCalls,
      secondReadUpstreamCalls: l1HitUpstreamCalls,
      firstRead: l2Hits,
      secondRead: l1Hits,
      reqPerSecRatio: round(l2Hits.reqPerSec / l1Hits.reqPerSec),
      p99Ratio: round(l2Hits.p99Ms / l1Hits.p99Ms),
    },
  };
  console.log(JSON.stringify(figures, null, 2));
  console.log(
    `hot key, medians of ${rounds} rounds: L1+L2 ${l1l2.reqPerSec} req/s p99 ${l1l2.p99Ms} ms vs L1 only ${l1.reqPerSec} req/s p99 ${l1.p99Ms} ms ` +
      `(req/s ratio ${figures.hotKey.reqPerSecRatio}, p99 ratio ${figures.hotKey.p99Ratio}); upstream calls ${hotUpstreamCalls}`,
  );
  console.log(
    `second instance, first read of stored keys${l2HitUpstreamCalls === 0 ? ' (L2 hits)' : ` (NOT all L2 hits: ${l2HitUpstreamCalls} upstream calls)`}: ` +
      `${l2Hits.reqPerSec} req/s p99 ${l2Hits.p99Ms} ms vs second read (L1 hits) ${l1Hits.reqPerSec} req/s p99 ${l1Hits.p99Ms} ms ` +
      `(req/s ratio ${figures.secondInstance.reqPerSecRatio}, p99 ratio ${figures.secondInstance.p99Ratio})`,
  );
} finally {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await upstream.close();
  await dropPrefix(prefix).catch(() => 0);
}
