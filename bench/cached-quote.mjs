// Cached `quote` throughput of the gateway beside a bare node:http server that returns the very
// same JSON bytes, measured in one run with autocannon (10 s, 50 connections by default), plus the
// gateway's start-up time to ready and its idle RSS. Prints figures and the ratio.
//
//   npm run bench                       # builds, then runs
//   BENCH_SECONDS=5 BENCH_CONNECTIONS=100 node bench/cached-quote.mjs
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const body = JSON.stringify({ query: 'query Quote($symbol: String!) { quote(symbol: $symbol) { symbol price change changePercent source stale } }', variables: { symbol: 'AAPL' } });
const request = { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body };

function startGateway() {
  const started = performance.now();
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: logLevel === 'warn' ? 'info' : logLevel, NODE_ENV: 'production', CACHE_TTL_QUOTES: '3600' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      for (const line of buffered.split('\n').slice(0, -1)) {
        const entry = JSON.parse(line);
        if (String(entry.msg).startsWith('marketgraph ready')) {
          resolve({ child, port: entry.port, startupMs: entry.startupMs, wallMs: Math.round(performance.now() - started) });
          if (logLevel === 'warn') child.stdout.removeAllListeners('data').resume();
        }
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
}

function rssOf(pid) {
  return import('node:fs/promises').then(({ readFile }) =>
    readFile(`/proc/${pid}/status`, 'utf8').then((text) => Number(/VmRSS:\s+(\d+)/.exec(text)[1]) / 1024),
  );
}

function run(port) {
  return autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: seconds, requests: [request] });
}

const gateway = await startGateway();
await new Promise((resolve) => setTimeout(resolve, 1000));
const idleRssMb = await rssOf(gateway.child.pid);
const warm = await fetch(`http://127.0.0.1:${gateway.port}/graphql`, { method: 'POST', headers: request.headers, body });
const answer = await warm.text();
if (!answer.includes('"price"')) throw new Error(`unexpected answer: ${answer}`);

const bare = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/graphql-response+json; charset=utf-8', 'content-length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));

const bareResult = await run(bare.address().port);
const gatewayResult = await run(gateway.port);
const loadedRssMb = await rssOf(gateway.child.pid);

bare.close();
gateway.child.kill('SIGTERM');

const figures = {
  seconds,
  connections,
  gatewayLogLevel: logLevel,
  startupToReadyMs: gateway.startupMs,
  spawnToReadyMs: gateway.wallMs,
  idleRssMb: Math.round(idleRssMb),
  rssAfterLoadMb: Math.round(loadedRssMb),
  bareReqPerSec: Math.round(bareResult.requests.average),
  gatewayReqPerSec: Math.round(gatewayResult.requests.average),
  gatewayP99Ms: gatewayResult.latency.p99,
  bareP99Ms: bareResult.latency.p99,
  gatewayErrors: gatewayResult.errors + gatewayResult.non2xx,
  ratio: Number((gatewayResult.requests.average / bareResult.requests.average).toFixed(3)),
};
console.log(JSON.stringify(figures, null, 2));
console.log(`gateway/bare = ${figures.ratio} (${figures.gatewayReqPerSec} vs ${figures.bareReqPerSec} req/s)`);
