import { ErrorCode, MarketError, parseSymbol, toClientError, type Caller, type Quote } from '../domain/index.js';
import { noteFetchedAt } from './cache/fetched-at.js';

/** How old a delayed quote is at least: the exchanges' usual delay for non-professional display. */
export const QUOTE_DELAY_MS = 15 * 60_000;

/** A quote served with a delay, saying how old it is. */
export interface DelayedQuote extends Quote {
  /** Whole minutes between its timestamp and when it was served; at least the delay. */
  readonly delayMinutes: number;
}

export interface DelayedQuotesOptions {
  /** Current quotes, one entry per symbol (the market service: cache, single flight, chain), read for `caller`. */
  readonly current: (symbols: readonly string[], caller: Caller | undefined) => Promise<Array<Quote | MarketError>>;
  /**
   * The quote at any past instant, from a provider that can price one (the simulated market).
   * When given, delayed quotes are computed as of now − delay and cost no other call.
   */
  readonly quoteAt?: (symbol: string, timeMs: number) => Quote;
  /** Told of each batch priced by `quoteAt`: a provider call like any other, for metrics and audit, made for `caller`. */
  readonly onPriced?: (event: { readonly items: number; readonly durationMs: number; readonly caller: Caller | undefined }) => void;
  /**
   * How long a price of the past from `quoteAt` is served again (the quote TTL, CACHE_TTL_QUOTES):
   * within it a read is a cache hit, which makes no provider call. Default 0: every read prices.
   */
  readonly reuseMs?: number;
  /**
   * Asked before `quoteAt` prices symbols not priced within `reuseMs`: an error refuses that
   * pricing, and those symbols answer it (the consumer's spent provider-call budget). Not asked
   * for a read without a caller.
   */
  readonly refuseCall?: (caller: Caller) => Promise<MarketError | undefined>;
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
  /** Per symbol, the last price of the past from `quoteAt` and when (epoch ms, wall clock) it was made. */
  private readonly priced = new Map<string, { readonly quote: Quote; readonly at: number }>();
  /** Per symbol, a pricing under way: undefined once done if its reader was refused the call. */
  private readonly pricing = new Map<string, Promise<Quote | MarketError | undefined>>();

