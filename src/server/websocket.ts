import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionArgs, GraphQLError, GraphQLFormattedError, GraphQLSchema, ValidationRule } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { WebSocketServer } from 'ws';
import { MarketError, type Consumer } from '../domain/index.js';
import type { Logger } from '../observability/logger.js';
import { closeFrameFor, expiredTokenClose, type RequestAuthenticator } from './authentication.js';
import { clientAddress } from './client-address.js';
import type { RefusalListener } from './refusal-audit-plugin.js';
import { wholeRequestRefusal } from './refusals.js';
import type { OperationGate } from './limits-plugin.js';
import { withoutSuggestions } from '../graphql/suggestions.js';
import { floodClose, MessageRate, SubscriptionSlots, type SocketLimits } from './ws-limits.js';
import { serveGraphQLWs, type SocketExtra } from './ws-transport.js';
import { slowConsumerClose, withTap, type Delivery, type DeliveryTap } from './delivery.js';
import { operationPreparer, withoutHttp } from './operation-checks.js';
import { subscribePushing } from '../graphql/pushed-results.js';
import { PushedSubscriptionSink } from './ws-push.js';
import { noteUpgradedSocket } from './ws-frames.js';

export interface WebSocketOptions<TContext> {
  readonly httpServer: HttpServer;
  readonly path: string;
  readonly schema: GraphQLSchema;
  /** Extra validation rules on top of the spec's (e.g. no introspection in production). */
  readonly validationRules: readonly ValidationRule[];
  /** The same limits and throttling as HTTP operations, per subscribe (limits-plugin.ts). */
  readonly gate?: OperationGate;
  /** Parsing stops past this many tokens (LIMIT_MAX_TOKENS). */
  readonly maxTokens?: number;
  /**
   * Whether a browser page of `origin` may open a connection (CORS_ORIGINS). Browsers do not apply
   * CORS to WebSockets, so the server checks the Origin of the upgrade itself.
   */
  readonly allowsOrigin?: (request: IncomingMessage) => boolean;
  /** Proxies trusted to append the client's address to X-Forwarded-For of the upgrade request. */
  readonly trustedProxyHops?: number;
  /** The context of one subscription of `consumer`, who authenticated in `connection_init`. */
  readonly context: (consumer: Consumer) => TContext;
  readonly authenticator: RequestAuthenticator;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Consumers whose errors lose graphql-js's "Did you mean …?" (those who may not introspect), as over HTTP. */
  readonly hidesSuggestions?: (consumer: Consumer) => boolean;
  /** A `connection_init` whose credentials were refused (the connection is closed, no GraphQL error is sent). */
  readonly onConnectionRefused?: (error: MarketError) => void;
  /** A subscribe refused whole by a limit or budget, with the consumer of its connection. */
  readonly onRefused?: RefusalListener;
  /** Subscriptions per connection and per consumer, and messages per connection (ws-limits.ts); unbounded when absent. */
  readonly socketLimits?: SocketLimits;
  /**
   * The subscription slots to take from, when shared with another transport (SSE): a consumer's
   * cap counts its subscriptions over both. Built from `socketLimits` when absent.
   */
  readonly slots?: SubscriptionSlots;
  /** A connection closed for sending too many messages (metrics). */
  readonly onFlood?: () => void;
  /**
   * Backpressure (the high-water mark, the close of a slow consumer), permessage-deflate, and the
   * delivery events metrics read (delivery.ts). Absent: each subscription waits for each of its
   * messages to be written, nothing is closed for being slow, no compression.
   */
  readonly delivery?: Delivery | undefined;
  readonly logger: Logger;
}

export interface WebSocketEndpoint {
  /**
   * Closes every client with 1001 (going away) and stops accepting new ones. A client that has not
   * answered the close frame within `graceMs` is cut off, so it cannot hold shutdown up.
   */
  close(graceMs: number): Promise<void>;
  readonly clients: number;
}

/**
 * graphql-ws on the same port and path as HTTP GraphQL. Each subscription is validated like an
 * HTTP operation and its results pass through the same error formatter, so a WebSocket client
 * sees exactly the codes an HTTP client would.
 */
