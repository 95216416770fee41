import { LRUCache } from 'lru-cache';
import type { Bar } from '../../domain/index.js';

/**
 * How much each symbol usually moves in a day: the standard deviation of its recent daily log
 * returns, learnt from the daily histories the gateway fetched anyway. A quote's move from the
 * previous close is checked against it (the consistency dimension's jump check); until a daily
 * history of the symbol was read, no jump is judged.
 *
 * Memory bound: `maxSymbols` numbers pairs (LRU).
 */
const RETURNS_USED = 60;
/** Fewer returns than this say little about a symbol's spread. */
const MIN_RETURNS = 20;

export interface DailySpread {
  readonly sigma: number;
  readonly count: number;
}

export class DailyReturns {
  private readonly bySymbol: LRUCache<string, DailySpread>;

  constructor(maxSymbols = 10_000) {
    this.bySymbol = new LRUCache({ max: maxSymbols });
  }

  /** Learns from daily bars, oldest first; the newest ones win over what an older history said. */
  learn(symbol: string, bars: readonly Bar[]): void {
    const recent = bars.slice(-(RETURNS_USED + 1));
    const returns: number[] = [];
    for (let index = 1; index < recent.length; index++) {
      const previous = (recent[index - 1] as Bar).close;
      const close = (recent[index] as Bar).close;
      if (previous > 0 && close > 0) returns.push(Math.log(close / previous));
    }
    if (returns.length < MIN_RETURNS) return;
    const mean = returns.reduce((sum, value) => sum + value, 0) / returns.length;
    const variance = returns.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (returns.length - 1);
    this.bySymbol.set(symbol, { sigma: Math.sqrt(variance), count: returns.length });
  }

  of(symbol: string): DailySpread | undefined {
    return this.bySymbol.peek(symbol);
  }
}
