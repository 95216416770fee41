import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * Subscriptions are served over graphql-ws and over SSE (sse.ts, chosen by the Accept header before
 * Apollo sees the request) only. Without this, Apollo runs a subscription sent by POST as if it were a query: the field resolver sees no event and the client gets an
 * INTERNAL_SERVER_ERROR about a null, which tells them nothing about what to do instead.
 */
export function subscriptionsOverWebSocketOnly(path: string): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError(`Subscriptions are served over WebSocket (graphql-transport-ws protocol) at ${path}, or over Server-Sent Events there with "Accept: text/event-stream"; not as a JSON request.`, {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        },
      };
    },
  };
}
