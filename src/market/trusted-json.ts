import type { z } from 'zod';

/**
 * `text` read as JSON (through `reviver`) and checked against `schema`; undefined when it is not
 * JSON or not of that shape. What another instance left in Redis is never trusted as it is: a
 * bad entry or message is dropped and the data fetched again, never served.
 */
export function parseTrusted<Schema extends z.ZodType>(text: string, schema: Schema, reviver?: (key: string, value: unknown) => unknown): z.infer<Schema> | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text, reviver as Parameters<typeof JSON.parse>[1]);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
