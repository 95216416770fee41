import { z } from 'zod';
import { looseNumber, optionalText } from '../parse.js';

/**
 * FRED's JSON payloads, written from https://fred.stlouisfed.org/docs/api/fred/series.html and
 * series_observations.html. FRED spells every value as a string and a missing one as "."; the
 * envelope around the data (realtime bounds, count, limit, …) is not used and not required.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** One entry of `seriess` (sic: FRED's plural of "series"). */
export const FredSeriesSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  units: optionalText,
  frequency: optionalText,
  /** "2013-07-31 09:26:16-05": when FRED last revised the series; our `asOf`. */
  last_updated: z.string().optional(),
});
export type FredSeries = z.infer<typeof FredSeriesSchema>;

/** An empty `seriess` is possible in principle, so the emptiness is the adapter's to judge. */
export const FredSeriesResponseSchema = z.object({
  seriess: z.array(FredSeriesSchema),
});

export const FredObservationSchema = z.object({
  date: isoDate,
  /** A number as a string, or "." for a gap: null, never a made-up 0. */
  value: looseNumber,
});

export const FredObservationsResponseSchema = z.object({
  /**
   * How many observations the whole window holds; more than were sent means a cut-off page. Only
   * a check, so a strange spelling of it drops the check rather than the answer.
   */
  count: z.number().int().nonnegative().optional().catch(undefined),
  observations: z.array(FredObservationSchema),
});
export type FredObservationsResponse = z.infer<typeof FredObservationsResponseSchema>;

/**
 * FRED's `last_updated` ("2025-09-25 07:56:02-05", an hour-only UTC offset) as a Date, or
 * undefined when it is absent or spelled some other way: then the time of the call stands in.
 */
export function parseLastUpdated(value: string | undefined): Date | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})([+-]\d{2})(?::?(\d{2}))?$/.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const [, date, time, hours, minutes] = match;
  const parsed = new Date(`${date}T${time}${hours}:${minutes ?? '00'}`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}
