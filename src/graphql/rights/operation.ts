import {
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Consumer, Right } from '../../domain/index.js';
import { requiredRights } from './required.js';

/** A field of an operation that its consumer may not have. */
export interface ForbiddenSelection {
  /** `Type.field` */
  readonly field: string;
  /** Response path as far as it is known before execution (list indexes are unknown): `quotes.company.financials`. */
  readonly path: string;
  readonly right: Right;
}

/**
 * Most denied selections listed for one operation. The operation is refused whole whatever the
 * number; without a cap, a document whose fragments multiply its paths (aliases spread in
 * fragments spread twice) would list, and audit, one entry per path of its expansion.
 */
export const MAX_LISTED_DENIALS = 100;

/** An operation as it will run: its schema, its definition, the document's fragments and the variables coerced. */
export interface SelectedOperation {
  readonly schema: GraphQLSchema;
  readonly operation: OperationDefinitionNode;
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  readonly variables: Readonly<Record<string, unknown>>;
}

/**
 * Every field an operation selects that `consumer` lacks a right for (at most MAX_LISTED_DENIALS),
 * found before execution, for RIGHTS_DENIAL=request. Fragments are followed, @skip/@include
 * honoured (`variables` must be coerced, as execution sees them: defaults applied); on an abstract
 * type each possible object type is checked. A field under a denied one is not listed: it would
 * never run.
 *
 * Linear in the document's size: each fragment is walked once per set of object types it is
 * spread on, and its findings (paths relative to where it is spread) are reused at every other
 * spread. A walk that re-entered each spread took 2^n steps for n fragments each spreading the
 * next twice: 23 of them, 940 bytes, held the event loop for 10 s.
 */
export function forbiddenSelections({ schema, operation, fragments, variables }: SelectedOperation, consumer: Consumer): ForbiddenSelection[] {
  const root = schema.getRootType(operation.operation);
  if (!root) return [];
  const included = (node: { readonly directives?: readonly unknown[] }): boolean => {
    const anyNode = node as Parameters<typeof getDirectiveValues>[1];
    if (getDirectiveValues(GraphQLSkipDirective, anyNode, variables)?.['if'] === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, anyNode, variables)?.['if'] !== false;
  };
  /** Findings of each fragment, by name and the object types it was spread on. */
  const walked = new Map<string, readonly ForbiddenSelection[]>();
  /** Fragments being walked: a spread inside itself (a cycle, refused by validation) adds nothing. */
  const walking = new Set<string>();

  const spread = (types: readonly GraphQLObjectType[], name: string): readonly ForbiddenSelection[] => {
    // Own properties only: a spread named `__proto__` or `constructor` names no fragment.
    const fragment = Object.hasOwn(fragments, name) ? fragments[name] : undefined;
    if (!fragment) return [];
    const narrowed = narrow(schema, types, fragment.typeCondition.name.value);
    const key = `${name}\u0000${narrowed.map((type) => type.name).join(',')}`;
    const known = walked.get(key);
    if (known) return known;
    if (walking.has(name)) return [];
    walking.add(name);
    const found = visit(narrowed, fragment.selectionSet);
    walking.delete(name);
    walked.set(key, found);
    return found;
  };

  /** The denials under one selection set, with paths relative to it. */
  const visit = (types: readonly GraphQLObjectType[], selectionSet: SelectionSetNode): readonly ForbiddenSelection[] => {
    const found = new Findings();
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        found.addAll(spread(types, selection.name.value), '');
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        found.addAll(visit(selection.typeCondition ? narrow(schema, types, selection.typeCondition.name.value) : types, selection.selectionSet), '');
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith('__')) continue;
      const key = selection.alias?.value ?? name;
      const childTypes: GraphQLObjectType[] = [];
      let denied = false;
      for (const type of types) {
        const field = type.getFields()[name];
        if (!field) continue;
        const missing = requiredRights(schema, type.name, field).find((right) => !consumer.rights.has(right));
        if (missing !== undefined) {
          denied = true;
          found.add({ field: `${type.name}.${name}`, path: key, right: missing });
          continue;
        }
        const named = getNamedType(field.type);
        if (isObjectType(named)) childTypes.push(named);
        else if (isAbstractType(named)) childTypes.push(...schema.getPossibleTypes(named));
      }
      if (!denied && selection.selectionSet && childTypes.length > 0) found.addAll(visit([...new Set(childTypes)], selection.selectionSet), key);
    }
    return found.list;
  };

  return [...visit([root], operation.selectionSet)];
}

/** Denials in the order met, each path and right once, at most MAX_LISTED_DENIALS. */
class Findings {
  readonly list: ForbiddenSelection[] = [];
  private readonly keys = new Set<string>();

  add(selection: ForbiddenSelection): void {
    if (this.list.length >= MAX_LISTED_DENIALS) return;
    const key = `${selection.path}:${selection.right}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.list.push(selection);
  }

  /** Adds denials found under the field `under` (or at this level when empty). */
  addAll(selections: readonly ForbiddenSelection[], under: string): void {
    for (const selection of selections) {
      if (this.list.length >= MAX_LISTED_DENIALS) return;
      this.add(under ? { ...selection, path: `${under}.${selection.path}` } : selection);
    }
  }
}

/** The object types among `types` that a type condition selects. */
function narrow(schema: GraphQLSchema, types: readonly GraphQLObjectType[], condition: string): GraphQLObjectType[] {
  const target = schema.getType(condition);
  if (!target) return [];
  if (isObjectType(target)) return types.filter((type) => type === target);
  if (isAbstractType(target)) return types.filter((type) => schema.isSubType(target, type));
  return [];
}
