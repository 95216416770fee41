import type { Quote } from '../../src/domain/index.js';

/** A valid domain quote: what the L2 tier accepts back (it validates every value it reads). */
export function quote(symbol: string, price = 232.8): Quote {
  return {
    symbol,
    price,
    change: 1.2,
    changePercent: 0.52,
    open: 231,
    high: 233.5,
    low: 230.1,
    previousClose: 231.6,
    volume: 41_000_000,
    timestamp: new Date('2026-01-02T15:59:59.000Z'),
    source: 'fmp',
    asOf: new Date('2026-01-02T16:00:00.000Z'),
    stale: false,
  };
}
