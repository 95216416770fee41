import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse, GraphQLRequestListener } from '@apollo/server';
import type { GraphQLContext } from '../graphql/context.js';

/** Response header set when any part of the answer was served stale. */
export const STALE_HEADER = 'x-data-stale';

/**
 * Tells clients when part of an answer was served from cache past its freshness because no
 * provider could answer: `extensions.stale` lists the response paths of the stale answers (as the
 * resolvers noted them in the request's `StaleTracker`) and the HTTP header `X-Data-Stale: true`
 * is set. A fresh answer is left exactly as it was: no extension, no header.
 *
 * One listener object for every request, so a fresh answer costs this plugin one property read.
 */
export function staleAnswers(): ApolloServerPlugin<GraphQLContext> {
  const listener: GraphQLRequestListener<GraphQLContext> = {
    async willSendResponse(context) {
      markStale(context);
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}

/** The work of `staleAnswers` for one response (also run by request-hooks.ts). */
export function markStale({ contextValue, response }: Pick<GraphQLRequestContextWillSendResponse<GraphQLContext>, 'contextValue' | 'response'>): void {
  // The context is ours, but a request that failed before it was built has none worth reading.
  const tracker = contextValue?.stale;
  if (tracker === undefined || tracker.isEmpty) return;
  response.http.headers.set(STALE_HEADER, 'true');
  if (response.body.kind === 'single') {
    const result = response.body.singleResult;
    result.extensions = { ...result.extensions, stale: tracker.paths };
  }
}
