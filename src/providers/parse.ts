import { z } from 'zod';
import { shapeOf } from '../domain/index.js';

/**
 * Tolerant readers for the ways providers spell numbers and dates. Providers send numbers as
 * strings ("312.4200"), with thousands separators ("1,234.5"), as percentages ("1.8418%"), and
 * send "None", "-", "N/A", "." or "" for a missing value. Anything else that is not a number is a
 * malformed payload and fails the schema.
 */

const MISSING = new Set(['', 'none', 'null', 'n/a', 'na', '-', '--', '.', 'nan']);

/** A number or null from a number, a numeric string, or a provider's "missing" spelling. */
export function toNumberOrNull(value: unknown): number | null | typeof INVALID {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return INVALID;
  const text = value.trim();
  if (MISSING.has(text.toLowerCase())) return null;
  const cleaned = text.replace(/,/g, '').replace(/%$/, '');
  const parsed = Number(cleaned);
  return cleaned.length > 0 && Number.isFinite(parsed) ? parsed : INVALID;
}

const INVALID = Symbol('invalid number');

/** zod: a number that may be missing. */
export const looseNumber = z.unknown().transform((value, context) => {
  const parsed = toNumberOrNull(value);
  if (parsed === INVALID) {
    context.addIssue({ code: 'custom', message: `not a number: ${JSON.stringify(value)?.slice(0, 40)}` });
    return z.NEVER;
  }
  return parsed;
});

/** zod: a number that must be there (a quote without a price is not a quote). */
export const requiredNumber = looseNumber.pipe(z.number({ error: 'required number is missing' }));

/** zod: an optional free-text field where providers write "None" or "" for nothing. */
export const looseText = z.unknown().transform((value) => {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return MISSING.has(text.toLowerCase()) ? null : text;
});

/** zod: a number, or null when it is absent, null or spelled as "missing" (providers drop fields they have nothing for). */
export const optionalNumber = looseNumber.optional().transform((value) => value ?? null);

/** zod: free text, or null when it is absent, empty or "None". */
export const optionalText = looseText.optional().transform((value) => value ?? null);

/** A zod shape of `optionalNumber` fields: most of a payload is numbers any of which may be missing. */
export function optionalNumbers<const Names extends readonly string[]>(...names: Names): { readonly [Name in Names[number]]: typeof optionalNumber } {
  return shapeOf(names, optionalNumber);
}

/** A zod shape of `optionalText` fields. */
export function optionalTexts<const Names extends readonly string[]>(...names: Names): { readonly [Name in Names[number]]: typeof optionalText } {
  return shapeOf(names, optionalText);
}

/** A YYYY-MM-DD calendar date from a date, a date-time string, or epoch milliseconds. */
export function toIsoDate(value: string | number | Date): string {
  const date = value instanceof Date ? value : typeof value === 'number' ? new Date(value) : new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  return date.toISOString().slice(0, 10);
}
