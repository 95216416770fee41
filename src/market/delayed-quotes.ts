import { ErrorCode, MarketError, parseSymbol, toClientError, type Quote } from '../domain/index.js';

/** How old a delayed quote is at least: the exchanges' usual delay for non-professional display. */
export const QUOTE_DELAY_MS = 15 * 60_000;

/** A quote served with a delay, saying how old it is. */
export interface DelayedQuote extends Quote {
  /** Whole minutes between its timestamp and when it was served; at least the delay. */
  readonly delayMinutes: number;
}

export interface DelayedQuotesOptions {
  /** Current quotes, one entry per symbol (the market service: cache, single flight, chain). */
  readonly current: (symbols: readonly string[]) => Promise<Array<Quote | MarketError>>;
  /**
   * The quote at any past instant, from a provider that can price one (the simulated market).
   * When given, delayed quotes are computed as of now − delay and cost no other call.
   */
  readonly quoteAt?: (symbol: string, timeMs: number) => Quote;
  /** Told of each batch priced by `quoteAt`: a provider call like any other, for metrics and audit. */
  readonly onPriced?: (event: { readonly items: number; readonly durationMs: number }) => void;
  readonly delayMs?: number;
  /** Symbols whose recent quotes are remembered; the least recently asked are forgotten first. */
  readonly maxSymbols?: number;
  readonly now?: () => number;
}

/** Quotes remembered per symbol: one at least every 30 s over the last delay and a bit. */
const SNAPSHOT_SPACING_MS = 30_000;
const SNAPSHOTS_PER_SYMBOL = 40;

/**
 * Quotes at least `delayMs` old, for consumers without the QUOTES_REALTIME right.
 *
 * With a provider that can price the past, the quote is the one at now − delay. Otherwise each
 * batch still makes one call for the current quotes (through the cache, so it is shared with
 * realtime consumers): a quote whose trade is already old enough (a closed market, a thin stock)
 * is served as it is; a fresher one is remembered, and the newest remembered quote that has aged
 * past the delay is served instead. Until a symbol has one, it is null with PROVIDER_UNAVAILABLE
 * and `retryAfter`: a realtime price is never handed out as a delayed one.
 */
export class DelayedQuotes {
  private readonly delayMs: number;
  private readonly maxSymbols: number;
  private readonly now: () => number;
  /** Per symbol, remembered quotes oldest first; Map order is least recently asked first. */
  private readonly seen = new Map<string, Quote[]>();

  constructor(private readonly options: DelayedQuotesOptions) {
    this.delayMs = options.delayMs ?? QUOTE_DELAY_MS;
    this.maxSymbols = options.maxSymbols ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get delayMinutes(): number {
    return Math.round(this.delayMs / 60_000);
  }

  async get(symbols: readonly string[]): Promise<Array<DelayedQuote | MarketError>> {
    const now = this.now();
    const quoteAt = this.options.quoteAt;
    if (quoteAt) {
      const started = performance.now();
      const priced = symbols.map((input) => this.asOf(quoteAt, input, now));
      this.options.onPriced?.({ items: symbols.length, durationMs: performance.now() - started });
      return priced;
    }
    const current = await this.options.current(symbols);
    return current.map((quote) => (quote instanceof MarketError ? quote : this.delayed(quote, now)));
  }

  private asOf(quoteAt: (symbol: string, timeMs: number) => Quote, input: string, now: number): DelayedQuote | MarketError {
    try {
      const quote = quoteAt(parseSymbol(input), now - this.delayMs);
      return { ...quote, delayMinutes: Math.floor((now - quote.timestamp.getTime()) / 60_000) };
    } catch (error) {
      return toClientError(error);
    }
  }

  private delayed(quote: Quote, now: number): DelayedQuote | MarketError {
    const age = now - quote.timestamp.getTime();
    if (age >= this.delayMs) return { ...quote, delayMinutes: Math.floor(age / 60_000) };
    const history = this.remember(quote);
    for (let index = history.length - 1; index >= 0; index--) {
      const old = history[index]!;
      const oldAge = now - old.timestamp.getTime();
      if (oldAge >= this.delayMs) return { ...old, delayMinutes: Math.floor(oldAge / 60_000) };
    }
    const retryAfter = Math.max(1, Math.ceil((history[0]!.timestamp.getTime() + this.delayMs - now) / 1000));
    return new MarketError(
      ErrorCode.PROVIDER_UNAVAILABLE,
      `No quote of ${quote.symbol} at least ${this.delayMinutes} minutes old is held yet, and this profile may see only delayed quotes; retry in ${retryAfter} s.`,
      { symbol: quote.symbol, retryAfter },
    );
  }

  /** Adds a quote to its symbol's history (spaced, capped) and answers the history. */
  private remember(quote: Quote): readonly Quote[] {
    const history = this.seen.get(quote.symbol) ?? [];
    this.seen.delete(quote.symbol);
    this.seen.set(quote.symbol, history);
    const last = history[history.length - 1];
    if (!last || quote.timestamp.getTime() - last.timestamp.getTime() >= SNAPSHOT_SPACING_MS) {
      history.push(quote);
      if (history.length > SNAPSHOTS_PER_SYMBOL) history.shift();
    }
    if (this.seen.size > this.maxSymbols) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return history;
  }
}
