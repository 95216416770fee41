// p99 latency of a cached quote query while its provider is down, beside the p99 while it is
// healthy, measured in one run (autocannon, 10 s, 50 connections by default). The gateway runs
// with only FMP, pointed at a fake upstream on loopback; quotes stay fresh for 1 s, so under
// load the gateway keeps going back to FMP. Healthy: FMP answers. Down: FMP answers 503, the
// breaker opens, and the gateway serves the last quote marked stale without calling FMP.
//
//   npm run build && npx tsx bench/provider-down.ts
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { fixture, startFakeUpstream } from '../test/support/fake-upstream.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const main = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
const body = JSON.stringify({ query: '{ quote(symbol: "AAPL") { symbol price stale } }' });

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const upstream = await startFakeUpstream();
upstream.on({ path: '/stable/quote' }, { json: fixture('fmp/stable/quote-aapl.json'), delayMs: 20 });
const port = await freePort();
const gateway = spawn(process.execPath, [main], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    PROVIDERS: 'fmp',
    FMP_API_KEY: 'bench-key-0001',
    FMP_BASE_URL: upstream.url,
    CACHE_TTL_QUOTES: '1',
    BREAKER_OPEN_MS: '600000',
    // The anonymous public's budgets out of reach: counted, never a 429 in place of an answer.
    THROTTLE_REQUESTS_PER_MIN: 'public=100000000',
    THROTTLE_PROVIDER_CALLS_PER_MIN: 'public=100000000',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
for (;;) {
  if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) break;
  await new Promise((resolve) => setTimeout(resolve, 10));
}

const run = () =>
  autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: seconds, requests: [{ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body }] });
const ask = async () => (await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json();

await ask();
const healthyCalls = upstream.count();
const healthy = await run();
const healthyUpstream = upstream.count() - healthyCalls;

upstream.reset();
upstream.on({ path: '/stable/quote' }, { status: 503, json: { 'Error Message': 'down' } });
await new Promise((resolve) => setTimeout(resolve, 1_100));
// Trip the breaker (three failed calls after retries), then measure.
for (let attempt = 0; attempt < 3; attempt++) await ask();
const answer = (await ask()) as { data?: { quote?: { stale?: boolean } } };
const before = upstream.count();
const down = await run();
const downUpstream = upstream.count() - before;

gateway.kill('SIGTERM');
await upstream.close();

const figures = {
  seconds,
  connections,
  healthy: { reqPerSec: Math.round(healthy.requests.average), p50Ms: healthy.latency.p50, p99Ms: healthy.latency.p99, upstreamCalls: healthyUpstream, errors: healthy.errors + healthy.non2xx },
  down: { reqPerSec: Math.round(down.requests.average), p50Ms: down.latency.p50, p99Ms: down.latency.p99, upstreamCalls: downUpstream, servedStale: answer.data?.quote?.stale === true, errors: down.errors + down.non2xx },
  p99Ratio: Number((down.latency.p99 / Math.max(1, healthy.latency.p99)).toFixed(3)),
};
console.log(JSON.stringify(figures, null, 2));
console.log(`p99 while FMP is down: ${figures.down.p99Ms} ms; while healthy: ${figures.healthy.p99Ms} ms (ratio ${figures.p99Ratio})`);
