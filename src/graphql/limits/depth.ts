import type { SelectionSetNode, ValidationRule } from 'graphql';
import { ErrorCode } from '../../domain/index.js';
import { limitError } from './errors.js';
import { measureWithFragments, type SpreadMeasure } from './fragment-measure.js';

/**
 * Refuses an operation nested deeper than `maxDepth` fields (`quotes { company { quote { … } } }`
 * is 3), fragments followed where they are spread. Introspection fields are not counted: they
 * are governed by the introspection switch, and the standard introspection query alone is deeper
 * than a sensible limit for data. A validation rule, so Apollo runs it once per distinct document.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const depth = measureWithFragments(operation.selectionSet, context, selectionDepth);
      if (depth > maxDepth) {
        const name = operation.name ? `Operation ${operation.name.value}` : 'The operation';
        context.reportError(
          limitError(ErrorCode.QUERY_TOO_COMPLEX, `${name} is nested ${depth} fields deep; the limit is ${maxDepth} (maxDepth).`, { limit: 'maxDepth', max: maxDepth, actual: depth }, operation),
        );
      }
      return false;
    },
  });
}

function selectionDepth(selectionSet: SelectionSetNode, spread: SpreadMeasure): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    if (selection.kind === 'Field') {
      if (selection.name.value.startsWith('__')) continue;
      depth = 1 + (selection.selectionSet ? selectionDepth(selection.selectionSet, spread) : 0);
    } else if (selection.kind === 'InlineFragment') {
      depth = selectionDepth(selection.selectionSet, spread);
    } else {
      depth = spread(selection.name.value);
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}
