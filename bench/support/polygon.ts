// A fake Polygon (paid plan) that knows every ticker: the snapshot answers whatever is asked (250
// a call), ticker details answer any ticker with Apple's record renamed. Each call is answered
// after `latencyMs`, as a remote provider would.
import { fixture, type FakeUpstream } from '../../test/support/fake-upstream.js';

export const SNAPSHOT_PATH = '/v2/snapshot/locale/us/markets/stocks/tickers';
const DETAILS_PREFIX = '/v3/reference/tickers/';

export function servePolygon(upstream: FakeUpstream, latencyMs: number, symbols: readonly string[]): void {
  upstream.on({ path: SNAPSHOT_PATH }, (request) => {
    const tickers = (request.query['tickers'] ?? '').split(',').map((ticker, index) => ({
      ticker,
      day: { c: 100 + index, h: 110, l: 90, o: 95, v: 1000, vw: 100 },
      prevDay: { c: 99, h: 100, l: 98, o: 99, v: 1000, vw: 99 },
      todaysChange: 1,
      todaysChangePerc: 1.0101,
      updated: Date.now() * 1_000_000,
    }));
    return { json: { status: 'OK', count: tickers.length, request_id: 'bench', tickers }, delayMs: latencyMs };
  });
  // A route is an exact path, so each symbol's details get a route of their own.
  const apple = fixture('polygon/ticker-details-AAPL.json') as { results: Record<string, unknown> };
  for (const symbol of symbols) {
    const json = { ...apple, results: { ...apple.results, ticker: symbol, name: `${symbol} Corp.` } };
    upstream.on({ path: `${DETAILS_PREFIX}${symbol}` }, { json, delayMs: latencyMs });
  }
}

/** Upstream calls by kind: snapshot (quotes) and ticker details (company profiles). */
export interface PolygonCalls {
  readonly snapshot: number;
  readonly details: number;
  readonly total: number;
}

/** Upstream calls by kind since request number `since`, about `symbol` alone when one is named. */
export function polygonCalls(upstream: FakeUpstream, since = 0, symbol?: string): PolygonCalls {
  const requests = upstream.requests.slice(since);
  const snapshot = requests.filter((request) => request.path === SNAPSHOT_PATH && (symbol === undefined || (request.query['tickers'] ?? '').split(',').includes(symbol)));
  const details = requests.filter((request) => request.path.startsWith(DETAILS_PREFIX) && (symbol === undefined || request.path === `${DETAILS_PREFIX}${symbol}`));
  return { snapshot: snapshot.length, details: details.length, total: snapshot.length + details.length };
}

/** `B0`, `B1`, …: distinct valid symbols. */
export const symbolsFrom = (prefix: string, count: number, start = 0): string[] => Array.from({ length: count }, (_, index) => `${prefix}${start + index}`);