  constructor(private readonly options: DelayedQuotesOptions) {
    this.delayMs = options.delayMs ?? QUOTE_DELAY_MS;
    this.maxSymbols = options.maxSymbols ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get delayMinutes(): number {
    return Math.round(this.delayMs / 60_000);
  }

  async get(symbols: readonly string[], caller?: Caller): Promise<Array<DelayedQuote | MarketError>> {
    const now = this.now();
    const quoteAt = this.options.quoteAt;
    if (quoteAt) return this.priceAsOf(quoteAt, symbols, now, caller);
    const current = await this.options.current(symbols, caller);
    return current.map((quote) => (quote instanceof MarketError ? quote : (this.aged(quote, now) ?? this.notHeldYet(quote, now))));
  }

  /**
   * What a delayed live stream sends for a live tick: the quote at now − delay when the past can
   * be priced (a pure function of time, like the tick itself, so no provider call), else the tick
   * once it is old enough, else the newest remembered tick that has aged past the delay. Nothing
   * while none has: a stream waits for its first delayed item rather than hearing an error per tick.
   */
  fromLive(tick: Quote): DelayedQuote | undefined {
    const now = this.now();
    const quoteAt = this.options.quoteAt;
    if (!quoteAt) return this.aged(tick, now);
    const quote = quoteAt(tick.symbol, now - this.delayMs);
    return { ...quote, delayMinutes: minutesBetween(quote, now) };
  }

  /** Prices each symbol as of now − delay, reusing a price made within `reuseMs` (a hit: no call). */
  private async priceAsOf(
    quoteAt: (symbol: string, timeMs: number) => Quote,
    inputs: readonly string[],
    now: number,
    caller: Caller | undefined,
  ): Promise<Array<DelayedQuote | MarketError>> {
    const wall = Date.now();
    const reuseMs = this.options.reuseMs ?? 0;
    const answers = new Array<DelayedQuote | MarketError>(inputs.length);
    const misses: Array<{ readonly index: number; readonly symbol: string }> = [];
    inputs.forEach((input, index) => {
      try {
        const symbol = parseSymbol(input);
        const kept = this.priced.get(symbol);
        // Noted like a market-cache hit, so a whole response holding it lives no longer than it.
        if (kept && wall - kept.at < reuseMs) answers[index] = noteFetchedAt({ ...kept.quote, delayMinutes: minutesBetween(kept.quote, now) }, 'quote', kept.at);
        else misses.push({ index, symbol });
      } catch (error) {
        answers[index] = toClientError(error);
      }
    });
    if (misses.length === 0) return answers;
    const priced = await this.priceMisses(quoteAt, misses.map(({ symbol }) => symbol), now, wall, caller);
    misses.forEach(({ index }, position) => {
      const quote = priced[position] as Quote | MarketError;
      answers[index] = quote instanceof MarketError ? quote : { ...quote, delayMinutes: minutesBetween(quote, now) };
    });
    return answers;
  }

  /**
   * Prices the symbols no pricing is under way for, once a call is allowed (`refuseCall`); a read
   * of a symbol being priced joins that pricing and costs nothing. The check can wait for Redis,
   * and without this every read of a herd arriving meanwhile would price, and be charged a call.
   * A read that joined a pricing whose own reader was refused asks for itself.
   */
  private async priceMisses(
    quoteAt: (symbol: string, timeMs: number) => Quote,
    symbols: readonly string[],
    now: number,
    wall: number,
    caller: Caller | undefined,
  ): Promise<Array<Quote | MarketError>> {
    const own = [...new Set(symbols.filter((symbol) => !this.pricing.has(symbol)))];
    let refusal: MarketError | undefined;
    if (own.length > 0) {
      const run = (async () => {
        // A check that fails is no refusal: a read never fails for the budget store.
        refusal = caller && (await this.options.refuseCall?.(caller).catch(() => undefined));
        return refusal ? undefined : this.priceNow(quoteAt, own, now, wall, caller);
      })();
      for (const symbol of own) {
        const one = run.then((priced) => priced?.get(symbol));
        this.pricing.set(symbol, one);
        void one.finally(() => this.pricing.get(symbol) === one && this.pricing.delete(symbol));
      }
    }
    return Promise.all(
      symbols.map(async (symbol): Promise<Quote | MarketError> => {
        const priced = await this.pricing.get(symbol);
        if (priced !== undefined) return priced;
        if (refusal && own.includes(symbol)) return refusal;
        return (await this.priceMisses(quoteAt, [symbol], now, wall, caller))[0] as Quote | MarketError;
      }),
    );
  }

  /** One provider call: prices `symbols` as of now − delay, keeps each price for `reuseMs`. */
  private priceNow(
    quoteAt: (symbol: string, timeMs: number) => Quote,
    symbols: readonly string[],
    now: number,
    wall: number,
    caller: Caller | undefined,
  ): Map<string, Quote | MarketError> {
    const started = performance.now();
    const priced = new Map<string, Quote | MarketError>();
    for (const symbol of symbols) {
      try {
        const quote = quoteAt(symbol, now - this.delayMs);
        if ((this.options.reuseMs ?? 0) > 0) this.keepPriced(symbol, quote, wall);
        priced.set(symbol, quote);
      } catch (error) {
        priced.set(symbol, toClientError(error));
      }
    }
    this.options.onPriced?.({ items: symbols.length, durationMs: performance.now() - started, caller });
    return priced;
  }

  private keepPriced(symbol: string, quote: Quote, at: number): void {
    this.priced.delete(symbol);
    this.priced.set(symbol, { quote, at });
    if (this.priced.size > this.maxSymbols) {
      const oldest = this.priced.keys().next().value;
      if (oldest !== undefined) this.priced.delete(oldest);
    }
  }

  /** The quote itself when old enough, else the newest remembered one that is (remembering this one). */
  private aged(quote: Quote, now: number): DelayedQuote | undefined {
    if (now - quote.timestamp.getTime() >= this.delayMs) return { ...quote, delayMinutes: minutesBetween(quote, now) };
    const history = this.remember(quote);
    for (let index = history.length - 1; index >= 0; index--) {
      const old = history[index]!;
      if (now - old.timestamp.getTime() >= this.delayMs) return { ...old, delayMinutes: minutesBetween(old, now) };
    }
    return undefined;
  }

  /** A symbol with no quote old enough held yet: when to ask again. */
  private notHeldYet(quote: Quote, now: number): MarketError {
    const oldest = this.seen.get(quote.symbol)?.[0] ?? quote;
    const retryAfter = Math.max(1, Math.ceil((oldest.timestamp.getTime() + this.delayMs - now) / 1000));
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

/** Whole minutes between a quote's trade and `now`. */
function minutesBetween(quote: Quote, now: number): number {
  return Math.floor((now - quote.timestamp.getTime()) / 60_000);
}
