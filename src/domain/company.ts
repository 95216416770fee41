import { z } from 'zod';
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
