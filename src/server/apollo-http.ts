import { context, SpanStatusCode } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { parse } from 'graphql';
import { subscriptionRootDirectiveError } from '../graphql/limits/subscription-root.js';
import type { Consumer } from '../domain/index.js';
import { BodyError, checkVariables, isJson, parseBody, readBodyText, requestVariables } from './body.js';
import { setHeaderPairs } from './cors.js';
import { noteLaneAnswer, startOperationSpan, type OperationSpan } from './operation-span.js';
import type { AnswerLane, PrepaidThrottle } from './response-cache/answer-lane.js';

/**
 * The thin node:http integration of Apollo Server (no Express): on this machine it serves about
 * twice the requests per second of the Express one for the same answers (see DESIGN.md).
 */
export function apolloHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  options: {
    readonly maxBodyBytes: number;
    /** The response cache's hits, answered before Apollo (response-cache/answer-lane.ts). */
    readonly lane?: { readonly answers: AnswerLane; readonly prepaid: PrepaidThrottle | undefined } | undefined;
    /** OpenTelemetry traces on: each request runs inside its operation's span (operation-span.ts). */
    readonly traced?: boolean;
  },
) {
  const handle = handler(apollo, options.maxBodyBytes, options.lane);
  if (!options.traced) return handle;
  const traced: GraphQLHandler<TContext> = async (request, response, url, consumer, contextOf, headers) => {
    const operation = startOperationSpan(request, consumer);
    try {
      // Everything the request does, Apollo and the market reads included, runs in this context.
      await context.with(operation.context, () => handle(request, response, url, consumer, contextOf, headers, operation));
    } catch (error) {
      operation.span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      operation.span.end();
    }
  };
  return traced;
}

/**
 * One HTTP GraphQL request. `context` builds this request's context for `consumer` (it knows who
 * is asking: authentication ran first). `headers`: name/value pairs the caller left to the handler
 * to write (CORS), with the lane's own headers when it answers, else before anything else.
 * `operation`: the request's span, when traced.
 */
type GraphQLHandler<TContext> = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  consumer: Consumer,
  context: (consumer: Consumer) => TContext,
  headers?: readonly string[],
  operation?: OperationSpan,
) => Promise<void>;

function handler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  maxBodyBytes: number,
  lane: { readonly answers: AnswerLane; readonly prepaid: PrepaidThrottle | undefined } | undefined,
): GraphQLHandler<TContext> {
  return async (request, response, url, consumer, context, headers, operation) => {
    const arrivedAt = performance.now();
    const text = request.method === 'POST' ? await readBodyText(request, maxBodyBytes) : undefined;
    const laneKey = lane && laneKeyOf(lane.answers, request, consumer, text);
    let caller = consumer;
    if (lane && laneKey !== undefined) {
      const answered = lane.answers.answer(laneKey, consumer, response, arrivedAt, headers);
      const outcome = answered instanceof Promise ? await answered : answered;
      if (outcome.answered) {
        if (operation) noteLaneAnswer(operation);
        return;
      }
      if (outcome.prepaid && lane.prepaid) {
        // A consumer object of this request's own, so the prepaid refusal reaches this request alone.
        caller = { ...consumer };
        lane.prepaid.prepay(caller, outcome.prepaid);
      }
    }
    if (headers) setHeaderPairs(response, headers);
    const body = text === undefined ? undefined : parseBody(request, text);
    // Bounded before Apollo and every plugin get them (see MAX_VARIABLE_DEPTH).
    checkVariables(requestVariables(request.method, body, url.searchParams));
    refuseSubscriptionRootDirectives(request.method === 'POST' ? queryOf(body) : url.searchParams.get('query'));
    const httpGraphQLRequest = apolloRequestOf(request, url, body);
    const result = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: async () => context(caller) });

    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.setHeader('content-length', Buffer.byteLength(result.body.string));
      response.end(result.body.string);
      if (lane && laneKey !== undefined) lane.answers.rememberHit(laneKey, httpGraphQLRequest, response.statusCode, result.headers.get('content-type'), result.body.string);
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
  return apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: apolloRequestOf(request, url, body, accept), context });
}

/**
 * The request as Apollo takes it. Apollo hands this very object to every plugin as
 * `request.http`, which is how the response cache's hits are told apart per request (answer-lane.ts).
 */
function apolloRequestOf(request: IncomingMessage, url: URL, body: unknown, accept?: string): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  if (accept !== undefined) headers.set('accept', accept);
  return { method: request.method ?? 'GET', headers, search: url.search, body };
}

/**
 * The lane's key of a request it may answer: a POST with a JSON body (the text Apollo would have
 * parsed, under the same Content-Type), or a GET with a query string (a query's GET; without one,
 * it is a page or a how-to answer).
 */
function laneKeyOf(answers: AnswerLane, request: IncomingMessage, consumer: Consumer, text: string | undefined): string | undefined {
  if (text !== undefined) return isJson(request.headers['content-type']) ? answers.keyOf(request, consumer, text) : undefined;
  if (request.method === 'GET' && request.url?.includes('?')) return answers.keyOf(request, consumer, request.url);
  return undefined;
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
