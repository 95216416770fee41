import { GraphQLError, type OperationDefinitionNode } from 'graphql';

/**
 * Subscriptions are served over graphql-ws and over SSE (sse.ts, chosen by the Accept header
 * before Apollo sees the request) only. Without this, Apollo runs a subscription sent by POST as if
 * it were a query: the field resolver sees no event and the client gets an INTERNAL_SERVER_ERROR
 * about a null, which tells them nothing about what to do instead. Throws the 400 that says so for
 * a subscription; run for each resolved operation by request-hooks.ts.
 */
export function refuseSubscriptionOverHttp(operation: OperationDefinitionNode | undefined, path: string): void {
  if (operation?.operation !== 'subscription') return;
  throw new GraphQLError(`Subscriptions are served over WebSocket (graphql-transport-ws protocol) at ${path}, or over Server-Sent Events there with "Accept: text/event-stream"; not as a JSON request.`, {
    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
  });
}
