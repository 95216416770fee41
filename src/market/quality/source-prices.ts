import { LRUCache } from 'lru-cache';
import type { Quote } from '../../domain/index.js';

/**
 * The latest price each source gave for each symbol, kept for a while so that a quote can be
 * judged against the others (agreement). Filled only by what the gateway fetched anyway (chain
 * answers, consensus calls): knowing another source's price never costs a call.
 *
 * Memory bound: `maxSymbols` symbols (LRU) × the sources that answered for each (one entry per
 * source, replaced in place), so at most symbols × providers small records.
 */
export interface SourcePricesOptions {
  /** How long a price counts as what that source says now. */
  readonly windowMs: number;
  readonly maxSymbols?: number;
  /** The market clock, in epoch milliseconds. */
  readonly now: () => number;
}

interface SeenPrice {
  readonly source: string;
  readonly price: number;
  readonly seenAtMs: number;
}

export class SourcePrices {
  private readonly bySymbol: LRUCache<string, SeenPrice[]>;

  constructor(private readonly options: SourcePricesOptions) {
    this.bySymbol = new LRUCache({ max: options.maxSymbols ?? 10_000 });
  }

  note(quote: Pick<Quote, 'symbol' | 'source' | 'price'>): void {
    const seen = { source: quote.source, price: quote.price, seenAtMs: this.options.now() };
    const prices = this.bySymbol.get(quote.symbol);
    if (prices === undefined) {
      this.bySymbol.set(quote.symbol, [seen]);
      return;
    }
    const index = prices.findIndex((price) => price.source === quote.source);
    if (index === -1) prices.push(seen);
    else prices[index] = seen;
  }

  /** Prices of sources other than `source` seen within the window. */
  othersThan(symbol: string, source: string): Array<{ source: string; price: number }> {
    const prices = this.bySymbol.peek(symbol);
    if (prices === undefined) return [];
    const since = this.options.now() - this.options.windowMs;
    return prices.filter((seen) => seen.source !== source && seen.seenAtMs >= since).map(({ source: other, price }) => ({ source: other, price }));
  }
}
