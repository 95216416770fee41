import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { GraphQLContext } from '../graphql/context.js';

/**
 * `extensions.dataProblems`: what the resolvers found wrong in the data they answered (a price
 * history's missing sessions, duplicate or contradictory bars), by response path, so that no
 * client gets bad data silently. An answer without problems is left exactly as it was.
 */
export function markDataProblems({ contextValue, response }: Pick<GraphQLRequestContextWillSendResponse<GraphQLContext>, 'contextValue' | 'response'>): void {
  const problems = contextValue?.dataProblems;
  if (problems === undefined || problems.isEmpty || response.body.kind !== 'single') return;
  const result = response.body.singleResult;
  result.extensions = { ...result.extensions, dataProblems: problems.entries };
}
