import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import { parse } from 'graphql';
import { subscriptionRootDirectiveError } from '../graphql/limits/subscription-root.js';
import { BodyError, checkVariables, readBody, requestVariables } from './body.js';

/**
 * The thin node:http integration of Apollo Server (no Express): on this machine it serves about
 * twice the requests per second of the Express one for the same answers (see DESIGN.md).
 */
export function apolloHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  options: { readonly maxBodyBytes: number },
) {
  /** `context` builds this request's context (it knows who is asking: authentication ran first). */
  return async (request: IncomingMessage, response: ServerResponse, url: URL, context: () => Promise<TContext>): Promise<void> => {
    const body = request.method === 'POST' ? await readBody(request, options.maxBodyBytes) : undefined;
    // Bounded before Apollo and every plugin get them (see MAX_VARIABLE_DEPTH).
    checkVariables(requestVariables(request.method, body, url.searchParams));
    refuseSubscriptionRootDirectives(request.method === 'POST' ? queryOf(body) : url.searchParams.get('query'));
    const result = await executeOnApollo(apollo, request, url, body, context);

    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.setHeader('content-length', Buffer.byteLength(result.body.string));
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) {
      if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
    }
    response.end();
  };
}

/**
 * One HTTP GraphQL request through Apollo Server and every plugin of the gateway (limits, rights,
 * response cache, audit), its body already read. `accept` replaces the request's Accept header:
 * SSE runs queries here as JSON requests, then sends the answer as events (sse.ts).
 */
export function executeOnApollo<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  request: IncomingMessage,
  url: URL,
  body: unknown,
  context: () => Promise<TContext>,
  accept?: string,
): Promise<HTTPGraphQLResponse> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  if (accept !== undefined) headers.set('accept', accept);
  return apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body }, context });
}

function queryOf(body: unknown): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)['query'] : undefined;
}

/**
 * Refuses, before Apollo validates, what would make graphql-js 16's validation throw (see
 * subscription-root.ts). Parsed here only when the text could hold the case, so other requests pay
 * two substring searches; text that does not parse is left for Apollo to refuse.
 */
function refuseSubscriptionRootDirectives(query: unknown): void {
  if (typeof query !== 'string' || !query.includes('subscription') || !(query.includes('@skip') || query.includes('@include'))) return;
  let message: string | undefined;
  try {
    message = subscriptionRootDirectiveError(parse(query, { maxTokens: PARSE_MAX_TOKENS }));
  } catch {
    return;
  }
  if (message) throw new BodyError(400, message, { code: 'GRAPHQL_VALIDATION_FAILED' });
}

/** Bounds this extra parse; a longer document is left to Apollo, whose token limit (5,000 by default) refuses it. */
const PARSE_MAX_TOKENS = 100_000;
