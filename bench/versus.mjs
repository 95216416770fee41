// marketgraph's cached read path against peers serving the same schema shape and the same answer
// bytes, each server in a process of its own and only one of them loaded (or even running) at a
// time, since the load generator shares the machine's cores with it. Same autocannon load for all
// (10 s, 100 connections by default). Prints the figures as JSON, then one line per target:
//
//   target 1  `quote`: gateway ≥ 1.0 × Mercurius + graphql-jit, ≥ 0.7 × a bare node:http server
//             answering the gateway's bytes, gateway p99 ≤ 5 ms
//   target 2  `quote` with RESPONSE_CACHE=false: gateway ≥ 1.0 × a plain Apollo Server 5
//   target 3  the dashboard (examples/dashboard.graphql, five symbols): gateway vs Mercurius, aim ≥ 0.8
//   target 4  `quote` with the shared cache in Redis (REDIS_URL) ≥ 0.8 × the in-process gateway
//
// The gateway (production mode, long cache TTLs, an anonymous caller with the rights the queries
// need and no budget in reach) answers first; its answers (`data`) are handed to the peers, which
// answer from them (bench/versus/schema.mjs) and are checked to answer the same before they are loaded.
//
//   npm run bench:versus                            # builds, then runs
//   BENCH_SECONDS=5 BENCH_CONNECTIONS=50 node bench/versus.mjs
//   BENCH_WARMUP_SECONDS=0 node bench/versus.mjs    # no unmeasured warm-up load first (default 3 s)
//   BENCH_ONLY=1,2 node bench/versus.mjs           # only these targets (and the servers they need)
//   BENCH_GATEWAY_MAIN=/other/checkout/dist/bundle/main.js node bench/versus.mjs
//   BENCH_REDIS_URL=redis://10.0.0.5:6379 node bench/versus.mjs    # target 4's Redis (default 127.0.0.1:6379)
//
// Exits 1 when a run had errors or non-2xx answers (a failed run); targets not met are reported, not failed.
import { createClient } from '@redis/client';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { assertSameShape } from './versus/schema.mjs';
import { load, post, startGateway, startPeer } from './versus/processes.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
/** Unmeasured load before each measured one (processes.mjs `load`). */
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const only = new Set((process.env.BENCH_ONLY ?? '1,2,3,4').split(',').map(Number));
const gatewayMain = resolve(process.env.BENCH_GATEWAY_MAIN ?? fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url)));
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!(seconds > 0) || !(connections > 0)) throw new Error('BENCH_SECONDS and BENCH_CONNECTIONS must be positive numbers');
if (!existsSync(gatewayMain)) throw new Error(`no gateway build at ${gatewayMain}: run \`npm run build\` first`);
if ([...only].some((target) => ![1, 2, 3, 4].includes(target))) throw new Error(`BENCH_ONLY: targets are 1 to 4, not ${process.env.BENCH_ONLY}`);

const root = new URL('..', import.meta.url);
assertSameShape(await readFile(new URL('schema.graphql', root), 'utf8'));
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL'];
const QUERIES = {
  quote: JSON.stringify({ query: '{ quote(symbol:"AAPL") { symbol price change changePercent open high low previousClose volume timestamp source stale } }' }),
  dashboard: JSON.stringify({ query: await readFile(new URL('examples/dashboard.graphql', root), 'utf8'), variables: { symbols: SYMBOLS } }),
};
const requestOf = (name) => ({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: QUERIES[name] });

const GATEWAY_ENV = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  // Every answer after the first comes from cache for the whole run, whatever its length.
  CACHE_TTL_QUOTES: '3600',
  CACHE_TTL_PROFILES: '86400',
  CACHE_TTL_STATEMENTS: '86400',
  // bench/support/gateway.ts's BENCH_CONSUMER (TypeScript, which plain node cannot import), with
  // FUNDAMENTALS added: the dashboard's `financials` requires it (schema.graphql), and without it
  // every answer would carry FORBIDDEN errors. No budget is in reach, so none answers 429.
  AUTH_PROFILES: JSON.stringify({ bench: ['QUOTES_REALTIME', 'QUOTES_DELAYED', 'COMPANY', 'FUNDAMENTALS'] }),
  AUTH_ANONYMOUS_PROFILE: 'bench',
  THROTTLE_REQUESTS_PER_MIN: '*=100000000',
  THROTTLE_PROVIDER_CALLS_PER_MIN: '*=100000000',
  LIMIT_COST_BUDGET: '*=100000000',
};

