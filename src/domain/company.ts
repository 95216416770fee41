import { z } from 'zod';
import { ErrorCode, MarketError } from './errors.js';
import { ProvenanceSchema } from './quote.js';

export const CompanyProfileSchema = ProvenanceSchema.extend({
  symbol: z.string().min(1),
  name: z.string().min(1),
  exchange: z.string().nullable(),
  sector: z.string().nullable(),
  industry: z.string().nullable(),
  country: z.string().nullable(),
  currency: z.string().nullable(),
  description: z.string().nullable(),
  /** In the listing currency, whole units. */
  marketCap: z.number().finite().nonnegative().nullable(),
});
export type CompanyProfile = z.infer<typeof CompanyProfileSchema>;

export const SecurityTypeSchema = z.enum(['EQUITY', 'ETF', 'FUND', 'INDEX', 'CRYPTO', 'FOREX', 'OTHER']);
export type SecurityType = z.infer<typeof SecurityTypeSchema>;

export const SymbolMatchSchema = z.object({
  symbol: z.string().min(1),
  name: z.string(),
  exchange: z.string().nullable(),
  type: SecurityTypeSchema,
  source: z.string(),
});
export type SymbolMatch = z.infer<typeof SymbolMatchSchema>;

export const SearchQuerySchema = z.object({
  query: z.string().min(1),
  limit: z.number().int().positive(),
});
export type SearchQuery = z.infer<typeof SearchQuerySchema>;

/** Longest search text, in characters: longer text names no ticker or company, and every distinct text is a cache key. */
export const MAX_SEARCH_TEXT = 64;

/**
 * Search text as providers get it (trimmed, inner spaces collapsed), or BAD_USER_INPUT: blank text
 * asks nothing, and answering it `[]` told a client its typo found no company instead of that it
 * sent nothing.
 */
export function parseSearchText(input: string): string {
  const text = input.trim().replace(/\s+/g, ' ');
  if (text.length === 0) {
    throw new MarketError(ErrorCode.BAD_USER_INPUT, 'Search text must not be empty: give a ticker or words of a company name.', { field: 'query' });
  }
  if ([...text].length > MAX_SEARCH_TEXT) {
    throw new MarketError(ErrorCode.BAD_USER_INPUT, `Search text must be at most ${MAX_SEARCH_TEXT} characters.`, {
      field: 'query',
      maxLength: MAX_SEARCH_TEXT,
    });
  }
  return text;
}
