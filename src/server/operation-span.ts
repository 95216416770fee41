import type { IncomingMessage } from 'node:http';
import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { Consumer } from '../domain/index.js';
import type { GraphQLContext } from '../graphql/context.js';

const tracer = trace.getTracer('marketgraph.server');

/** The span of one HTTP GraphQL operation and the context to run it in (its reads nest under it). */
export interface OperationSpan {
  readonly span: Span;
  readonly context: Context;
}

/**
 * Starts the span of one GraphQL operation over HTTP: a child of the caller's `traceparent` when
 * it sent one (W3C Trace Context; the gateway sends it to no provider), with who asked. Named
 * `graphql.operation` until the operation is known (`noteOperation`). Only called with tracing on.
 */
export function startOperationSpan(request: IncomingMessage, consumer: Consumer): OperationSpan {
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const span = tracer.startSpan(
    'graphql.operation',
    { kind: SpanKind.SERVER, attributes: { 'marketgraph.consumer.id': consumer.id, 'marketgraph.consumer.profile': consumer.profile, 'http.request.method': request.method ?? 'GET' } },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

/** An operation answered by the answer lane (server/response-cache/answer-lane.ts): nothing below ran. */
export function noteLaneAnswer(operation: OperationSpan): void {
  operation.span.setAttribute('marketgraph.cache', 'lane');
  operation.span.updateName('graphql.operation (answer lane)');
}

/**
 * What Apollo learnt of the operation, on its span: its name, type and document hash, whether
 * the response cache answered it (HIT or MISS, absent for operations it does not keep), the
 * error codes it answered with. Run in the operation's context (request-hooks.ts).
 */
export function noteOperation(request: Pick<GraphQLRequestContextWillSendResponse<GraphQLContext>, 'operation' | 'operationName' | 'queryHash' | 'response' | 'errors'>): void {
  const span = trace.getActiveSpan();
  if (span === undefined || !span.isRecording()) return;
  const type = request.operation?.operation;
  const name = request.operationName ?? undefined;
  if (type) span.updateName(name ? `${type} ${name}` : type);
  span.setAttributes({
    ...(type ? { 'graphql.operation.type': type } : {}),
    ...(name ? { 'graphql.operation.name': name } : {}),
    ...(request.queryHash ? { 'graphql.document.hash': request.queryHash } : {}),
  });
  const cache = request.response.http.headers.get('x-cache');
  if (cache) span.setAttribute('marketgraph.cache', cache);
  const codes = new Set<string>();
  for (const error of request.errors ?? []) codes.add(String(error.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR'));
  const body = request.response.body;
  if (body.kind === 'single') for (const error of body.singleResult.errors ?? []) codes.add(String(error.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR'));
  if (codes.size > 0) {
    span.setAttribute('marketgraph.error_codes', [...codes]);
    span.setStatus({ code: SpanStatusCode.ERROR, message: [...codes].join(', ') });
  }
}