const say = (line) => process.stderr.write(`versus: ${line}\n`);

/** Throws unless an answer is a 200 with data for every symbol asked and no errors. */
function checkAnswer(server, name, answer) {
  const data = answer.json?.data;
  const complete =
    name === 'quote'
      ? typeof data?.quote?.price === 'number'
      : data?.quotes?.length === SYMBOLS.length && data.quotes.every((quote) => quote?.company?.financials?.length > 0);
  if (answer.status !== 200 || answer.json?.errors || !complete) throw new Error(`${server.name} answered ${name} with ${answer.status}: ${answer.text.slice(0, 500)}`);
}

/** A gateway with `env`, each query asked once from the simulated market (cold) and then again (cached). */
async function warmGateway(name, env) {
  const gateway = await startGateway(name, gatewayMain, { ...GATEWAY_ENV, ...env });
  const answers = {};
  for (const query of Object.keys(QUERIES)) {
    checkAnswer(gateway, query, await post(gateway.port, QUERIES[query]));
    answers[query] = await post(gateway.port, QUERIES[query]);
    checkAnswer(gateway, query, answers[query]);
  }
  return { gateway, answers };
}

/** Throws unless a peer answers each query with the gateway's `data` (the bare peer: its very bytes). */
async function checkPeer(peer, reference, { sameBytes = false } = {}) {
  for (const query of Object.keys(QUERIES)) {
    const answer = await post(peer.port, QUERIES[query]);
    checkAnswer(peer, query, answer);
    if (!isDeepStrictEqual(answer.json.data, reference[query].json.data)) {
      throw new Error(`${peer.name} answers ${query} with other data than the gateway:\n  ${answer.text.slice(0, 300)}\n  ${reference[query].text.slice(0, 300)}`);
    }
    if (sameBytes && answer.text !== reference[query].text) throw new Error(`${peer.name} answers ${query} with other bytes than the gateway`);
  }
}

const runs = [];
const failed = [];
/** Loads a server with one query, checks it still answers right, and records the run. */
async function measure(server, query) {
  say(`${server.name}: ${query} for ${seconds} s at ${connections} connections…`);
  const figures = await load(server, requestOf(query), { seconds, connections, warmupSeconds });
  checkAnswer(server, query, await post(server.port, QUERIES[query]));
  const run = { server: server.name, query, ...figures };
  runs.push(run);
  if (run.errors + run.non2xx > 0) {
    failed.push(run);
    console.error(`FAILED RUN ${server.name}/${query}: ${run.errors} errors (${run.timeouts} timeouts), ${run.non2xx} non-2xx of ${run.requests} answers`);
  }
  return run;
}

