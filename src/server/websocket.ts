import type { Server as HttpServer } from 'node:http';
import { GraphQLError, parse, specifiedRules, validate, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from '../observability/logger.js';

export interface WebSocketOptions<TContext> {
  readonly httpServer: HttpServer;
  readonly path: string;
  readonly schema: GraphQLSchema;
  /** Extra validation rules on top of the spec's (e.g. no introspection in production). */
  readonly validationRules: readonly ValidationRule[];
  readonly context: () => TContext;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  readonly logger: Logger;
}

export interface WebSocketEndpoint {
  /** Closes every client with 1001 (going away) and stops accepting new ones. */
  close(): Promise<void>;
  readonly clients: number;
}

/**
 * graphql-ws on the same port and path as HTTP GraphQL. Each subscription is validated like an
 * HTTP operation and its results pass through the same error formatter, so a WebSocket client
 * sees exactly the codes an HTTP client would.
 */
export function attachWebSocket<TContext>(options: WebSocketOptions<TContext>): WebSocketEndpoint {
  const wss = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: 1024 * 1024 });
  const rules = [...specifiedRules, ...options.validationRules];
  const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((error) => options.formatError(error.toJSON(), error));

  const disposable = useServer<Record<string, unknown> | undefined>(
    {
      schema: options.schema,
      context: () => options.context() as Record<string, unknown>,
      onSubscribe: (_ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('Query could not be parsed.')];
        }
        const errors = validate(options.schema, document, rules);
        if (errors.length > 0) return errors;
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
        };
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
    },
    wss,
  );
  wss.on('error', (error) => options.logger.error({ err: error }, 'websocket server error'));

  return {
    close: async () => {
      await disposable.dispose();
    },
    get clients() {
      return wss.clients.size;
    },
  };
}
