// How many Redis connections one gateway instance holds (`CLIENT LIST` on a redis-server of this
// run's own): at idle, after one read of every kind through all six remote providers (each
// provider's key pool, the dead-letter queue, the throttle, the audit stream and the cluster
// flight all touch Redis then), and after a subscription (pub/sub needs a connection of its own).
//
//   npm run build && node bench/redis-connections.mjs
//   BENCH_BASELINE_MAIN=/other/checkout/dist/bundle/main.js node bench/redis-connections.mjs
//     also counts for a gateway built from another commit, in the same run.
//
// The providers' base URLs point at a local server that answers 503, so no network is needed and
// every read fails over through the chain to the simulated market.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort } from './support/free-port.mjs';

const main = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
const baselineMain = process.env.BENCH_BASELINE_MAIN;
const PROVIDERS = ['alphavantage', 'fmp', 'polygon', 'finnhub', 'twelvedata', 'fred'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A redis-server of this run's own, so no other client is in its CLIENT LIST. */
async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 200; attempt++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG') return { port, child };
    await sleep(25);
  }
  throw new Error('redis-server did not start');
}

/** Connections other than the redis-cli asking. */
const connections = (redisPort) =>
  spawnSync('redis-cli', ['-p', String(redisPort), 'CLIENT', 'LIST']).stdout.toString().trim().split('\n').filter((line) => line && !line.includes('cmd=client')).length;

const down = createServer((req, res) => {
  req.resume();
  res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"down for the benchmark"}');
});
await new Promise((resolve) => down.listen(0, '127.0.0.1', resolve));
const downUrl = `http://127.0.0.1:${down.address().port}`;

const READS = [
  '{ quote(symbol: "AAPL") { price } }',
  '{ priceHistory(symbol: "AAPL") { close } }',
  '{ company(symbol: "AAPL") { name } }',
  '{ financials(symbol: "AAPL", statement: INCOME) { period } }',
  '{ search(query: "apple") { symbol } }',
  '{ economicSeries(id: "GDP") { id } }',
];

async function measure(entry) {
  const redis = await startRedis();
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error', NODE_ENV: 'production', REDIS_URL: `redis://127.0.0.1:${redis.port}` };
  env.PROVIDERS = [...PROVIDERS, 'simulated'].join(',');
  for (const id of PROVIDERS) {
    env[`${id.toUpperCase()}_API_KEY`] = `bench-key-${id}-0001`;
    env[`${id.toUpperCase()}_BASE_URL`] = downUrl;
  }
  const gateway = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    for (;;) {
      if (await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false)) break;
      await sleep(10);
    }
    await sleep(1_500);
    const idle = connections(redis.port);
    for (const query of READS) {
      await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then((response) => response.text());
    }
    await sleep(1_500);
    const afterReads = connections(redis.port);
    const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket });
    await new Promise((resolve, reject) => {
      const stop = client.subscribe({ query: 'subscription { quotes(symbols: ["AAPL"]) { price } }' }, { next: () => (stop(), resolve()), error: reject, complete: resolve });
    });
    await client.dispose();
    await sleep(500);
    const afterSubscription = connections(redis.port);
    return { idle, afterReads, afterSubscription };
  } finally {
    gateway.kill('SIGTERM');
    redis.child.kill('SIGTERM');
  }
}

const rows = [['this build', await measure(main)]];
if (baselineMain) rows.push(['baseline', await measure(baselineMain)]);
down.close();
for (const [name, figures] of rows) {
  console.log(`${name}: Redis connections at idle ${figures.idle}, after one read of every kind through six providers ${figures.afterReads}, after a subscription ${figures.afterSubscription}`);
}
