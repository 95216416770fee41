// Cached `quote` throughput of the gateway beside a bare node:http server that returns the very
// same JSON bytes, measured in one run with autocannon (10 s, 50 connections by default), plus the
// gateway's time from spawn to ready and its idle RSS. Prints the figures and the ratio.
//
//   npm run bench                                   # builds, then runs
//   BENCH_SECONDS=5 BENCH_CONNECTIONS=100 BENCH_LOG_LEVEL=info node bench/cached-quote.mjs
//   BENCH_BASELINE_MAIN=/path/to/other/checkout/dist/main.js node bench/cached-quote.mjs
//     also loads a gateway built from another commit, in the same run, and prints this/baseline:
//     how a change is shown to cost nothing on the hot path.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePort } from './support/free-port.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
// The gateway logs one line per operation at info; the default here measures the serving path.
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const main = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
const body = JSON.stringify({
  query: 'query Quote($symbol: String!) { quote(symbol: $symbol) { symbol price change changePercent source stale } }',
  variables: { symbol: 'AAPL' },
});
const request = { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body };

const baselineMain = process.env.BENCH_BASELINE_MAIN;

async function startGateway(entry = main) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: logLevel,
      NODE_ENV: 'production',
      CACHE_TTL_QUOTES: '3600',
      // Every request is the anonymous public: budgets out of reach, so the throttle still counts
      // each request (its cost is measured) but never answers 429 in place of the quote.
      THROTTLE_REQUESTS_PER_MIN: 'public=100000000',
      THROTTLE_PROVIDER_CALLS_PER_MIN: 'public=100000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.once('exit', (code) => code && process.exit(1));
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false);
    if (ready) return { child, port, readyMs: Math.round(performance.now() - started) };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** CPU seconds (user + system) a process has used: per request, a figure other load on the machine barely moves. */
const cpuSeconds = async (pid) => {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const rssMb = async (pid) => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const load = (port) => autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: seconds, requests: [request] });

const gateway = await startGateway();
await new Promise((resolve) => setTimeout(resolve, 1000));
const idleRssMb = await rssMb(gateway.child.pid);
const answer = await (await fetch(`http://127.0.0.1:${gateway.port}/graphql`, { method: 'POST', headers: request.headers, body })).text();
if (!answer.includes('"price"')) throw new Error(`unexpected answer: ${answer}`);

const bare = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/graphql-response+json; charset=utf-8', 'content-length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));

const bareResult = await load(bare.address().port);
const cpuBefore = await cpuSeconds(gateway.child.pid);
const gatewayResult = await load(gateway.port);
const gatewayCpu = (await cpuSeconds(gateway.child.pid)) - cpuBefore;
const loadedRssMb = await rssMb(gateway.child.pid);
gateway.child.removeAllListeners('exit');
gateway.child.kill('SIGTERM');
const baseline = baselineMain ? await loadBaseline(baselineMain) : undefined;
bare.close();

/** The same load on a gateway of another build, after this one has stopped (one at a time on the cores). */
async function loadBaseline(entry) {
  const other = await startGateway(entry);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const otherAnswer = await (await fetch(`http://127.0.0.1:${other.port}/graphql`, { method: 'POST', headers: request.headers, body })).text();
  if (!otherAnswer.includes('"price"')) throw new Error(`unexpected baseline answer: ${otherAnswer}`);
  const before = await cpuSeconds(other.child.pid);
  const result = await load(other.port);
  const cpu = (await cpuSeconds(other.child.pid)) - before;
  other.child.removeAllListeners('exit');
  other.child.kill('SIGTERM');
  return {
    entry,
    spawnToReadyMs: other.readyMs,
    reqPerSec: Math.round(result.requests.average),
    p99Ms: result.latency.p99,
    cpuMicrosPerRequest: Math.round((cpu * 1e6) / Math.max(1, result.requests.total)),
    errors: result.errors + result.non2xx,
  };
}

const figures = {
  seconds,
  connections,
  gatewayLogLevel: logLevel,
  spawnToReadyMs: gateway.readyMs,
  idleRssMb: Math.round(idleRssMb),
  rssAfterLoadMb: Math.round(loadedRssMb),
  bareReqPerSec: Math.round(bareResult.requests.average),
  gatewayReqPerSec: Math.round(gatewayResult.requests.average),
  bareP99Ms: bareResult.latency.p99,
  gatewayP99Ms: gatewayResult.latency.p99,
  gatewayCpuMicrosPerRequest: Math.round((gatewayCpu * 1e6) / Math.max(1, gatewayResult.requests.total)),
  gatewayErrors: gatewayResult.errors + gatewayResult.non2xx,
  ratio: Number((gatewayResult.requests.average / bareResult.requests.average).toFixed(3)),
  ...(baseline ? { baseline, ratioToBaseline: Number((gatewayResult.requests.average / baseline.reqPerSec).toFixed(3)) } : {}),
};
console.log(JSON.stringify(figures, null, 2));
console.log(`gateway/bare = ${figures.ratio} (${figures.gatewayReqPerSec} vs ${figures.bareReqPerSec} req/s)`);
if (baseline) console.log(`gateway/baseline = ${figures.ratioToBaseline} (${figures.gatewayReqPerSec} vs ${baseline.reqPerSec} req/s; CPU ${figures.gatewayCpuMicrosPerRequest} vs ${baseline.cpuMicrosPerRequest} µs/request)`);