/** Starts, measures and stops one server: only one is ever running under load. */
async function withServer(start, body) {
  const server = await start();
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

/** A connected client, or a clear error at once when Redis is not there (no retrying in the background). */
async function connectRedis() {
  const redis = createClient({ url: redisUrl, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
  redis.on('error', () => undefined); // connect() rejects with it
  await redis.connect().catch((error) => {
    throw new Error(`target 4 needs a Redis at ${redisUrl} (BENCH_REDIS_URL): ${error.message}`);
  });
  return redis;
}

/** Deletes every Redis key under `prefix` (what the gateway of target 4 wrote); answers how many. */
async function dropRedisPrefix(prefix) {
  const redis = await connectRedis();
  let removed = 0;
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length > 0) removed += await redis.del(keys);
  }
  redis.destroy();
  return removed;
}

// Target 4's Redis is looked for first: missing, it fails the bench before any run, not after most.
if (only.has(4)) (await connectRedis()).destroy();

// Server 1, the gateway as deployed alone: its answers are the reference every peer serves.
const scratch = await mkdtemp(join(tmpdir(), 'bench-versus-'));
const answersPath = join(scratch, 'answers.json');
const results = {};
let reference;
try {
  await withServer(
    async () => {
      const warmed = await warmGateway('gateway', {});
      reference = warmed.answers;
      return warmed.gateway;
    },
    async (gateway) => {
      if (only.has(1) || only.has(4)) results.gatewayQuote = await measure(gateway, 'quote');
      if (only.has(3)) results.gatewayDashboard = await measure(gateway, 'dashboard');
    },
  );
  const answers = Object.entries(reference).map(([name, answer]) => ({ name, body: QUERIES[name], text: answer.text, data: answer.json.data }));
  await writeFile(answersPath, JSON.stringify({ contentType: reference.quote.contentType, answers }));

  if (only.has(1) || only.has(3)) {
    await withServer(
      () => startPeer('mercurius', 'mercurius-peer.mjs', answersPath),
      async (mercurius) => {
        await checkPeer(mercurius, reference);
        if (only.has(1)) results.mercuriusQuote = await measure(mercurius, 'quote');
        if (only.has(3)) results.mercuriusDashboard = await measure(mercurius, 'dashboard');
      },
    );
  }
  if (only.has(1)) {
    await withServer(
      () => startPeer('bare', 'bare-peer.mjs', answersPath),
      async (bare) => {
        await checkPeer(bare, reference, { sameBytes: true });
        results.bareQuote = await measure(bare, 'quote');
      },
    );
  }
  if (only.has(2)) {
    await withServer(
      async () => (await warmGateway('gateway-nocache', { RESPONSE_CACHE: 'false' })).gateway,
      async (gateway) => (results.nocacheQuote = await measure(gateway, 'quote')),
    );
    await withServer(
      () => startPeer('apollo', 'apollo-peer.mjs', answersPath),
      async (apollo) => {
        await checkPeer(apollo, reference);
        results.apolloQuote = await measure(apollo, 'quote');
      },
    );
  }
  if (only.has(4)) {
    // A prefix of this run's own: nothing read from, or left for, another run or deployment.
    const prefix = `bench-versus-${randomBytes(6).toString('hex')}`;
    try {
      await withServer(
        async () => (await warmGateway('gateway-redis', { REDIS_URL: redisUrl, REDIS_PREFIX: prefix })).gateway,
        async (gateway) => (results.redisQuote = await measure(gateway, 'quote')),
      );
    } finally {
      // After the gateway has stopped, so nothing is written behind the sweep.
      say(`removed ${await dropRedisPrefix(prefix).catch((error) => `none of the keys (${error.message})`)} keys under ${prefix} from ${redisUrl}`);
    }
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const figures = {
  seconds,
  warmupSeconds,
  connections,
  node: process.version,
  gatewayMain,
  targets: [...only].sort(),
  answers: {
    contentType: reference.quote.contentType,
    gatewayXCache: reference.quote.xCache,
    quoteBytes: Buffer.byteLength(reference.quote.text),
    dashboardBytes: Buffer.byteLength(reference.dashboard.text),
  },
  runs,
};
console.log(JSON.stringify(figures, null, 2));

/** `target N: a/b (a vs b req/s) [met|not met]`; a failed run meets nothing. */
function target(n, a, b, goal, what) {
  if (!a || !b) return;
  const ratio = a.reqPerSec / b.reqPerSec;
  const met = !failed.includes(a) && !failed.includes(b) && ratio >= goal;
  const why = failed.includes(a) || failed.includes(b) ? 'not met: failed run' : met ? 'met' : 'not met';
  console.log(`target ${n}: ${ratio.toFixed(3)} (${a.reqPerSec} vs ${b.reqPerSec} req/s) [${why}]  ${what} ≥ ${goal.toFixed(1)}`);
}
const { gatewayQuote, gatewayDashboard, mercuriusQuote, mercuriusDashboard, bareQuote, nocacheQuote, apolloQuote, redisQuote } = results;
target(1, gatewayQuote, mercuriusQuote, 1.0, 'quote: gateway/mercurius');
target(1, gatewayQuote, bareQuote, 0.7, 'quote: gateway/bare');
if (only.has(1) && gatewayQuote) {
  const met = !failed.includes(gatewayQuote) && gatewayQuote.p99Ms <= 5;
  console.log(`target 1: p99 ${gatewayQuote.p99Ms} ms (p50 ${gatewayQuote.p50Ms} ms) [${met ? 'met' : 'not met'}]  quote: gateway p99 ≤ 5 ms`);
}
target(2, nocacheQuote, apolloQuote, 1.0, 'quote: gateway-nocache/apollo');
target(3, gatewayDashboard, mercuriusDashboard, 0.8, 'dashboard: gateway/mercurius (aim)');
target(4, redisQuote, gatewayQuote, 0.8, 'quote: gateway-redis/gateway');
if (failed.length > 0) {
  console.log(`FAILED RUNS: ${failed.map((run) => `${run.server}/${run.query} (${run.errors} errors, ${run.non2xx} non-2xx)`).join(', ')}`);
  process.exitCode = 1;
}
