import { QuoteSchema, type Quote } from '../../domain/index.js';
import { PROVIDER_ID } from './client.js';
import { positiveOrNull } from './numbers.js';

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
  const change = figures.change ?? (previousClose !== null ? roundTo(figures.price - previousClose, 6) : null);
  const changePercent = figures.changePercent ?? (previousClose !== null && change !== null ? roundTo((change / previousClose) * 100, 4) : null);
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
    volume: figures.volume !== null && figures.volume >= 0 ? Math.round(figures.volume) : null,
    timestamp,
    source: PROVIDER_ID,
    asOf,
    stale: false,
  };
  const checked = QuoteSchema.safeParse(candidate);
  return checked.success ? checked.data : checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
}

function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
