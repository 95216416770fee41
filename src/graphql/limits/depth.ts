import type { FragmentDefinitionNode, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';
import { ErrorCode } from '../../domain/index.js';
import { limitError } from './errors.js';

/**
 * Refuses an operation nested deeper than `maxDepth` fields (`quotes { company { quote { … } } }`
 * is 3), fragments followed where they are spread. Introspection fields are not counted: they
 * are governed by the introspection switch, and the standard introspection query alone is deeper
 * than a sensible limit for data. A validation rule, so Apollo runs it once per distinct document.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const depth = selectionDepth(operation.selectionSet, context, new Map(), new Set());
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

function selectionDepth(selectionSet: SelectionSetNode, context: ValidationContext, fragments: Map<string, number>, visiting: Set<string>): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    if (selection.kind === 'Field') {
      if (selection.name.value.startsWith('__')) continue;
      depth = 1 + (selection.selectionSet ? selectionDepth(selection.selectionSet, context, fragments, visiting) : 0);
    } else if (selection.kind === 'InlineFragment') {
      depth = selectionDepth(selection.selectionSet, context, fragments, visiting);
    } else {
      depth = fragmentDepth(context.getFragment(selection.name.value), context, fragments, visiting);
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/** Each fragment is measured once; a cycle (reported by the spec's own rule) counts as nothing. */
function fragmentDepth(fragment: FragmentDefinitionNode | null | undefined, context: ValidationContext, fragments: Map<string, number>, visiting: Set<string>): number {
  if (!fragment) return 0;
  const name = fragment.name.value;
  const known = fragments.get(name);
  if (known !== undefined) return known;
  if (visiting.has(name)) return 0;
  visiting.add(name);
  const depth = selectionDepth(fragment.selectionSet, context, fragments, visiting);
  visiting.delete(name);
  fragments.set(name, depth);
  return depth;
}
