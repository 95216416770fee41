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
import { requiredRights } from './enforce.js';

/** A field of an operation that its consumer may not have. */
export interface ForbiddenSelection {
  /** `Type.field` */
  readonly field: string;
  /** Response path as far as it is known before execution (list indexes are unknown): `quotes.company.financials`. */
  readonly path: string;
  readonly right: Right;
}

/**
 * Every field an operation selects that `consumer` lacks a right for, found before execution, for
 * RIGHTS_DENIAL=request. Fragments are followed, @skip/@include honoured; on an abstract type each
 * possible object type is checked. A field under a denied one is not listed: it would never run.
 */
export function forbiddenSelections(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>>,
  consumer: Consumer,
): ForbiddenSelection[] {
  const root = schema.getRootType(operation.operation);
  if (!root) return [];
  const found: ForbiddenSelection[] = [];
  const seen = new Set<string>();
  const included = (node: { readonly directives?: readonly unknown[] }): boolean => {
    const anyNode = node as Parameters<typeof getDirectiveValues>[1];
    if (getDirectiveValues(GraphQLSkipDirective, anyNode, variables)?.['if'] === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, anyNode, variables)?.['if'] !== false;
  };

  const visit = (types: readonly GraphQLObjectType[], selectionSet: SelectionSetNode, path: string, visitedFragments: ReadonlySet<string>): void => {
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        if (!fragment || visitedFragments.has(fragment.name.value)) continue;
        visit(narrow(schema, types, fragment.typeCondition.name.value), fragment.selectionSet, path, new Set([...visitedFragments, fragment.name.value]));
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.typeCondition ? narrow(schema, types, selection.typeCondition.name.value) : types, selection.selectionSet, path, visitedFragments);
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith('__')) continue;
      const fieldPath = path ? `${path}.${selection.alias?.value ?? name}` : (selection.alias?.value ?? name);
      const childTypes: GraphQLObjectType[] = [];
      let denied = false;
      for (const type of types) {
        const field = type.getFields()[name];
        if (!field) continue;
        const missing = requiredRights(schema, type.name, field).find((right) => !consumer.rights.has(right));
        if (missing !== undefined) {
          denied = true;
          const key = `${fieldPath}:${missing}`;
          if (!seen.has(key)) {
            seen.add(key);
            found.push({ field: `${type.name}.${name}`, path: fieldPath, right: missing });
          }
          continue;
        }
        const named = getNamedType(field.type);
        if (isObjectType(named)) childTypes.push(named);
        else if (isAbstractType(named)) childTypes.push(...schema.getPossibleTypes(named));
      }
      if (!denied && selection.selectionSet && childTypes.length > 0) visit([...new Set(childTypes)], selection.selectionSet, fieldPath, visitedFragments);
    }
  };

  visit([root], operation.selectionSet, '', new Set());
  return found;
}

/** The object types among `types` that a type condition selects. */
function narrow(schema: GraphQLSchema, types: readonly GraphQLObjectType[], condition: string): GraphQLObjectType[] {
  const target = schema.getType(condition);
  if (!target) return [];
  if (isObjectType(target)) return types.filter((type) => type === target);
  if (isAbstractType(target)) return types.filter((type) => schema.isSubType(target, type));
  return [];
}
