import type { z } from 'zod';

/**
 * A zod object shape that gives every name in `names` the same schema. Records of many like
 * fields (a statement's amounts, a payload's optional numbers) are then written as the list of
 * their names, and the list is one value other code can read too. The result is a mapped type
 * over the names, so `z.object` still infers each field precisely.
 */
export function shapeOf<const Names extends readonly string[], Schema extends z.ZodType>(
  names: Names,
  schema: Schema,
): { readonly [Name in Names[number]]: Schema } {
  // fromEntries types its keys as string; every key is one of `names`, each with `schema`.
  return Object.fromEntries(names.map((name) => [name, schema])) as { readonly [Name in Names[number]]: Schema };
}
