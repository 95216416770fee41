import type { ProviderId, Quote } from '../../domain/index.js';
import { dayChange, positiveOrNull, wholeVolumeOrNull } from './quote-figures.js';
import type { Tick } from './stream-protocol.js';

/**
 * A tick carries a price and a time; a domain Quote also needs the day's change, range and volume.
 * Those come from the day's figures, read once per watched symbol from the provider's own REST
 * quote (the baseline), and carried forward tick by tick (the range widens, the price moves).
 */

/** The day's figures a tick is read against; high and low widen as ticks arrive. */
export interface DayFigures {
  readonly previousClose: number;
  readonly open: number | null;
  high: number | null;
  low: number | null;
  readonly volume: number | null;
}

/**
 * The day's figures from a REST quote. The previous close is the quote's, or, where the provider
 * sends only the change, the price less the change. Null when neither is there: a tick could not
 * say how the day stands, and a Quote without a change is no Quote.
 */
export function dayFiguresOf(quote: Quote): DayFigures | null {
  const previousClose = quote.previousClose ?? positiveOrNull(quote.price - quote.change);
  if (previousClose === null) return null;
  return { previousClose, open: quote.open, high: quote.high, low: quote.low, volume: quote.volume };
}

/** The Quote a tick makes against the day's figures; widens the day's range as a side effect. */
export function quoteOfTick(provider: ProviderId, tick: Tick, day: DayFigures): Quote {
  const price = tick.price;
  day.high = Math.max(day.high ?? price, price);
  day.low = Math.min(day.low ?? price, price);
  const { change, changePercent } = dayChange(price, day.previousClose, { change: null, changePercent: null }, 4);
  const timestamp = new Date(tick.timestamp);
  return {
    symbol: tick.symbol,
    price,
    // dayChange always answers when given a previous close.
    change: change ?? 0,
    changePercent: changePercent ?? 0,
    open: positiveOrNull(tick.open) ?? day.open,
    high: day.high,
    low: day.low,
    previousClose: day.previousClose,
    volume: wholeVolumeOrNull(tick.dayVolume ?? null) ?? day.volume,
    timestamp,
    source: provider,
    asOf: timestamp,
    stale: false,
    // A live item: the client may tell a pushed tick from a polled or simulated one.
    feed: 'stream',
  };
}
