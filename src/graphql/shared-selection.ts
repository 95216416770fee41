import {
  getNamedType,
  getOperationAST,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { isPerCaller } from './types/field-marks.js';
import { isAnswerTime } from './types/provenance.js';

/**
 * Whether the result of executing `operation` on a stream item depends only on the item, the
 * document, its variables and the consumer's rights: true unless it selects, at any depth, a field
 * answered at the moment of answering (`age`: ANSWER_TIME) or per caller (`company`: PER_CALLER).
 * Such a result may be executed once and handed to every subscriber of the same scope.
 *
 * Abstract types and unknown fields answer false: they cannot be checked field by field here, and
 * executing per subscriber is always correct, only slower.
 */
export function sharesResults(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): boolean {
  let byOperation = verdicts.get(document);
  const name = operationName ?? '';
  const known = byOperation?.get(name);
  if (known !== undefined) return known;
  const operation = getOperationAST(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const verdict = operation !== undefined && operation !== null && root !== null && root !== undefined && isPure(schema, root, operation.selectionSet, fragments, new Set());
  if (!byOperation) verdicts.set(document, (byOperation = new Map()));
  byOperation.set(name, verdict);
  return verdict;
}

/** Per document (documents are shared by query text, server/operation-checks.ts), per operation name. */
const verdicts = new WeakMap<DocumentNode, Map<string, boolean>>();

function isPure(
  schema: GraphQLSchema,
  type: GraphQLNamedType,
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  // A fragment spread inside itself fails validation; this only guards the walk against a loop.
  spreading: Set<string>,
): boolean {
  if (!isObjectType(type)) return false;
  const fields = type.getFields();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name === '__typename') continue;
      const field = fields[name];
      if (!field || isAnswerTime(field.extensions) || isPerCaller(field.extensions)) return false;
      if (selection.selectionSet && !isPure(schema, getNamedType(field.type), selection.selectionSet, fragments, spreading)) return false;
      continue;
    }
    const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
    if (!fragment || (selection.kind === Kind.FRAGMENT_SPREAD && spreading.has(selection.name.value))) return false;
    const condition: GraphQLNamedType | null | undefined = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
    if (!condition || condition !== type) return false;
    if (selection.kind === Kind.FRAGMENT_SPREAD) spreading.add(selection.name.value);
    const pure = isPure(schema, type, fragment.selectionSet, fragments, spreading);
    if (selection.kind === Kind.FRAGMENT_SPREAD) spreading.delete(selection.name.value);
    if (!pure) return false;
  }
  return true;
}