export function attachWebSocket<TContext>(options: WebSocketOptions<TContext>): WebSocketEndpoint {
  // noServer: attached with `server:`, ws re-emits the HTTP server's own errors (a port in use)
  // as WebSocket errors, and graphql-ws prints them as its internal errors.
  const delivery = options.delivery;
  // ws servers do not compress unless told; said here, since a compressing socket costs a zlib context (≈ 300 KB at ws's defaults).
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: delivery?.perMessageDeflate ?? false });
  options.httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://gateway.invalid').pathname !== options.path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (options.allowsOrigin && !options.allowsOrigin(request)) {
      const origin = (request.headers.origin ?? '').replace(/[^\x20-\x7e]/g, '?');
      const body = `Origin ${origin} may not open a connection: add it to CORS_ORIGINS.`;
      socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (client) => {
      noteUpgradedSocket(client, socket);
      wss.emit('connection', client, request);
    });
  });
  const format = (errors: readonly GraphQLError[], consumer: Consumer | undefined): GraphQLFormattedError[] => {
    const formatted = errors.map((error) => options.formatError(error.toJSON(), error));
    // No consumer cannot happen after onConnect; if it did, showing no names is the safe side.
    const hide = options.hidesSuggestions && (!consumer || options.hidesSuggestions(consumer));
    return hide ? formatted.map(withoutSuggestions) : formatted;
  };

  /** Who each acknowledged connection is; graphql-ws hands the same ctx to onConnect and context. */
  const consumers = new WeakMap<object, Consumer>();
  const expiries = new WeakMap<object, NodeJS.Timeout>();
  /** Per socket, the delivery tap of each subscription by id, told when its `next` messages are written. */
  const taps = new WeakMap<object, Map<string, DeliveryTap>>();
  /**
   * Per subscribe, what graphql-ws will hand to `subscribe` (the very object `onSubscribe`
   * returned) → the connection and id it came on: `subscribe` is given nothing else.
   */
  const origins = new WeakMap<object, { readonly ctx: Context<Record<string, unknown> | undefined, SocketExtra>; readonly id: string }>();
  const limits = options.socketLimits;
  const slots = options.slots ?? (limits && new SubscriptionSlots(limits));

  /** A subscribe checked as an HTTP operation would be (operation-checks.ts); `http` is for HTTP responses. */
  const checks = operationPreparer(options);
  const prepare = async (consumer: Consumer | undefined, payload: SubscribePayload): Promise<GraphQLError[] | ExecutionArgs> => {
    const prepared = await checks(consumer, payload);
    return Array.isArray(prepared) ? prepared.map(withoutHttp) : prepared;
  };

  const disposable = serveGraphQLWs<Record<string, unknown> | undefined>(
    {
      schema: options.schema,
      // Results pushed to the socket as items come, each tick executed and serialised once for the
      // subscribers that ask the same thing (graphql/pushed-results.ts, ws-push.ts).
      subscribe: (args) => {
        const origin = origins.get(args);
        if (!origin) throw new Error('subscribe without a prepared subscribe message');
        origins.delete(args);
        const { ctx, id } = origin;
        const tap = taps.get(ctx.extra.socket)?.get(id);
        return subscribePushing(args, new PushedSubscriptionSink(ctx.extra.writer, id, (errors) => format(errors, consumers.get(ctx)), tap));
      },
      onConnect: async (ctx) => {
        try {
          const { consumer, expiresAt } = await options.authenticator.fromConnectionParams(ctx.connectionParams);
          consumers.set(ctx, consumer.anonymous ? { ...consumer, clientAddress: clientAddress(ctx.extra.request, options.trustedProxyHops ?? 0) } : consumer);
          // A connection lives no longer than its token; the client reconnects with a fresh one.
          // Beyond setTimeout's range (~24.8 days) the token outlives any realistic connection.
          const left = expiresAt === undefined ? undefined : expiresAt - Date.now();
          if (left !== undefined && left < 2 ** 31 - 1) {
            const timer = setTimeout(() => ctx.extra.socket.close(expiredTokenClose.code, expiredTokenClose.reason), Math.max(0, left));
            timer.unref();
            expiries.set(ctx, timer);
          }
          return true;
        } catch (error) {
          if (!(error instanceof MarketError)) throw error;
          options.onConnectionRefused?.(error);
          const { code, reason } = closeFrameFor(error);
          ctx.extra.socket.close(code, reason);
          // graphql-ws then closes with 4403 itself, a no-op on a socket already closing.
          return false;
        }
      },
      onClose: (ctx) => {
        clearTimeout(expiries.get(ctx));
        slots?.releaseAll(ctx);
      },
      // Every end of an admitted subscription (completed by either side, failed, its socket closed) passes here.
      onComplete: (ctx, id) => {
        slots?.release(ctx, id);
        taps.get(ctx.extra.socket)?.delete(id);
      },
      context: (ctx, id) => {
        const consumer = consumers.get(ctx);
        // Subscriptions only run after onConnect acknowledged the connection, which set it.
        if (!consumer) throw new Error('subscription on a connection that never authenticated');
        const tap = delivery?.events.tap('graphql-ws');
        if (tap) {
          const socketTaps = taps.get(ctx.extra.socket) ?? new Map<string, DeliveryTap>();
          taps.set(ctx.extra.socket, socketTaps.set(id, tap));
        }
        return withTap(options.context(consumer), tap) as Record<string, unknown>;
      },
      onSubscribe: async (ctx, id, payload) => {
        // A slot first, before any work on the document: a cap reached costs the server nothing more.
        const consumer = consumers.get(ctx);
        const refusal = slots && consumer ? slots.take(ctx, id, consumer) : undefined;
        if (refusal) return [refusal];
        const prepared = await prepare(consumer, payload);
        // Refused: graphql-ws sends the errors and never calls onComplete for it.
        if (Array.isArray(prepared)) slots?.release(ctx, id);
        else origins.set(prepared, { ctx, id });
        return prepared;
      },
      onError: (ctx, _id, payload, errors) => {
        const consumer = consumers.get(ctx);
        const formatted = format(errors, consumer);
        const refusal = wholeRequestRefusal(formatted);
        if (refusal && consumer) options.onRefused?.(consumer, refusal, payload.operationName ?? undefined);
        return formatted;
      },
      // A result without errors goes out as it is: returned here, graphql-ws skips its own copy of it.
      onNext: (ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors, consumers.get(ctx)) } : result),
    },
    wss,
    {
      gateFor: () => (limits ? new MessageRate(limits.messagesPerSecond, limits.messageBurst) : { take: () => true }),
      floodClose: limits ? floodClose(limits) : { code: 4429, reason: 'Too many messages' },
      ...(options.onFlood ? { onFlood: options.onFlood } : {}),
      ...(delivery
        ? {
            backpressure: { ...delivery, close: slowConsumerClose, onSlowClose: () => delivery.events.emitSlowClosed('graphql-ws') },
            onWritten: (socket: object, message: string) => {
              const id = nextMessageId(message);
              if (id !== undefined) taps.get(socket)?.get(id)?.written();
            },
          }
        : {}),
      onInternalError: (error) => options.logger.error({ err: error }, 'graphql-ws message handling failed'),
    },
  );
  wss.on('error', (error) => options.logger.error({ err: error }, 'websocket server error'));

  return {
    close: async (graceMs) => {
      // ws itself waits up to 30 s for each client's answer before dropping it.
      const cutOff = setTimeout(() => wss.clients.forEach((client) => client.terminate()), graceMs);
      try {
        await disposable.dispose();
      } finally {
        clearTimeout(cutOff);
      }
    },
    get clients() {
      return wss.clients.size;
    },
  };
}

/** graphql-ws writes `next` messages as `{"id":…,"type":"next","payload":…}`: the id of one, or undefined for any other message. */
const NEXT_MESSAGE = /^\{"id":("(?:[^"\\]|\\.)*"),"type":"next"/;

function nextMessageId(message: string): string | undefined {
  const match = NEXT_MESSAGE.exec(message);
  return match?.[1] === undefined ? undefined : (JSON.parse(match[1]) as string);
}
