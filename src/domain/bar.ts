import { z } from 'zod';

export const IntervalSchema = z.enum(['DAY', 'WEEK', 'MONTH']);
export type Interval = z.infer<typeof IntervalSchema>;

/**
 * One OHLCV bar's fields; `date` is the session's calendar date (YYYY-MM-DD, exchange time). What
 * adapters read a provider's bar with: prices that contradict each other are kept as given and
 * reported by the history checks (domain/quality/bar-checks.ts), never repaired or dropped.
 */
export const BarFieldsSchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  open: z.number().finite().positive(),
  high: z.number().finite().positive(),
  low: z.number().finite().positive(),
  close: z.number().finite().positive(),
  volume: z.number().int().nonnegative(),
});

/** A sound bar: its fields, and low ≤ open, close ≤ high. */
export const BarSchema = BarFieldsSchema.refine((bar) => bar.low <= Math.min(bar.open, bar.close) && bar.high >= Math.max(bar.open, bar.close), {
    message: 'bar must satisfy low <= open, close <= high',
  });
export type Bar = z.infer<typeof BarFieldsSchema>;

export const HistoryQuerySchema = z.object({
  symbol: z.string(),
  /** Inclusive calendar dates, YYYY-MM-DD. */
  from: z.string(),
  to: z.string(),
  interval: IntervalSchema,
});
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>;

export const PriceHistorySchema = z.object({
  symbol: z.string(),
  source: z.string(),
  asOf: z.date(),
  stale: z.boolean(),
  bars: z.array(BarSchema),
});
export type PriceHistory = z.infer<typeof PriceHistorySchema>;
