import {
  getArgumentValues,
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * How many selections pricing an operation would evaluate with its fragments expanded: the number
 * graphql-query-complexity compares with `maxQueryNodes` (every field, spread and inline fragment
 * of every selection set it enters, a skipped one counted but not entered), computed here without
 * expanding anything. Each fragment is counted once and its count reused wherever it is spread,
 * so the walk is linear in the document's size; the library walks the expansion, and refused
 * the 2^30 selections of 30 fragments each spreading the next twice only after 10,000 steps.
 *
 * `variables` are coerced (defaults applied), as the library coerces them. Undefined when an
 * @skip/@include condition cannot be read (a variable without a value): the library then refuses
 * the variables itself, and the count is left to it.
 */
export function expandedSelections(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): number | undefined {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const counted = new Map<string, number>();
  const counting = new Set<string>();

  const spread = (name: string): number => {
    const known = counted.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    // A cycle is refused by validation; the library skips a fragment already being expanded.
    if (!fragment || !type || !isCompositeType(type) || counting.has(name)) return 0;
    counting.add(name);
    const count = selections(fragment.selectionSet, type);
    counting.delete(name);
    counted.set(name, count);
    return count;
  };

  const selections = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType): number => {
    const fields = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields() : {};
    let count = 0;
    for (const selection of selectionSet.selections) {
      count += 1;
      if (!included(selection, variables)) continue;
      switch (selection.kind) {
        case Kind.FIELD: {
          const field = fieldOf(fields, selection.name.value);
          // The library does not enter a field whose arguments it cannot read.
          if (!field || !selection.selectionSet || !argumentsReadable(field, selection, variables)) break;
          const type = getNamedType(field.type);
          if (isCompositeType(type)) count += selections(selection.selectionSet, type);
          break;
        }
        case Kind.FRAGMENT_SPREAD:
          count += spread(selection.name.value);
          break;
        case Kind.INLINE_FRAGMENT: {
          const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
          if (type && isCompositeType(type)) count += selections(selection.selectionSet, type);
          break;
        }
      }
    }
    return count;
  };

  try {
    return selections(operation.selectionSet, root);
  } catch (error) {
    if (error instanceof UnreadableCondition) return undefined;
    throw error;
  }
}

class UnreadableCondition extends Error {}

type SelectionNode = SelectionSetNode['selections'][number];

/** @skip/@include as the library reads them: only a boolean `if` decides. */
function included(selection: SelectionNode, variables: Readonly<Record<string, unknown>>): boolean {
  if (!selection.directives?.length) return true;
  try {
    const skip = getDirectiveValues(GraphQLSkipDirective, selection, variables)?.['if'];
    const include = getDirectiveValues(GraphQLIncludeDirective, selection, variables)?.['if'];
    return skip !== true && include !== false;
  } catch {
    throw new UnreadableCondition();
  }
}

function fieldOf(fields: Readonly<Record<string, GraphQLField<unknown, unknown>>>, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
  if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}

function argumentsReadable(field: GraphQLField<unknown, unknown>, node: Parameters<typeof getArgumentValues>[1], variables: Readonly<Record<string, unknown>>): boolean {
  if (field.args.length === 0) return true;
  try {
    getArgumentValues(field, node, variables);
    return true;
  } catch {
    return false;
  }
}
