// Live-quote fan-out (issue 14): two gateway instances on one Redis (a REDIS_PREFIX of the run's
// own, removed after), a fake Finnhub feed ticking every one of SYMBOLS symbols TICKS_PER_SECOND
// times a second, SOCKETS graphql-ws sockets × SUBS one-symbol subscriptions split across the two
// instances, ticking for BENCH_SECONDS. Reports tick-to-client latency (p50/p99, measured by the
// clients against the `t` the fake put in each trade: one machine, one clock), RSS growth per
// subscription, CPU, the symbols subscribed upstream (must equal SYMBOLS: one upstream
// subscription per symbol across the cluster) and the items conflated; then, in the same run, a
// bare `ws` server broadcasting the same frames to the same clients (bench/support/bare-fanout.mjs),
// and the ratios. Targets: p99 ≤ 50 ms, ≤ 15 KB of RSS per subscription.
//
//   npm run build && node bench/stream-fanout.mjs
//   BENCH_SECONDS=20 BENCH_SOCKETS=2000 BENCH_SUBS=5 BENCH_SYMBOLS=500 node bench/stream-fanout.mjs
//   BENCH_HEAP_SNAPSHOT=1 …   also writes a heap snapshot of each gateway at the end (./bench-heap-*)
//   BENCH_GATEWAY_NODE_FLAGS='--max-semi-space-size=32' …   V8 flags for the gateways, after those of `npm start`
//   BENCH_CPU_PROFILE=1 …     runs each gateway under --cpu-prof, profiles in ./bench-cpu/ (summarize: node bench/support/cpu-summary.mjs FILE)
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@redis/client';
import { cpuSeconds, inGatewayLatency, isoTimeAt, Latencies, latencyBuckets, machineShares, machineTimes, metricSum, p99BySecond, percentile, rssMb, round } from './support/fanout-readings.mjs';
import { LeanWebSocket } from './support/lean-ws-client.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const socketsWanted = Number(process.env.BENCH_SOCKETS ?? 2_000);
const subsPerSocket = Number(process.env.BENCH_SUBS ?? 5);
const symbolCount = Number(process.env.BENCH_SYMBOLS ?? 500);
const ticksPerSecond = Number(process.env.BENCH_TICKS_PER_SECOND ?? 4);
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const heapSnapshot = process.env.BENCH_HEAP_SNAPSHOT === '1';
const cpuProfile = process.env.BENCH_CPU_PROFILE === '1';
const cpuProfileDir = join(process.cwd(), 'bench-cpu');
const main = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
const support = (name) => fileURLToPath(new URL(`./support/${name}`, import.meta.url));
const prefix = `mgbench:stream-fanout:${process.pid}:${Date.now().toString(36)}`;
const symbols = Array.from({ length: symbolCount }, (_, index) => `S${String(index).padStart(3, '0')}`.replace(/^S/, 'FX'));
const subscriptions = socketsWanted * subsPerSocket;
// Finnhub carries 50 symbols per key: enough keys for every symbol on either instance.
const keys = Array.from({ length: Math.ceil(symbolCount / 50) + 2 }, (_, index) => `bench-finnhub-key-${index}`);

