import { z } from 'zod';
import {
  BarSchema,
  CACHE_KINDS,
  type CacheKind,
  type PublicDetails,
  CompanyProfileSchema,
  EconomicSeriesSchema,
  FinancialStatementSchema,
  QuoteSchema,
  SymbolMatchSchema,
} from '../../domain/index.js';
import { parseTrusted } from '../trusted-json.js';

// The cache's kinds are the domain's (domain/cache-kind.ts); re-exported for the cache's users.
export { CACHE_KINDS, type CacheKind };

/** A provider's NOT_FOUND, remembered: the client error it became, in our words. */
export interface NotFoundNote {
  readonly message: string;
  readonly details: PublicDetails | undefined;
}

/**
 * One cache slot: a value, or a remembered NOT_FOUND (negative caching), and when it was
 * fetched from its provider. Freshness is judged from `storedAt`, never from the store's expiry.
 */
export type CacheEntry<T = unknown> =
  | { readonly storedAt: number; readonly value: T; readonly notFound?: undefined }
  | { readonly storedAt: number; readonly value?: undefined; readonly notFound: NotFoundNote };

/**
 * What each kind's value must be when it comes back from a shared store (this cache's L2, or a
 * cluster flight's outcome): the domain's own schemas.
 */
export const cacheValueSchemas: Readonly<Record<CacheKind, z.ZodType>> = {
  // Without `feed`, so it is stripped on the way back: a cached quote answers queries, and a tick
  // that ever reached a store must not come back saying it is live.
  quote: QuoteSchema.omit({ feed: true }),
  profile: CompanyProfileSchema,
  history: z.array(BarSchema),
  statements: z.array(FinancialStatementSchema),
  search: z.array(SymbolMatchSchema),
  economicSeries: EconomicSeriesSchema,
};

/** A MarketError's details as they travel through a shared store (see PublicDetails). */
export const publicDetailsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]));

const FORMAT = 1;

const EnvelopeSchema = z.object({
  f: z.literal(FORMAT),
  kind: z.enum(CACHE_KINDS as [CacheKind, ...CacheKind[]]),
  storedAt: z.number().int().nonnegative(),
  value: z.unknown().optional(),
  notFound: z
    .object({
      message: z.string().min(1),
      details: publicDetailsSchema.optional(),
    })
    .optional(),
});

/**
 * The names of every field the domain schemas declare as a Date, found by walking the schemas
 * (so a new Date field cannot be forgotten here). JSON carries Dates as ISO strings; these are
 * the fields turned back into Dates before validation.
 */
function dateFields(schema: z.ZodType, into = new Set<string>(), key?: string): Set<string> {
  const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[]; shape?: Record<string, z.ZodType> } }).def;
  switch (def.type) {
    case 'date':
      if (key !== undefined) into.add(key);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
      if (def.innerType) dateFields(def.innerType, into, key);
      break;
    case 'array':
      if (def.element) dateFields(def.element, into);
      break;
    case 'union':
      for (const option of def.options ?? []) dateFields(option, into, key);
      break;
    case 'object':
      for (const [name, field] of Object.entries((schema as z.ZodObject).shape)) dateFields(field as z.ZodType, into, name);
      break;
  }
  return into;
}

const DATE_FIELDS: ReadonlySet<string> = (() => {
  const fields = new Set<string>();
  for (const schema of Object.values(cacheValueSchemas)) dateFields(schema, fields);
  return fields;
})();

/** The fields decoded as Dates; exported so a test can hold the walker to the domain. */
export const dateFieldNames = (): readonly string[] => [...DATE_FIELDS].sort();

function revive(key: string, value: unknown): unknown {
  return typeof value === 'string' && DATE_FIELDS.has(key) ? new Date(value) : value;
}

/** An entry as the shared store keeps it: JSON with a format mark and its kind. */
export function encodeEntry(kind: CacheKind, entry: CacheEntry): string {
  return JSON.stringify({ f: FORMAT, kind, storedAt: entry.storedAt, ...(entry.notFound ? { notFound: entry.notFound } : { value: entry.value }) });
}

/**
 * An entry read back from the shared store, or `undefined` when it is not one of ours for this
 * kind: unparseable, another format, another kind, or a value its domain schema refuses. Such an
 * entry is never served; the caller drops it and the key is fetched again.
 */
export function decodeEntry<T>(kind: CacheKind, text: string): CacheEntry<T> | undefined {
  const envelope = parseTrusted(text, EnvelopeSchema, revive);
  if (!envelope || envelope.kind !== kind) return undefined;
  const { storedAt, notFound } = envelope;
  if (notFound) return { storedAt, notFound: { message: notFound.message, details: notFound.details } };
  const value = cacheValueSchemas[kind].safeParse(envelope.value);
  return value.success ? { storedAt, value: value.data as T } : undefined;
}
