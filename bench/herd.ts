// The thundering herd: N (default 1,000) identical cold queries at once, against one gateway and
// against two gateways sharing Redis, with a fake Polygon that takes 50 ms a call. Prints the
// upstream calls the herd cost and its wall time; the baseline, measured in the same run, is the
// wall time of one lone cold query of the same shape.
//
//   npm run build && npm run bench:herd
//   BENCH_HERD=1000 BENCH_LATENCY_MS=50 BENCH_REDIS_URL=redis://127.0.0.1:6379 npx tsx bench/herd.ts
import { Pool } from 'undici';
import { startFakeUpstream, type FakeUpstream } from '../test/support/fake-upstream.js';
import { ask, startGateway, type BenchGateway } from './support/gateway.js';
import { round } from './support/load.js';
import { polygonCalls, servePolygon, type PolygonCalls } from './support/polygon.js';
import { dropPrefix, REDIS_URL, runPrefix } from './support/redis.js';
import { l2Env } from './support/tiers.js';

const herdSize = Number(process.env['BENCH_HERD'] ?? 1_000);
const latencyMs = Number(process.env['BENCH_LATENCY_MS'] ?? 50);
const QUERY = 'query Q($s: String!) { quote(symbol: $s) { symbol price company { name } } }';

// Symbols of this run alone, so nothing another run left in Redis answers for them.
const tag = Date.now().toString(36).slice(-4).toUpperCase();
const symbol = (name: string): string => `${name}${tag}`;
const upstream = await startFakeUpstream();
servePolygon(upstream, latencyMs, ['WARM1', 'WARM2', 'WARM3', 'SOLO1', 'SOLO2', 'HERD1', 'HERD2'].map(symbol));
const prefix = runPrefix('herd');
const base = { PROVIDERS: 'polygon', POLYGON_API_KEY: 'bench-key-0001', POLYGON_BASE_URL: upstream.url, POLYGON_QUOTA: '1000000/min' };

interface HerdResult {
  readonly wallMs: number;
  readonly answered: number;
  readonly errors: number;
  readonly upstreamCalls: PolygonCalls;
}

/** One lone query's wall time, and its upstream calls. */
async function lone(gateway: BenchGateway, name: string): Promise<{ wallMs: number; upstreamCalls: PolygonCalls }> {
  const since = upstream.requests.length;
  const started = performance.now();
  const answer = await ask(gateway.url, QUERY, { s: name });
  const wallMs = performance.now() - started;
  if (answer.errors) throw new Error(`lone query failed: ${JSON.stringify(answer.errors[0])}`);
  return { wallMs: round(wallMs, 1), upstreamCalls: polygonCalls(upstream, since, name) };
}

/** `herdSize` identical queries sent at once, spread evenly over the gateways, each on its own connection. */
async function herd(gateways: readonly BenchGateway[], name: string, source: FakeUpstream): Promise<HerdResult> {
  const pools = gateways.map((gateway) => ({ gateway, pool: new Pool(new URL(gateway.url).origin, { connections: Math.ceil(herdSize / gateways.length), pipelining: 1 }) }));
  const body = JSON.stringify({ query: QUERY, variables: { s: name } });
  const since = source.requests.length;
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: herdSize }, async (_, index) => {
      const { pool } = pools[index % pools.length] as (typeof pools)[number];
      try {
        const response = await pool.request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await response.body.text();
        return response.statusCode === 200 && !text.includes('"errors"') && text.includes(`${name} Corp.`);
      } catch {
        return false;
      }
    }),
  );
  const wallMs = performance.now() - started;
  await Promise.all(pools.map(({ pool }) => pool.close()));
  const answered = outcomes.filter(Boolean).length;
  return { wallMs: round(wallMs, 1), answered, errors: herdSize - answered, upstreamCalls: polygonCalls(source, since, name) };
}

const gateways: BenchGateway[] = [];
try {
  // One gateway.
  const single = await startGateway(base);
  gateways.push(single);
  await lone(single, symbol('WARM1'));
  const baseline = await lone(single, symbol('SOLO1'));
  const oneGateway = await herd([single], symbol('HERD1'), upstream);

  // Two gateways sharing Redis.
  const pair = await Promise.all([startGateway({ ...base, ...l2Env(REDIS_URL, prefix) }), startGateway({ ...base, ...l2Env(REDIS_URL, prefix) })]);
  gateways.push(...pair);
  await Promise.all([lone(pair[0], symbol('WARM2')), lone(pair[1], symbol('WARM3'))]);
  const pairBaseline = await lone(pair[0], symbol('SOLO2'));
  const twoGateways = await herd(pair, symbol('HERD2'), upstream);

  const figures = {
    herdSize,
    upstreamLatencyMs: latencyMs,
    loneQuery: baseline,
    oneGateway: { ...oneGateway, wallVsLone: round(oneGateway.wallMs / baseline.wallMs, 2) },
    loneQueryOnRedisPair: pairBaseline,
    twoGatewaysSharingRedis: { ...twoGateways, wallVsLone: round(twoGateways.wallMs / pairBaseline.wallMs, 2) },
  };
  console.log(JSON.stringify(figures, null, 2));
  const line = (label: string, result: HerdResult, loneMs: number): string =>
    `${label}: ${herdSize} identical cold queries in ${result.wallMs} ms (${round(result.wallMs / loneMs, 2)}× one lone query's ${loneMs} ms), ` +
    `${result.upstreamCalls.total} upstream calls (${result.upstreamCalls.snapshot} snapshot, ${result.upstreamCalls.details} ticker details), ${result.errors} failed`;
  console.log(line('1 gateway', oneGateway, baseline.wallMs));
  console.log(line('2 gateways sharing Redis', twoGateways, pairBaseline.wallMs));
} finally {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await upstream.close();
  await dropPrefix(prefix).catch(() => 0);
}
