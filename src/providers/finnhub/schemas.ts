import { z } from 'zod';
import { optionalNumber, optionalNumbers, optionalText, optionalTexts, requiredNumber, toNumberOrNull } from '../parse.js';

/**
 * Finnhub's payloads as documented at https://finnhub.io/docs/api (and its published OpenAPI
 * schema). Numbers arrive as JSON numbers, but some fields are null or absent for thin listings,
 * so the readers are tolerant; what a capability cannot do without is required.
 */

/** `/quote`: c current, d change, dp change %, h/l/o day range, pc previous close, t unix seconds. */
export const QuoteSchema = z.object({
  // Required: an unknown symbol still answers `c: 0`, so a missing `c` is a malformed answer.
  c: requiredNumber,
  ...optionalNumbers('d', 'dp', 'h', 'l', 'o', 'pc', 't'),
});
export type FinnhubQuote = z.infer<typeof QuoteSchema>;

/** `/stock/profile2`: `{}` for a symbol Finnhub does not cover. Money and share counts are in millions. */
export const ProfileSchema = z.object({
  ...optionalTexts('name', 'ticker', 'country', 'currency', 'exchange', 'finnhubIndustry'),
  ...optionalNumbers('marketCapitalization', 'shareOutstanding'),
  weburl: optionalText,
});
export type FinnhubProfile = z.infer<typeof ProfileSchema>;

/** `/search`: `{count, result: [{description, displaySymbol, symbol, type}]}`. */
export const SearchSchema = z.object({
  count: optionalNumber,
  result: z.array(
    z.object(optionalTexts('description', 'displaySymbol', 'symbol', 'type')),
  ),
});
export type FinnhubSearch = z.infer<typeof SearchSchema>;

/** One XBRL fact of a reported statement. */
export interface ReportedLine {
  readonly concept: string;
  readonly unit: string | null;
  readonly value: number | null;
}

/**
 * A value we may not need must not sink the whole filing: a fact that is not a number (a footnote
 * marker, say) reads as null instead of failing the payload.
 */
const factValue = z
  .unknown()
  .optional()
  .transform((value) => {
    const number = toNumberOrNull(value);
    return typeof number === 'number' ? number : null;
  });

const LineSchema = z.object({ concept: z.string(), unit: optionalText, value: factValue });

/**
 * A statement section: the live API sends an array of `{concept, label, unit, value}`; the sample in
 * Finnhub's own docs shows an object keyed by concept. Both read as lines; absent reads as none.
 */
const SectionSchema = z
  .union([z.array(LineSchema), z.record(z.string(), factValue), z.null(), z.undefined()])
  .transform((section): ReportedLine[] => {
    if (!section) return [];
    if (Array.isArray(section)) return section;
    return Object.entries(section).map(([concept, value]) => ({ concept, unit: null, value }));
  });

const FilingSchema = z.object({
  year: optionalNumber,
  quarter: optionalNumber,
  form: optionalText,
  // "2019-09-28 00:00:00": the period end is what a statement is dated by, so it must be there.
  endDate: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected a YYYY-MM-DD date'),
  filedDate: optionalText,
  report: z
    .object({ ic: SectionSchema, bs: SectionSchema, cf: SectionSchema })
    .nullish()
    .transform((report) => report ?? { ic: [], bs: [], cf: [] }),
});
export type FinnhubFiling = z.infer<typeof FilingSchema>;

/** `/stock/financials-reported`: `{cik, symbol, data: [filing…]}`, `data: []` for an unknown symbol. */
export const FinancialsReportedSchema = z.object({
  symbol: optionalText,
  data: z.array(FilingSchema).nullish().transform((data) => data ?? []),
});
