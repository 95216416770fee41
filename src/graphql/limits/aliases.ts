import type { SelectionSetNode, ValidationRule } from 'graphql';
import { ErrorCode } from '../../domain/index.js';
import { limitError } from './errors.js';
import { measureWithFragments, type SpreadMeasure } from './fragment-measure.js';

/**
 * Refuses an operation with more than `maxAliases` aliased fields: aliases are how one document
 * asks the same expensive field many times over. A fragment's aliases count each time it is
 * spread, so hiding them in a fragment does not help.
 */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const aliases = measureWithFragments(operation.selectionSet, context, aliasCount);
      if (aliases > maxAliases) {
        context.reportError(
          limitError(ErrorCode.QUERY_TOO_COMPLEX, `The operation uses ${aliases} aliases; the limit is ${maxAliases} (maxAliases).`, { limit: 'maxAliases', max: maxAliases, actual: aliases }, operation),
        );
      }
      return false;
    },
  });
}

function aliasCount(selectionSet: SelectionSetNode, spread: SpreadMeasure): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'Field') {
      if (selection.alias) count += 1;
      if (selection.selectionSet) count += aliasCount(selection.selectionSet, spread);
    } else if (selection.kind === 'InlineFragment') {
      count += aliasCount(selection.selectionSet, spread);
    } else {
      count += spread(selection.name.value);
    }
  }
  return count;
}
