// What tracing costs the cached hot path (issue 17's target: off, at most 2 % over a build
// without the SDK). A cached `quote` under load (autocannon, 100 connections, 3 s unmeasured then
// BENCH_SECONDS measured, default 5) on three gateways, one at a time, in BENCH_ROUNDS rounds (default
// 6) of alternating order, so the machine's drift falls on all three:
//   without  a build of the commit before tracing (BENCH_BASELINE_MAIN, required)
//   off      this build, no OTEL_* variables (the default)
//   on       this build exporting every span over OTLP/HTTP to a sink in this process
// Prints req/s and CPU µs per request for each round, and the median of the rounds' off/without
// and on/without.
//
//   git worktree add /tmp/before <commit before tracing> && (cd /tmp/before && npm ci && npm run build)
//   npm run build && BENCH_BASELINE_MAIN=/tmp/before/dist/bundle/main.js node bench/tracing-overhead.mjs
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePort } from './support/free-port.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
const connections = 100;
const main = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
const baselineMain = process.env.BENCH_BASELINE_MAIN;
if (!baselineMain) throw new Error('BENCH_BASELINE_MAIN must name the main.js of a build without tracing (see the header)');
const body = JSON.stringify({ query: 'query Quote($symbol: String!) { quote(symbol: $symbol) { symbol price change changePercent source stale } }', variables: { symbol: 'AAPL' } });
const request = { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body };

// The OTLP receiver of the `on` gateway: takes every export and discards it, as a collector would.
let exported = 0;
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    exported += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkUrl = `http://127.0.0.1:${sink.address().port}`;

const variants = {
  without: { entry: baselineMain, env: {} },
  off: { entry: main, env: {} },
  on: { entry: main, env: { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl } },
};

const cpuSeconds = async (pid) => {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

async function measure(name) {
  const { entry, env } = variants[name];
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      CACHE_TTL_QUOTES: '3600',
      THROTTLE_REQUESTS_PER_MIN: 'public=100000000',
      THROTTLE_PROVIDER_CALLS_PER_MIN: 'public=100000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    if (await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const answer = await (await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: request.headers, body })).text();
  if (!answer.includes('"price"')) throw new Error(`${name}: unexpected answer ${answer}`);
  await autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: 3, requests: [request] });
  const before = await cpuSeconds(child.pid);
  const result = await autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: seconds, requests: [request] });
  const cpu = (await cpuSeconds(child.pid)) - before;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return {
    reqPerSec: Math.round(result.requests.average),
    cpuMicros: Number(((cpu * 1e6) / Math.max(1, result.requests.total)).toFixed(1)),
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

const results = { without: [], off: [], on: [] };
for (let round = 0; round < rounds; round++) {
  // Alternate the order each round so neither build always runs on a warmer or cooler machine.
  const order = round % 2 === 0 ? ['without', 'off', 'on'] : ['on', 'off', 'without'];
  for (const name of order) {
    const figures = await measure(name);
    results[name].push(figures);
    console.log(`round ${round + 1} ${name.padEnd(7)} ${figures.reqPerSec} req/s, ${figures.cpuMicros} µs CPU/request, p99 ${figures.p99Ms} ms, errors ${figures.errors}`);
  }
}
sink.close();

// Each round's ratio is of three loads run back to back, so the host's drift between rounds (it
// moves by a fifth here) cancels; the median of the rounds' ratios is reported.
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ratio = (name, key) => Number(median(results[name].map((figures, round) => figures[key] / results.without[round][key])).toFixed(3));
const summary = {
  seconds,
  rounds,
  exportsReceived: exported,
  results,
  throughput: { offOverWithout: ratio('off', 'reqPerSec'), onOverWithout: ratio('on', 'reqPerSec') },
  cpuPerRequest: { offOverWithout: ratio('off', 'cpuMicros'), onOverWithout: ratio('on', 'cpuMicros') },
};
console.log(JSON.stringify(summary, null, 2));
console.log(
  `tracing off: ${summary.throughput.offOverWithout} of the throughput and ${summary.cpuPerRequest.offOverWithout}× the CPU per request of the build without tracing (target: at most 2 % more cost); on: ${summary.throughput.onOverWithout} and ${summary.cpuPerRequest.onOverWithout}×`,
);
