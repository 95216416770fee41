// A fake Polygon (paid plan) that knows every ticker: the snapshot answers whatever is asked (250
// a call), ticker details answer any ticker with Apple's record renamed. Each call is answered
// after `latencyMs`, as a remote provider would.
import { fixture, type FakeUpstream } from '../../test/support/fake-upstream.js';
import { SNAPSHOT_PATH, serveSnapshot } from '../../test/support/fake-polygon.js';

// The benches' symbols come from here, as the tests' from test/support.
export { symbolsFrom } from '../../test/support/symbols.js';

const DETAILS_PREFIX = '/v3/reference/tickers/';

export function servePolygon(upstream: FakeUpstream, latencyMs: number, symbols: readonly string[]): void {
  serveSnapshot(upstream, latencyMs);
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
