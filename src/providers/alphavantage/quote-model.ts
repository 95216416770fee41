import { QuoteSchema, type Quote } from '../../domain/index.js';
import { dayChange, positiveOrNull, wholeVolumeOrNull } from '../kit/quote-figures.js';
import { PROVIDER_ID } from './client.js';

/** The figures both quote endpoints carry, already read as numbers (null where missing). */
export interface QuoteFigures {
  readonly price: number;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly previousClose: number | null;
  readonly volume: number | null;
  readonly change: number | null;
  readonly changePercent: number | null;
}

/**
 * A domain quote, or a reason it cannot be one. Change figures missing upstream are derived from
 * the previous close when there is one; zero open/high/low (sessions without trades) mean "none".
 */
export function toQuote(symbol: string, figures: QuoteFigures, timestamp: Date, asOf: Date): Quote | string {
  const previousClose = positiveOrNull(figures.previousClose);
  const { change, changePercent } = dayChange(figures.price, previousClose, figures, 4);
  if (change === null || changePercent === null) return 'no change figures and no previous close';
  const candidate = {
    symbol,
    price: figures.price,
    change,
    changePercent,
    open: positiveOrNull(figures.open),
    high: positiveOrNull(figures.high),
    low: positiveOrNull(figures.low),
    previousClose,
    volume: wholeVolumeOrNull(figures.volume),
    timestamp,
    source: PROVIDER_ID,
    asOf,
    stale: false,
  };
  const checked = QuoteSchema.safeParse(candidate);
  return checked.success ? checked.data : checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
}
