import { z } from 'zod';
import { optionalNumber, optionalNumbers, optionalText, optionalTexts, requiredNumber } from '../parse.js';

/**
 * Payload schemas written from Polygon's (Massive's) documented responses. Polygon sends real JSON
 * numbers, but omits fields freely (no `lastTrade` below the Developer plan, no `market_cap` for
 * funds, no `results` when nothing matched), so optional fields read as null; the fields a domain
 * object cannot exist without are required.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

// --- Full market snapshot: GET /v2/snapshot/locale/us/markets/stocks/tickers?tickers=… ---

/** `day`, `prevDay` and `min`: between the 03:30 ET reset and the first trade Polygon sends zeros. */
const SnapshotBarSchema = z.object(optionalNumbers('o', 'h', 'l', 'c', 'v', 't'));

export const SnapshotTickerSchema = z.object({
  ticker: z.string().min(1),
  day: SnapshotBarSchema.optional(),
  prevDay: SnapshotBarSchema.optional(),
  min: SnapshotBarSchema.optional(),
  /** Only on plans with trades (Developer and up); `t` in nanoseconds. */
  lastTrade: z.object({ p: optionalNumber, t: optionalNumber }).optional(),
  todaysChange: optionalNumber,
  /** Percent already: -0.601 means -0.601 %. */
  todaysChangePerc: optionalNumber,
  /** Nanoseconds. */
  updated: optionalNumber,
});
export type SnapshotTicker = z.infer<typeof SnapshotTickerSchema>;

/** Entries are validated one by one, so one odd ticker fails alone rather than the whole batch. */
export const SnapshotResponseSchema = z.object({
  status: z.string().optional(),
  tickers: z.array(z.unknown()).nullish(),
});

// --- Aggregates: GET /v2/aggs/ticker/{T}/range/1/day/{from}/{to} ---

const price = requiredNumber.pipe(z.number().positive());

export const AggregateBarSchema = z.object({
  /** Start of the bar's window, epoch milliseconds. */
  t: requiredNumber,
  o: price,
  h: price,
  l: price,
  c: price,
  v: requiredNumber.pipe(z.number().nonnegative()),
});

/** An unknown ticker and an empty window look alike: `resultsCount: 0` and no `results` at all. */
export const AggregatesResponseSchema = z.object({
  ticker: z.string().optional(),
  status: z.string().optional(),
  resultsCount: z.number().optional(),
  results: z.array(AggregateBarSchema).nullish(),
});

// --- Ticker details: GET /v3/reference/tickers/{T} ---

export const TickerDetailsResponseSchema = z.object({
  results: z.object({
    ticker: z.string().min(1),
    name: z.string().trim().min(1),
    primary_exchange: optionalText,
    currency_name: optionalText,
    market_cap: optionalNumber,
    description: optionalText,
    sic_description: optionalText,
    /** The SEC business address; `state` is a US state code for US companies. */
    address: z.object({ state: optionalText }).optional(),
  }),
});

// --- Ticker search: GET /v3/reference/tickers?search=… ---

export const TickerEntrySchema = z.object({
  ticker: z.string().min(1),
  ...optionalTexts('name', 'market', 'type', 'primary_exchange'),
});
export type TickerEntry = z.infer<typeof TickerEntrySchema>;

export const TickersResponseSchema = z.object({
  results: z.array(TickerEntrySchema).nullish(),
});

// --- Financials: GET /vX/reference/financials?ticker=… ---

/** One standardised line: `{ "label": "Revenues", "value": 3.136e+09, "unit": "USD", "order": 100 }`. */
const LineItemSchema = z.object({
  value: optionalNumber,
  unit: optionalText,
});
export type LineItem = z.infer<typeof LineItemSchema>;

/** A statement is a bag of lines keyed by concept; only the lines a filing reported are there. */
const SectionSchema = z.record(z.string(), LineItemSchema);
export type StatementSection = z.infer<typeof SectionSchema>;

export const FinancialReportSchema = z.object({
  end_date: isoDate,
  filing_date: optionalText,
  acceptance_datetime: optionalText,
  fiscal_period: optionalText,
  fiscal_year: z.union([z.string(), z.number()]).optional(),
  financials: z.object({
    income_statement: SectionSchema.optional(),
    balance_sheet: SectionSchema.optional(),
    cash_flow_statement: SectionSchema.optional(),
  }),
});
export type FinancialReport = z.infer<typeof FinancialReportSchema>;

export const FinancialsResponseSchema = z.object({
  results: z.array(FinancialReportSchema).nullish(),
});
