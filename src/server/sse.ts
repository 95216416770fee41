import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { HTTPGraphQLResponse } from '@apollo/server';
import { GraphQLError, getOperationAST, parse, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { createHandler, type ExecutionResult, type Response as SseResponse } from 'graphql-sse';
import { ErrorCode, type Consumer } from '../domain/index.js';
import { withoutSuggestions } from '../graphql/suggestions.js';
import { subscribeSharingResults } from '../graphql/shared-results.js';
import { checkVariables, readBody, requestVariables } from './body.js';
import { withoutHttp, type OperationPreparer } from './operation-checks.js';
import type { RefusalListener } from './refusal-audit-plugin.js';
import { wholeRequestRefusal } from './refusals.js';
import { pacedStream, writeEventStream, WriteGate, type OperationStream } from './sse-stream.js';
import type { OpenSubscriptions, SubscriptionSlots } from './ws-limits.js';
import { withTap, type Delivery, type DeliveryTap } from './delivery.js';

export interface EventStreamOptions<TContext> {
  readonly schema: GraphQLSchema;
  /** Parse, validate, limits and budgets: the checks graphql-ws makes (operation-checks.ts). */
  readonly prepare: OperationPreparer;
  /** The subscription slots graphql-ws takes from: a consumer's cap counts both transports. */
  readonly slots?: SubscriptionSlots | undefined;
  readonly context: (consumer: Consumer) => TContext;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Consumers whose errors lose "Did you mean …?" (those who may not introspect), as over HTTP. */
  readonly hidesSuggestions: (consumer: Consumer) => boolean;
  readonly onRefused?: RefusalListener | undefined;
  readonly maxBodyBytes: number;
  /** A query or mutation asked for over SSE, run as a JSON request through Apollo and every plugin (the HTTP path). */
  readonly runOnApollo: (request: IncomingMessage, url: URL, body: unknown, consumer: Consumer) => Promise<HTTPGraphQLResponse>;
  /** The delivery events (metrics) and the slow-consumer close (delivery.ts); absent: neither. */
  readonly delivery?: Delivery | undefined;
}

export interface EventStreams {
  /** Answers one request that asked for `text/event-stream`, its caller authenticated. */
  serve(request: IncomingMessage, response: ServerResponse, url: URL, consumer: Consumer, expiresAt: number | undefined): Promise<void>;
  /** Ends every open stream (a `complete` event each); a client that has not taken it within `graceMs` is cut off. */
  close(graceMs: number): Promise<void>;
  readonly open: number;
}

/** Whether a GraphQL request asks for Server-Sent Events: GET or POST with `text/event-stream` among its Accept types. */
export function wantsEventStream(request: IncomingMessage): boolean {
  if (request.method !== 'GET' && request.method !== 'POST') return false;
  const accept = request.headers.accept;
  // Most requests ask for JSON: one substring search rather than parsing their Accept.
  if (accept === undefined || !accept.toLowerCase().includes('event-stream')) return false;
  return accept.split(',').some((entry) => {
    const [type = '', ...parameters] = entry.split(';').map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    return type === 'text/event-stream' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** One SSE request, as graphql-sse hands it to each hook. */
interface StreamRequest {
  readonly consumer: Consumer;
  readonly expiresAt: number | undefined;
  readonly url: URL;
  readonly body: unknown;
  readonly response: ServerResponse;
  readonly gate: WriteGate;
  /** Its one subscription, as SubscriptionSlots sees a connection. */
  readonly slot: OpenSubscriptions & { readonly subscriptions: Record<string, true> };
  stream?: OperationStream<ExecutionResult>;
  /** The subscription's delivery tap, told as each event is written. */
  tap?: DeliveryTap;
  /** Answered by Apollo, whose errors are already formatted. */
  viaApollo?: boolean;
}

/** Each SSE request holds at most one subscription ("distinct connections mode"): this is its id. */
const SLOT = 'sse';

/**
 * GraphQL over Server-Sent Events (graphql-sse, "distinct connections mode": one operation per
 * request, ended by the client closing it) on the GraphQL path. A subscription passes the checks
 * of graphql-ws (slots, parse, validation, limits and budgets, the rights of its fields), then
 * streams the same iterator (the hub's, conflated). Refused before it starts, it is answered with
 * an HTTP status and a JSON body of coded GraphQL errors, as a POST would be, never with an
 * accepted stream: EventSource reconnects to a stream that ends, but gives up on a 4xx. Queries and
 * mutations go through Apollo as JSON requests, their answer sent as one `next` event.
 */
export function serveEventStreams<TContext>(options: EventStreamOptions<TContext>): EventStreams {
  const open = new Map<StreamRequest, Promise<void>>();
  let closing = false;

  const format = (errors: readonly GraphQLError[], consumer: Consumer): GraphQLFormattedError[] => {
    const formatted = errors.map((error) => options.formatError(withoutHttp(error).toJSON(), error));
    return options.hidesSuggestions(consumer) ? formatted.map(withoutSuggestions) : formatted;
  };
  const release = (state: StreamRequest): void => {
    delete state.slot.subscriptions[SLOT];
    options.slots?.releaseAll(state.slot);
  };

  /** A subscription refused before it started: the status its errors call for, and a coded JSON body. */
  const refuse = (errors: readonly GraphQLError[], state: StreamRequest, operationName: string | undefined): SseResponse => {
    release(state);
    const formatted = format(errors, state.consumer);
    const refusal = wholeRequestRefusal(formatted);
    if (refusal) options.onRefused?.(state.consumer, refusal, operationName);
    const http = errors.map((error) => error.extensions['http'] as { status?: number; headers?: Map<string, string> } | undefined).find(Boolean);
    const status = http?.status ?? statusOf(formatted);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
    for (const [name, value] of http?.headers ?? []) headers[name] = value;
    return [JSON.stringify({ errors: formatted }), { status, statusText: STATUS_CODES[status] ?? '', headers }];
  };

  /** A query or mutation: Apollo's answer, as one event when it succeeded, else as Apollo gave it. */
  const viaApollo = async (request: IncomingMessage, state: StreamRequest): Promise<SseResponse | ExecutionResult> => {
    state.viaApollo = true;
    const answer = await options.runOnApollo(request, state.url, state.body, state.consumer);
    let text = '';
    if (answer.body.kind === 'complete') text = answer.body.string;
    else for await (const chunk of answer.body.asyncIterator) text += chunk;
    const status = answer.status ?? 200;
    // Apollo's own headers (the consumer's RateLimit-*, X-Cache) go out on the event stream too.
    for (const [name, value] of answer.headers) if (name !== 'content-type' && name !== 'content-length') state.response.setHeader(name, value);
    if (status !== 200) return [text, { status, statusText: STATUS_CODES[status] ?? '', headers: { 'content-type': answer.headers.get('content-type') ?? 'application/json' } }];
    return { data: null, ...(JSON.parse(text) as ExecutionResult) };
  };

  const handler = createHandler<IncomingMessage, StreamRequest>({
    schema: options.schema,
    // No stream tokens: "single connection mode" is off, every request is its own stream.
    authenticate: () => null,
    onSubscribe: async (request, params) => {
      const state = request.context;
      if (operationKind(params.query, params.operationName) === 'other') return viaApollo(request.raw, state);
      // A slot first, before any work on the document: a cap reached costs the server nothing more.
      const refusal = options.slots?.take(state.slot, SLOT, state.consumer);
      if (refusal) return refuse([refusal], state, params.operationName);
      state.slot.subscriptions[SLOT] = true;
      try {
        const prepared = await options.prepare(state.consumer, params);
        if (Array.isArray(prepared)) return refuse(prepared, state, params.operationName);
        state.tap = options.delivery?.events.tap('sse');
        const result = await subscribeSharingResults({ ...prepared, contextValue: withTap(options.context(state.consumer), state.tap) });
        // No source stream (a right missing, a bad or unknown symbol): refused like a limit.
        if (!(Symbol.asyncIterator in result)) return refuse(result.errors ?? [], state, params.operationName);
        state.stream = pacedStream<ExecutionResult>(result, { gate: state.gate, expiresAt: state.expiresAt, expired: () => ({ errors: [expiredToken()] }) });
        return state.stream;
      } catch (error) {
        release(state);
        throw error;
      }
    },
    onNext: (_ctx, request, result) => {
      const { viaApollo: formatted, consumer } = request.context;
      // graphql-sse's type says GraphQLError; what goes on the wire is the formatted error.
      if (!formatted && result.errors) return { ...result, errors: format(result.errors, consumer) as unknown as GraphQLError[] };
      return undefined;
    },
    onComplete: (_ctx, request) => release(request.context),
  });

  return {
    async serve(request, response, url, consumer, expiresAt) {
      if (closing) {
        response.writeHead(503, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
        response.end(JSON.stringify({ errors: [{ message: 'The gateway is shutting down.', extensions: { code: ErrorCode.PROVIDER_UNAVAILABLE } }] }));
        return;
      }
      const body = request.method === 'POST' ? await readBody(request, options.maxBodyBytes) : undefined;
      // Bounded before anything walks them, as over HTTP (see MAX_VARIABLE_DEPTH).
      checkVariables(requestVariables(request.method, body, url.searchParams));
      const state: StreamRequest = { consumer, expiresAt, url, body, response, gate: new WriteGate(), slot: { subscriptions: {} } };
      const [answer, init] = await handler({
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        // graphql-sse compares Accept whole; routing already decided this request wants a stream.
        headers: { get: (name) => (name === 'accept' ? 'text/event-stream' : headerValue(request.headers[name])) },
        body: (body ?? null) as string | Record<PropertyKey, unknown> | null,
        raw: request,
        context: state,
      });
      if (answer === null || typeof answer === 'string') {
        const text = init.status >= 400 ? codedErrors(answer, init.status) : (answer ?? '');
        const json = init.status >= 400 ? { 'content-type': 'application/json; charset=utf-8' } : {};
        response.writeHead(init.status, { ...init.headers, ...json, 'content-length': String(Buffer.byteLength(text)) });
        response.end(text);
        return;
      }
      // Proxies that buffer (nginx) would hold the events back; this asks them not to.
      response.writeHead(init.status, { ...init.headers, 'x-accel-buffering': 'no' });
      const delivery = options.delivery;
      const writing = writeEventStream(answer, response, state.gate, {
        onWritten: () => state.tap?.written(),
        slowCloseMs: delivery?.slowCloseMs,
        onSlowClose: () => delivery?.events.emitSlowClosed('sse'),
      }).finally(() => {
        open.delete(state);
        release(state);
      });
      open.set(state, writing);
      await writing;
    },
    async close(graceMs) {
      closing = true;
      for (const state of open.keys()) void state.stream?.return();
      let timer: NodeJS.Timeout | undefined;
      const cutOff = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.allSettled(open.values()), cutOff]);
      clearTimeout(timer);
      for (const state of open.keys()) state.response.destroy();
    },
    get open() {
      return open.size;
    },
  };
}

/** Whether a document's operation is a subscription; `unknown` when it does not parse or names none (the checks then say why). */
function operationKind(query: string, operationName: string | undefined): 'subscription' | 'other' | 'unknown' {
  try {
    // Bounded: only the first operation keywords matter, and the real parse has the token limit.
    const operation = getOperationAST(parse(query, { noLocation: true, maxTokens: 100_000 }), operationName);
    return operation ? (operation.operation === 'subscription' ? 'subscription' : 'other') : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The status of a subscription refused with these errors (a gate refusal brings its own). */
function statusOf(errors: readonly GraphQLFormattedError[]): number {
  const code = errors[0]?.extensions?.['code'];
  switch (code) {
    case ErrorCode.UNAUTHENTICATED:
      return 401;
    case ErrorCode.FORBIDDEN:
      return 403;
    case ErrorCode.RATE_LIMITED:
      return 429;
    case ErrorCode.PROVIDER_UNAVAILABLE:
      return 503;
    case 'INTERNAL_SERVER_ERROR':
      return 500;
    default:
      return 400;
  }
}

function expiredToken(): GraphQLError {
  return new GraphQLError('The token has expired.', { extensions: { code: ErrorCode.UNAUTHENTICATED, reason: 'expired' } });
}

/** graphql-sse's own refusals (a missing query, a body that is not JSON) carry no code; every error leaving the gateway does. */
function codedErrors(body: string | null, status: number): string {
  let errors: Array<{ message?: unknown; extensions?: Record<string, unknown> }> = [];
  try {
    const parsed = body ? (JSON.parse(body) as { errors?: typeof errors }) : {};
    errors = Array.isArray(parsed.errors) ? parsed.errors : [];
  } catch {
    // Not JSON: described below by its status.
  }
  if (errors.length === 0) errors = [{ message: `${status} ${STATUS_CODES[status] ?? ''}: send the GraphQL request as JSON (POST) or in the query string (GET).` }];
  return JSON.stringify({ errors: errors.map((error) => ({ ...error, extensions: { code: 'BAD_REQUEST', ...error.extensions } })) });
}

function headerValue(value: string | readonly string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : (value as string | undefined);
}
