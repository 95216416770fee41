import type { FakeUpstream } from './fake-upstream.js';

/** Polygon's all-tickers snapshot (paid plans): one call answers up to 250 tickers. */
export const SNAPSHOT_PATH = '/v2/snapshot/locale/us/markets/stocks/tickers';

/**
 * Makes a fake upstream answer the snapshot for whatever tickers are asked (a plain day each,
 * updated now), after `latencyMs`. Batching tests and benches need any number of symbols, more
 * than a recorded fixture holds.
 */
export function serveSnapshot(upstream: FakeUpstream, latencyMs = 0): void {
  upstream.on({ path: SNAPSHOT_PATH }, (request) => {
    const tickers = (request.query['tickers'] ?? '').split(',').map((ticker, index) => ({
      ticker,
      day: { c: 100 + index, h: 110, l: 90, o: 95, v: 1000, vw: 100 },
      prevDay: { c: 99, h: 100, l: 98, o: 99, v: 1000, vw: 99 },
      todaysChange: 1,
      todaysChangePerc: 1.0101,
      updated: Date.now() * 1_000_000,
    }));
    return { json: { status: 'OK', count: tickers.length, request_id: 'fake', tickers }, delayMs: latencyMs };
  });
}