// The gateways run with the node flags `npm start` passes (package.json), as a deployment does: on
// Node 24, without `--max-semi-space-size=16`, a loaded gateway's young generation grows to 128 MB.
const startFlags = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')).scripts.start.split(' ').filter((word) => word.startsWith('--'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A helper process (bench/support) that says its port once it listens. */
function startHelper(file) {
  const child = fork(support(file), { env: { PATH: process.env.PATH ?? '', TICKS_PER_SECOND: String(ticksPerSecond) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', ({ port }) => resolve({ child, port }));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

async function startGateway(upstreamPort, cwd) {
  const probe = (await import('node:net')).createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = probe.address().port;
  await new Promise((resolve) => probe.close(resolve));
  const nodeFlags = [...startFlags, ...(process.env.BENCH_GATEWAY_NODE_FLAGS ?? '').split(' ').filter(Boolean), ...(heapSnapshot ? ['--heapsnapshot-signal=SIGUSR2'] : []), ...(cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [])];
  const child = spawn(process.execPath, [...nodeFlags, main], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      PROVIDERS: 'finnhub',
      FINNHUB_API_KEY: keys.join(','),
      FINNHUB_BASE_URL: `http://127.0.0.1:${upstreamPort}`,
      FINNHUB_WS_URL: `ws://127.0.0.1:${upstreamPort}`,
      // The fake has no quota: a real deployment sets its plan's ("60/min,30/s" free; keys × that).
      FINNHUB_QUOTA: '1000000/min',
      // Each new subscription's snapshot is one REST quote per symbol (Finnhub answers one symbol a
      // call), and a batch of 100 sockets asks up to 500 cold symbols at once: with the default
      // bulkhead (10 in flight + 100 queued) the rest are refused PROVIDER_UNAVAILABLE, those
      // subscriptions end, and symbols nobody else watches never reach the upstream (the 383/500
      // of the first runs). A real deployment sizes the queue to its subscribe bursts the same way.
      FINNHUB_BULKHEAD_CONCURRENCY: '50',
      FINNHUB_BULKHEAD_QUEUE: '10000',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      // Anonymous clients with the rights and room a fan-out bench needs, so it measures streaming, not refusals.
      AUTH_PROFILES: JSON.stringify({ bench: ['STREAMING', 'QUOTES_REALTIME', 'QUOTES_DELAYED'] }),
      AUTH_ANONYMOUS_PROFILE: 'bench',
      THROTTLE_REQUESTS_PER_MIN: '*=100000000',
      THROTTLE_PROVIDER_CALLS_PER_MIN: '*=100000000',
      LIMIT_COST_BUDGET: '*=100000000',
      LIMIT_SUBSCRIPTIONS_PER_CONSUMER: '*=1000000',
      LIMIT_STREAM_SYMBOLS_PER_CONSUMER: '*=1000000',
    },
    // With BENCH_LOG_LEVEL, each gateway's log goes to a file of the run (./bench-gateway-<port>.log).
    stdio: ['ignore', process.env.BENCH_LOG_LEVEL ? openSync(join(process.cwd(), `bench-gateway-${port}.log`), 'w') : 'ignore', 'inherit'],
  });
  child.once('exit', (code, signal) => code && console.error(`gateway exited with ${code ?? signal}`));
  for (let tries = 0; ; tries++) {
    if (await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false)) break;
    if (tries > 2_000) throw new Error('gateway not ready');
    await sleep(10);
  }
  return { child, port, origin: `http://127.0.0.1:${port}` };
}

/**
 * The clients: `socketsWanted` sockets, opened a batch at a time, each asking for its symbols with
 * `subscribe(socket, symbolsOfSocket)`; every message with a timestamp is timed on arrival, once
 * `recording` is on (after the snapshots, which carry the REST quote's time).
 */
async function openClients(urlOf, onOpen) {
  const state = { recording: false, latencies: new Latencies(), messages: 0, sockets: [], closed: 0, refused: 0, firstRefusal: undefined };
  // The clients are the measuring instrument, on the same two cores as what they measure: each
  // message is read as the bytes it came in (support/lean-ws-client.mjs), its stamp found with a
  // byte search. Both servers are read by the same code, so the ratio between them holds.
  const TIMESTAMP = Buffer.from('"timestamp":"');
  const ERRORS = Buffer.from('"errors"');
  const open = (index) =>
    new Promise((resolve, reject) => {
      const socket = new LeanWebSocket(urlOf(index), 'graphql-transport-ws');
      socket.once('error', reject);
      socket.once('close', () => {
        state.closed += 1;
        // Closed before its ack (an init timeout on a starved gateway): counted, never waited for forever.
        resolve();
      });
      socket.on('message', (data) => {
        state.messages += 1;
        // A subscription refused (its snapshot failed): it ends, and its symbol may never be watched.
        // graphql-ws puts the id first (`{"id":"0","type":"error",…`): the type is looked for in the head.
        const head = data.latin1Slice(0, Math.min(data.length, 40));
        if (head.includes('"type":"error"') || (head.includes('"type":"next"') && data.indexOf(ERRORS) !== -1)) {
          state.refused += 1;
          state.firstRefusal ??= data.toString('utf8', 0, 300);
        }
        if (state.recording) {
          const at = data.indexOf(TIMESTAMP);
          if (at !== -1) {
            const start = at + TIMESTAMP.length;
            state.latencies.push(Date.now() - isoTimeAt(data, start));
          }
        }
        if (head.startsWith('{"type":"connection_ack"')) resolve();
      });
      socket.once('open', () => onOpen(socket, index, resolve));
      state.sockets.push(socket);
    });
  const began = performance.now();
  for (let start = 0; start < socketsWanted; start += 100) {
    await Promise.all(Array.from({ length: Math.min(100, socketsWanted - start) }, (_, offset) => open(start + offset)));
    if ((start / 100) % 5 === 4) console.error(`  ${start + 100} sockets open after ${Math.round(performance.now() - began)} ms (${state.refused} subscriptions refused)`);
  }
  return state;
}

// Socket i goes to gateway i % 2 and sockets 2j and 2j+1 watch the same symbols, so both
// instances watch every symbol and the cluster must keep one upstream subscription per symbol
// between them (with `index * subs` the two instances watched disjoint halves and no lease was
// ever contested).
const symbolsOfSocket = (index) => Array.from({ length: subsPerSocket }, (_, k) => symbols[(Math.floor(index / 2) * subsPerSocket + k) % symbols.length]);

/** Ticks flow for `seconds`: latency recorded, CPU and RSS read at both ends. */
async function measure(clients, pids, origins = []) {
  await sleep(2_000);
  console.error(`  measuring for ${seconds} s`);
  const rssLoaded = [];
  const bucketsBefore = await latencyBuckets(origins);
  const cpuBefore = await Promise.all(pids.map(cpuSeconds));
  const clientCpuBefore = process.cpuUsage();
  const machineBefore = await machineTimes();
  const startedAt = performance.now();
  const messagesBefore = clients.messages;
  clients.recording = true;
  await sleep(seconds * 1_000);
  clients.recording = false;
  const wall = (performance.now() - startedAt) / 1_000;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const machineAfter = await machineTimes();
  const cpuAfter = await Promise.all(pids.map(cpuSeconds));
  for (const pid of pids) rssLoaded.push(await rssMb(pid));
  const inGateway = origins.length > 0 ? inGatewayLatency(bucketsBefore, await latencyBuckets(origins)) : undefined;
  const inOrder = clients.latencies.inOrder();
  const bySecond = p99BySecond(inOrder, seconds);
  const sorted = inOrder.sort();
  return {
    p50Ms: percentile(sorted, 0.5),
    p90Ms: percentile(sorted, 0.9),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.at(-1),
    bySecond,
    itemsPerSecond: Math.round((clients.messages - messagesBefore) / wall),
    cpuCores: round(cpuAfter.reduce((sum, cpu, index) => sum + cpu - cpuBefore[index], 0) / wall),
    // The clients (this process) share the machine: what they took tells how much was left.
    clientCpuCores: round((clientCpu.user + clientCpu.system) / 1e6 / wall),
    // CPU per item a client received: steadier than latency when the machine is shared.
    cpuUsPerItem: round((cpuAfter.reduce((sum, cpu, index) => sum + cpu - cpuBefore[index], 0) * 1e6) / Math.max(1, clients.messages - messagesBefore), 1),
    // A virtual machine's host may take cores back (steal): what this run had to work with.
    machine: machineShares(machineBefore, machineAfter),
    rssLoaded,
    inGateway,
  };
}

// ——— the gateways ———
const upstream = await startHelper('fanout-upstream.mjs');
const cwd = heapSnapshot ? process.cwd() : mkdtempSync(join(tmpdir(), 'mg-fanout-'));
const gateways = [await startGateway(upstream.port, cwd), await startGateway(upstream.port, cwd)];
await sleep(1_000);
const gatewayIdleRss = await Promise.all(gateways.map((gateway) => rssMb(gateway.child.pid)));
const QUERY = 'subscription ($s: [String!]!) { quotes(symbols: $s) { symbol price timestamp source } }';
const gatewayClients = await openClients(
  (index) => `ws://127.0.0.1:${gateways[index % 2].port}/graphql`,
  (socket, index) => {
    socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    // Subscribes once acknowledged: graphql-ws closes a socket that subscribes before.
    socket.once('message', () => symbolsOfSocket(index).forEach((symbol, k) => socket.send(JSON.stringify({ id: String(k), type: 'subscribe', payload: { query: QUERY, variables: { s: [symbol] } } }))));
  },
);
const gatewayFigures = await measure(
  gatewayClients,
  gateways.map((gateway) => gateway.child.pid),
  gateways.map((gateway) => gateway.origin),
);
const upstreamStats = await (await fetch(`http://127.0.0.1:${upstream.port}/stats`)).json();
const conflated = (await Promise.all(gateways.map((gateway) => metricSum(gateway.origin, 'stream_items_conflated_total')))).reduce((a, b) => a + b, 0);
// Per gateway, what its own metrics say of the upstream: tells a lease split from a cap or a failover.
const streamMetrics = ['stream_owned_symbols', 'stream_upstream_symbols', 'stream_upstream_connections', 'stream_symbol_moves_total', 'stream_symbols_unavailable_total', 'stream_cluster_mode_changes_total', 'stream_upstream_feeds'];
// And where its memory is, read at the end of the run while ticks still flow: RSS beyond these is the allocator's and the sockets'.
const memoryMetrics = ['nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes'];
const perGateway = await Promise.all(
  gateways.map(async (gateway) => Object.fromEntries(await Promise.all([...streamMetrics, ...memoryMetrics].map(async (name) => [name.replace(/_bytes$/, '_mb'), name.endsWith('_bytes') ? round((await metricSum(gateway.origin, name)) / 2 ** 20, 1) : await metricSum(gateway.origin, name)])))),
);
const slowClosed = (await Promise.all(gateways.map((gateway) => metricSum(gateway.origin, 'stream_slow_consumers_closed_total')))).reduce((a, b) => a + b, 0);
if (heapSnapshot) {
  for (const gateway of gateways) gateway.child.kill('SIGUSR2');
  await sleep(20_000);
}
for (const socket of gatewayClients.sockets) socket.terminate();
await Promise.all(gateways.map((gateway) => new Promise((resolve) => (gateway.child.once('exit', resolve), gateway.child.kill('SIGTERM')))));
upstream.child.kill();

// ——— the baseline: a bare ws server, the same clients ———
const bare = await startHelper('bare-fanout.mjs');
await sleep(500);
const bareIdleRss = await rssMb(bare.child.pid);
const bareClients = await openClients(
  () => `ws://127.0.0.1:${bare.port}`,
  (socket, index, ready) => {
    socket.send(JSON.stringify({ symbols: symbolsOfSocket(index) }));
    ready();
  },
);
const bareFigures = await measure(bareClients, [bare.child.pid]);
for (const socket of bareClients.sockets) socket.terminate();
bare.child.kill();

const redis = createClient({ url: redisUrl });
await redis.connect();
let removedKeys = 0;
for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (batch.length > 0) removedKeys += await redis.del(batch);
redis.destroy();

const perSubscriptionKb = (loaded, idle) => round(((loaded - idle) * 1024) / subscriptions, 1);
const gatewayRssGrowth = gatewayFigures.rssLoaded.reduce((sum, rss, index) => sum + rss - gatewayIdleRss[index], 0);
const figures = {
  seconds,
  sockets: socketsWanted,
  subscriptions,
  symbols: symbolCount,
  ticksPerSymbolPerSecond: ticksPerSecond,
  upstreamSymbolsSubscribed: upstreamStats.symbols,
  upstreamSubscribeMessages: upstreamStats.subscribeMessages,
  upstreamConnections: upstreamStats.connections,
  subscriptionsRefused: gatewayClients.refused,
  firstRefusal: gatewayClients.firstRefusal,
  perGateway,
  gateway: {
    p50Ms: gatewayFigures.p50Ms,
    p90Ms: gatewayFigures.p90Ms,
    p99Ms: gatewayFigures.p99Ms,
    maxMs: gatewayFigures.maxMs,
    bySecond: gatewayFigures.bySecond,
    itemsPerSecond: gatewayFigures.itemsPerSecond,
    cpuCores: gatewayFigures.cpuCores,
    clientCpuCores: gatewayFigures.clientCpuCores,
    cpuUsPerItem: gatewayFigures.cpuUsPerItem,
    machine: gatewayFigures.machine,
    // The gateways' own histogram over the same window: upstream receipt → written to the socket.
    inGateway: gatewayFigures.inGateway,
    idleRssMb: gatewayIdleRss.map((rss) => round(rss, 0)),
    loadedRssMb: gatewayFigures.rssLoaded.map((rss) => round(rss, 0)),
    rssPerSubscriptionKb: round((gatewayRssGrowth * 1024) / subscriptions, 1),
    conflatedItems: conflated,
    slowConsumersClosed: slowClosed,
    socketsClosed: gatewayClients.closed,
  },
  bare: {
    p50Ms: bareFigures.p50Ms,
    p99Ms: bareFigures.p99Ms,
    maxMs: bareFigures.maxMs,
    bySecond: bareFigures.bySecond,
    itemsPerSecond: bareFigures.itemsPerSecond,
    cpuCores: bareFigures.cpuCores,
    clientCpuCores: bareFigures.clientCpuCores,
    cpuUsPerItem: bareFigures.cpuUsPerItem,
    machine: bareFigures.machine,
    rssPerSubscriptionKb: perSubscriptionKb(bareFigures.rssLoaded[0], bareIdleRss),
  },
  redisKeysRemoved: removedKeys,
};
figures.ratios = {
  p99: round(figures.gateway.p99Ms / Math.max(1, figures.bare.p99Ms)),
  cpu: round(figures.gateway.cpuCores / Math.max(0.01, figures.bare.cpuCores)),
  rssPerSubscription: round(figures.gateway.rssPerSubscriptionKb / Math.max(0.1, figures.bare.rssPerSubscriptionKb)),
};
console.log(JSON.stringify(figures, null, 2));
console.log(
  `gateway p50/p99 ${figures.gateway.p50Ms}/${figures.gateway.p99Ms} ms (target p99 ≤ 50; a second's p99 above 50 in ${figures.gateway.bySecond.secondsOver50Ms} of ${figures.gateway.bySecond.seconds}), ${figures.gateway.cpuUsPerItem} µs CPU per item, ${figures.gateway.rssPerSubscriptionKb} KB RSS per subscription (target ≤ 15), ` +
    `${figures.upstreamSymbolsSubscribed}/${symbolCount} symbols upstream; bare ws p50/p99 ${figures.bare.p50Ms}/${figures.bare.p99Ms} ms, ${figures.bare.cpuUsPerItem} µs CPU per item, ${figures.bare.rssPerSubscriptionKb} KB per subscription; ` +
    `machine stolen by its host ${Math.round(figures.gateway.machine.stealShare * 100)} % (gateway run) and ${Math.round(figures.bare.machine.stealShare * 100)} % (bare run)`,
);
// One upstream subscription per symbol across the cluster (issue 14): anything else is a failed run.
if (figures.upstreamSymbolsSubscribed !== symbolCount) {
  console.error(`FAIL: ${figures.upstreamSymbolsSubscribed} of ${symbolCount} symbols subscribed upstream (${figures.subscriptionsRefused} subscriptions refused)`);
  process.exit(1);
}
process.exit(0);
