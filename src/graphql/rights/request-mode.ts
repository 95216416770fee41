import type { GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { getVariableValues, GraphQLError, Kind, type FragmentDefinitionNode } from 'graphql';
import { ErrorCode, type Consumer } from '../../domain/index.js';
import type { GraphQLContext } from '../context.js';
import type { Denial } from './required.js';
import { forbiddenSelections, type SelectedOperation } from './operation.js';

/**
 * RIGHTS_DENIAL=request: an operation selecting any field its consumer lacks the right for is
 * refused whole, before anything runs, with one FORBIDDEN error listing every such field
 * (`extensions.denied`) and naming the first missing right (`extensions.right`).
 */
export function operationRefusal(selected: SelectedOperation, consumer: Consumer, onDenied?: (denial: Denial) => void): GraphQLError | undefined {
  const denied = forbiddenSelections(selected, consumer);
  const first = denied[0];
  if (!first) return undefined;
  for (const selection of denied) onDenied?.({ consumer, ...selection });
  const who = consumer.anonymous ? 'Callers without credentials' : `Profile "${consumer.profile}"`;
  const fields = [...new Set(denied.map((selection) => selection.field))];
  return new GraphQLError(`${who} lack the rights this operation needs (${fields.join(', ')}); nothing was run.`, {
    extensions: {
      code: ErrorCode.FORBIDDEN,
      right: first.right,
      profile: consumer.profile,
      denied: denied.map(({ path, right }) => ({ path, right })),
      http: { status: 403 },
    },
  });
}

/**
 * The Apollo Server side of RIGHTS_DENIAL=request (graphql-ws subscriptions: see enforceRights): a
 * check the limits plugin runs once every limit has passed, so a document the limits refuse is
 * never walked here (Apollo runs plugins' `didResolveOperation` side by side, so as a plugin of its
 * own this walk ran even while the limit refused the request).
 *
 * @skip/@include are read with the variables coerced as execution will see them: a variable left
 * out takes its default (`$show: Boolean = true`), which the raw request lacks. Variables that do
 * not coerce are left to execution, which refuses them (BAD_USER_INPUT) before any field runs.
 */
export function forbiddenOperationCheck(onDenied?: (denial: Denial) => void): (request: GraphQLRequestContextDidResolveOperation<GraphQLContext>) => void {
  return ({ schema, document, operation, request, contextValue }) => {
    if (!operation) return;
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, { maxErrors: 1 });
    if (coerced.errors) return;
    const fragments: Record<string, FragmentDefinitionNode> = Object.create(null) as Record<string, FragmentDefinitionNode>;
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    }
    const refusal = operationRefusal({ schema, operation, fragments, variables: coerced.coerced }, contextValue.consumer, onDenied);
    if (refusal) throw refusal;
  };
}
