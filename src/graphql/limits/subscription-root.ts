import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * graphql-js 16's SingleFieldSubscriptionsRule evaluates @skip/@include on a subscription's root
 * selection while validating, when there are no variables yet: a variable, or an `if` that is no
 * Boolean, makes it throw out of `validate` instead of reporting an error, and the request fails
 * as an internal error (HTTP 500, graphql-ws close 4500). The spec forbids these directives there
 * (since October 2021; graphql-js 17 reports it), so this check refuses them first, on both
 * transports, with graphql-js 17's message.
 *
 * Linear in the document: each fragment spread at the root is entered once.
 */
export function subscriptionRootDirectiveError(document: DocumentNode): string | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== 'subscription') continue;
    if (usesSkipOrInclude(definition.selectionSet, fragments, new Set())) {
      const name = definition.name ? `Subscription "${definition.name.value}"` : 'Anonymous Subscription';
      return `${name} must not use @skip or @include directives in the top level selection.`;
    }
  }
  return undefined;
}

function usesSkipOrInclude(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, entered: Set<string>): boolean {
  for (const selection of selectionSet.selections) {
    if (selection.directives?.some((directive) => directive.name.value === 'skip' || directive.name.value === 'include')) return true;
    if (selection.kind === Kind.INLINE_FRAGMENT && usesSkipOrInclude(selection.selectionSet, fragments, entered)) return true;
    if (selection.kind === Kind.FRAGMENT_SPREAD && !entered.has(selection.name.value)) {
      entered.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment && usesSkipOrInclude(fragment.selectionSet, fragments, entered)) return true;
    }
  }
  return false;
}
