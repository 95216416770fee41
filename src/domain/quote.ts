import { z } from 'zod';

/** Where a market object came from and how fresh it is. Every market object carries it. */
export const ProvenanceSchema = z.object({
  source: z.string().min(1),
  /** When the provider produced the value (not when we cached it). */
  asOf: z.date(),
  /** True when served past its freshness because no provider could answer. */
  stale: z.boolean(),
  /** Providers that were asked first and failed, in order, when a fallback answered. */
  fallbackFrom: z.array(z.string()).optional(),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

/**
 * How a live item reached the gateway: over a provider's websocket feed, by polling its REST
 * quotes, or from the simulated market's ticks. Only live items say it; a quote answered to a
 * query (and anything the market cache holds) never does, so a cached tick cannot pass itself off
 * as a live one.
 */
export const QuoteFeedSchema = z.enum(['stream', 'poll', 'simulated']);
export type QuoteFeed = z.infer<typeof QuoteFeedSchema>;

export const QuoteSchema = ProvenanceSchema.extend({
  symbol: z.string().min(1),
  price: z.number().finite().positive(),
  change: z.number().finite(),
  /** Percent, not a fraction: 1.84 means +1.84 %. */
  changePercent: z.number().finite(),
  open: z.number().finite().positive().nullable(),
  high: z.number().finite().positive().nullable(),
  low: z.number().finite().positive().nullable(),
  previousClose: z.number().finite().positive().nullable(),
  volume: z.number().int().nonnegative().nullable(),
  /** Time of the last trade or tick the price reflects. */
  timestamp: z.date(),
  /** Set by live sources only (see QuoteFeedSchema); absent on query answers. */
  feed: QuoteFeedSchema.optional(),
});
export type Quote = z.infer<typeof QuoteSchema>;
