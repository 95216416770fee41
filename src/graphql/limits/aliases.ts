import type { FragmentDefinitionNode, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';
import { ErrorCode } from '../../domain/index.js';
import { limitError } from './errors.js';

/**
 * Refuses an operation with more than `maxAliases` aliased fields: aliases are how one document
 * asks the same expensive field many times over. A fragment's aliases count each time it is
 * spread, so hiding them in a fragment does not help.
 */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const aliases = aliasCount(operation.selectionSet, context, new Map(), new Set());
      if (aliases > maxAliases) {
        context.reportError(
          limitError(ErrorCode.QUERY_TOO_COMPLEX, `The operation uses ${aliases} aliases; the limit is ${maxAliases} (maxAliases).`, { limit: 'maxAliases', max: maxAliases, actual: aliases }, operation),
        );
      }
      return false;
    },
  });
}

function aliasCount(selectionSet: SelectionSetNode, context: ValidationContext, fragments: Map<string, number>, visiting: Set<string>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'Field') {
      if (selection.alias) count += 1;
      if (selection.selectionSet) count += aliasCount(selection.selectionSet, context, fragments, visiting);
    } else if (selection.kind === 'InlineFragment') {
      count += aliasCount(selection.selectionSet, context, fragments, visiting);
    } else {
      count += fragmentAliases(context.getFragment(selection.name.value), context, fragments, visiting);
    }
  }
  return count;
}

function fragmentAliases(fragment: FragmentDefinitionNode | null | undefined, context: ValidationContext, fragments: Map<string, number>, visiting: Set<string>): number {
  if (!fragment) return 0;
  const name = fragment.name.value;
  const known = fragments.get(name);
  if (known !== undefined) return known;
  if (visiting.has(name)) return 0;
  visiting.add(name);
  const count = aliasCount(fragment.selectionSet, context, fragments, visiting);
  visiting.delete(name);
  fragments.set(name, count);
  return count;
}
