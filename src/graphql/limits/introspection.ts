import { BREAK, visit, type DocumentNode } from 'graphql';

const seen = new WeakMap<DocumentNode, boolean>();

/** Whether a document asks for `__schema` or `__type` anywhere (`__typename` is not introspection). Once per document. */
export function introspects(document: DocumentNode): boolean {
  const known = seen.get(document);
  if (known !== undefined) return known;
  let found = false;
  visit(document, {
    Field(field) {
      if (field.name.value === '__schema' || field.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  seen.set(document, found);
  return found;
}
