import { z } from 'zod';
import { ErrorCode, MarketError } from './errors.js';

/** One observation; `value` is null for a gap (FRED's "."), never a made-up zero. */
export const EconomicObservationSchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  value: z.number().finite().nullable(),
});
export type EconomicObservation = z.infer<typeof EconomicObservationSchema>;

export const EconomicSeriesSchema = z.object({
  /** The provider's series id, e.g. GDP, CPIAUCSL, DGS10. */
  id: z.string().min(1),
  title: z.string(),
  units: z.string().nullable(),
  frequency: z.string().nullable(),
  observations: z.array(EconomicObservationSchema),
  source: z.string().min(1),
  asOf: z.date(),
  stale: z.boolean(),
});
export type EconomicSeries = z.infer<typeof EconomicSeriesSchema>;

export const EconomicSeriesQuerySchema = z.object({
  id: z.string(),
  /** Inclusive YYYY-MM-DD bounds; absent means the series' own start or end. */
  from: z.string().optional(),
  to: z.string().optional(),
});
export type EconomicSeriesQuery = z.infer<typeof EconomicSeriesQuerySchema>;

const SERIES_ID_PATTERN = /^[A-Z0-9][A-Z0-9_.]{0,39}$/;

/** Canonical form of a series id (upper case), or BAD_USER_INPUT. */
export function parseSeriesId(input: string): string {
  const id = input.trim().toUpperCase();
  if (!SERIES_ID_PATTERN.test(id)) {
    throw new MarketError(ErrorCode.BAD_USER_INPUT, `"${input.slice(0, 40)}" is not a valid series id: expected 1–40 letters, digits, "_" or "." (e.g. GDP, DGS10).`, {
      id: input.slice(0, 40),
    });
  }
  return id;
}
