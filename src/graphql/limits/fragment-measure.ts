import type { SelectionSetNode, ValidationContext } from 'graphql';

/** The measure of the fragment a spread names (0 for an unknown fragment or a cycle). */
export type SpreadMeasure = (fragmentName: string) => number;

/** Measures one selection set, handing each fragment spread it meets to `spread`. */
export type SelectionMeasure = (selectionSet: SelectionSetNode, spread: SpreadMeasure) => number;

/**
 * Measures an operation's selection set (its depth, its aliases, …) with fragments followed where
 * they are spread. Each fragment is measured once per operation however often it is spread, so a
 * document of fragments spreading fragments costs no more than its size; a fragment spread inside
 * itself (a cycle, reported by the spec's own rule) counts as nothing, and so does an unknown one.
 */
export function measureWithFragments(selectionSet: SelectionSetNode, context: ValidationContext, measure: SelectionMeasure): number {
  const measured = new Map<string, number>();
  const visiting = new Set<string>();
  const spread: SpreadMeasure = (fragmentName) => {
    const fragment = context.getFragment(fragmentName);
    if (!fragment) return 0;
    const known = measured.get(fragmentName);
    if (known !== undefined) return known;
    if (visiting.has(fragmentName)) return 0;
    visiting.add(fragmentName);
    const value = measure(fragment.selectionSet, spread);
    visiting.delete(fragmentName);
    measured.set(fragmentName, value);
    return value;
  };
  return measure(selectionSet, spread);
}
