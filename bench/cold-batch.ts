// A cold 100-symbol `quotes(symbols:[…]) { symbol price company { name } }` against a fake Polygon
// (paid plan) that takes 50 ms to answer each call: how many upstream calls and how long. In the
// same run, the baselines: the same kind of question asked one symbol per request, one request
// after another, and the theoretical minimum of two round trips (quotes, then profiles), beside
// the minimum when profiles come one ticker a call, 4 calls in flight (Polygon has no batch form;
// BENCH_BATCH_CONCURRENCY sets the gateway's POLYGON_BATCH_CONCURRENCY and that minimum).
//
//   npm run build && npm run bench:cold-batch
//   BENCH_LATENCY_MS=50 BENCH_SYMBOLS=100 BENCH_BATCH_CONCURRENCY=10 npx tsx bench/cold-batch.ts
import { startFakeUpstream } from '../test/support/fake-upstream.js';
import { ask, startGateway } from './support/gateway.js';
import { round } from './support/load.js';
import { polygonCalls, servePolygon, symbolsFrom } from './support/polygon.js';

const latencyMs = Number(process.env['BENCH_LATENCY_MS'] ?? 50);
/** Chunks of one batch in flight at once (POLYGON_BATCH_CONCURRENCY; the gateway's default is 4). */
const CHUNK_CONCURRENCY = Number(process.env['BENCH_BATCH_CONCURRENCY'] ?? 4);
const count = Number(process.env['BENCH_SYMBOLS'] ?? 100);

const batchSymbols = symbolsFrom('CB', count);
const oneByOneSymbols = symbolsFrom('CS', count);
const upstream = await startFakeUpstream();
servePolygon(upstream, latencyMs, ['WARM', ...batchSymbols, ...oneByOneSymbols]);
const gateway = await startGateway({
  PROVIDERS: 'polygon',
  POLYGON_API_KEY: 'bench-key-0001',
  POLYGON_BASE_URL: upstream.url,
  POLYGON_QUOTA: '1000000/min',
  POLYGON_BATCH_CONCURRENCY: String(CHUNK_CONCURRENCY),
  POLYGON_BULKHEAD_CONCURRENCY: String(Math.max(10, CHUNK_CONCURRENCY)),
});

type Answer = { symbol: string; price: number; company: { name: string } | null } | null;
function check(answers: readonly Answer[], symbols: readonly string[], errors: unknown): void {
  if (errors) throw new Error(`errors: ${JSON.stringify(errors).slice(0, 500)}`);
  symbols.forEach((symbol, index) => {
    if (answers[index]?.symbol !== symbol || answers[index]?.company?.name !== `${symbol} Corp.`) throw new Error(`wrong answer for ${symbol}`);
  });
}

try {
  // Connections to the upstream opened and code paths compiled before anything is timed.
  await ask(gateway.url, '{ quote(symbol: "WARM") { symbol price company { name } } }');

  let since = upstream.requests.length;
  const batchStarted = performance.now();
  const batch = await ask(gateway.url, 'query Q($s: [String!]!) { quotes(symbols: $s) { symbol price company { name } } }', { s: batchSymbols });
  const batchMs = performance.now() - batchStarted;
  check((batch.data?.['quotes'] ?? []) as Answer[], batchSymbols, batch.errors);
  const batchCalls = polygonCalls(upstream, since);

  since = upstream.requests.length;
  const oneByOneStarted = performance.now();
  const oneByOne: Answer[] = [];
  let oneByOneErrors: unknown;
  for (const symbol of oneByOneSymbols) {
    const answer = await ask(gateway.url, 'query Q($s: String!) { quote(symbol: $s) { symbol price company { name } } }', { s: symbol });
    oneByOneErrors ??= answer.errors;
    oneByOne.push((answer.data?.['quote'] ?? null) as Answer);
  }
  const oneByOneMs = performance.now() - oneByOneStarted;
  check(oneByOne, oneByOneSymbols, oneByOneErrors);
  const oneByOneCalls = polygonCalls(upstream, since);

  const minimumMs = 2 * latencyMs;
  // Polygon answers profiles one ticker a call: one snapshot round, then count / concurrency rounds of them.
  const boundedMinimumMs = latencyMs * (1 + Math.ceil(count / CHUNK_CONCURRENCY));
  const figures = {
    symbols: count,
    upstreamLatencyMs: latencyMs,
    batch: { wallMs: round(batchMs, 1), upstreamCalls: batchCalls },
    oneRequestPerSymbol: { wallMs: round(oneByOneMs, 1), upstreamCalls: oneByOneCalls },
    theoreticalMinimumMs: minimumMs,
    minimumAtChunkConcurrencyMs: boundedMinimumMs,
    batchVsOneByOne: round(batchMs / oneByOneMs),
    batchVsMinimum: round(batchMs / minimumMs, 2),
    batchVsMinimumAtChunkConcurrency: round(batchMs / boundedMinimumMs, 2),
  };
  console.log(JSON.stringify(figures, null, 2));
  console.log(
    `${count} symbols in one request: ${figures.batch.wallMs} ms, ${batchCalls.total} upstream calls (${batchCalls.snapshot} snapshot, ${batchCalls.details} ticker details); ` +
      `one request per symbol: ${figures.oneRequestPerSymbol.wallMs} ms, ${oneByOneCalls.total} calls; ratio ${figures.batchVsOneByOne}; ` +
      `${figures.batchVsMinimum}× the ${minimumMs} ms minimum, ${figures.batchVsMinimumAtChunkConcurrency}× the ${boundedMinimumMs} ms minimum with ${CHUNK_CONCURRENCY} profile calls in flight`,
  );
} finally {
  await gateway.stop();
  await upstream.close();
}
