import { z } from 'zod';
import { optionalNumber, optionalText } from '../parse.js';

/**
 * Where one of our fields is read from in one of FMP's formats: the wire names it goes by, the
 * first that is not null winning (FMP moved some values between fields across versions), and the
 * reader for them.
 */
export interface WireField<V> {
  readonly from: readonly [string, ...string[]];
  readonly read: z.ZodType<V>;
}

/** A field table: every field of `T`, with where it is read from. */
export type WireFields<T> = { readonly [K in keyof T]-?: WireField<T[K]> };

/** A number that may be missing, under any of `names`. */
export function numberFrom(...names: [string, ...string[]]): WireField<number | null> {
  return { from: names, read: optionalNumber };
}

/** Free text that may be missing, under any of `names`. */
export function textFrom(...names: [string, ...string[]]): WireField<string | null> {
  return { from: names, read: optionalText };
}

/**
 * The row schema a field table describes: every wire name read by its field's reader (other
 * fields are dropped), then renamed to ours. The formats differ in names, not in what a value
 * means, so one table per format is the whole difference between them.
 */
export function wireRow<T>(fields: WireFields<T>): z.ZodType<T> {
  const table = Object.entries(fields) as [string, WireField<unknown>][];
  const shape: Record<string, z.ZodType> = {};
  for (const [, field] of table) for (const name of field.from) shape[name] ??= field.read;
  return z.object(shape).transform((row) => {
    const ours: Record<string, unknown> = {};
    for (const [key, field] of table) ours[key] = firstPresent(row, field.from);
    // Every key of T has its entry in the table, read by a reader of T[key]'s type.
    return ours as T;
  });
}

function firstPresent(row: Readonly<Record<string, unknown>>, names: readonly string[]): unknown {
  for (const name of names) {
    const value = row[name];
    if (value !== null && value !== undefined) return value;
  }
  return null;
}
