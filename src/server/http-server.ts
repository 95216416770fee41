import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLFormattedError, GraphQLSchema, ValidationRule } from 'graphql';
import { MarketError, type Consumer } from '../domain/index.js';
import type { GraphQLContext } from '../graphql/context.js';
import { createErrorFormatter } from '../graphql/format-error.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { apolloHandler, executeOnApollo } from './apollo-http.js';
import { credentialHeaders, sendAuthFailure, type RequestAuthenticator } from './authentication.js';
import { BodyError, ClientGoneError } from './body.js';
import { clientAddress } from './client-address.js';
import { CorsPolicy, setHeaderPairs } from './cors.js';
import { sendHealth, sendJson, sendMetrics, sendReadiness, type Lifecycle, type ReadinessDetail } from './health.js';
import { BrowserPages, CONSOLE_PATH, sandboxWithFallback } from './pages/index.js';
import { StatusConsole, type StatusSource } from './status/console.js';
import type { RefusalListener } from './refusal-audit-plugin.js';
import { createApollo } from './apollo-server.js';
import { OperationReporter } from './operation-report.js';
import { refusalOf, wholeRequestRefusal } from './refusals.js';
import { gatewayAnswerLane, PrepaidThrottle } from './response-cache/answer-lane.js';
import type { ResponseCacheOptions } from './response-cache/plugin.js';
import type { PersistedQueryCache } from './response-cache/store.js';
import { mayIntrospect, operationGate, type OperationCheck, type OperationLimitsOptions } from './limits-plugin.js';
import { operationPreparer } from './operation-checks.js';
import { serveEventStreams, wantsEventStream } from './sse.js';
import { attachWebSocket } from './websocket.js';
import type { Delivery } from './delivery.js';
import { SubscriptionSlots, type SocketLimits } from './ws-limits.js';

export const GRAPHQL_PATH = '/graphql';

const BASE_URL = 'http://gateway.invalid';
const GRAPHQL_URL: Readonly<URL> = new URL(GRAPHQL_PATH, BASE_URL);

export interface ServerOptions {
  readonly port: number;
  readonly host: string;
  readonly schema: GraphQLSchema;
  /** A fresh context (fresh DataLoaders) for each operation of `consumer`. */
  readonly context: (consumer: Consumer) => GraphQLContext;
  /** Credentials → Consumer, before any GraphQL work; a refusal answers the whole request. */
  readonly authenticator: RequestAuthenticator;
  readonly introspection: boolean;
  /** Apollo Sandbox on a browser's GET /graphql (not in production) and the offline /console (pages/). */
  readonly sandbox: boolean;
  readonly production: boolean;
  /** How long in-flight requests may finish after stop() before sockets are cut. */
  readonly shutdownGraceMs: number;
  /** Proxies trusted to append the client's address to X-Forwarded-For (TRUST_PROXY_HOPS). */
  readonly trustedProxyHops: number;
  /** Browser origins allowed to call /graphql, over HTTP and WebSocket (CORS_ORIGINS; src/server/cors.ts). */
  readonly corsOrigins: readonly string[];
  /** The gateway's own origin (PUBLIC_ORIGIN): when set, the only origin same-origin checks accept. */
  readonly publicOrigin?: string | undefined;
  readonly maxBodyBytes: number;
  readonly readiness: () => ReadinessDetail;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** OpenTelemetry traces on: a span per HTTP operation (operation-span.ts). */
  readonly traced?: boolean;
  /** The status console's source: /status and its live feed (status/console.ts); none, no console. */
  readonly status?: StatusSource;
  /** Abuse limits and per-consumer throttling (src/graphql/limits, limits-plugin.ts). */
  readonly limits: Omit<OperationLimitsOptions, 'schema' | 'introspection'> & {
    /** Document-only limits (depth, aliases), run by validation once per distinct document. */
    readonly validationRules: readonly ValidationRule[];
    /** Subscriptions per connection and consumer, messages per connection (graphql-ws; ws-limits.ts). */
    readonly socket?: SocketLimits;
  };
  /** graphql-ws and SSE: backpressure on slow subscribers, permessage-deflate, delivery events (delivery.ts). */
  readonly delivery?: Delivery;
  /** Automatic persisted queries in the shared store (`false`: off). */
  readonly persistedQueries: { readonly cache: PersistedQueryCache; readonly ttlSeconds: number } | false;
  /** The whole-response cache; off when absent. */
  readonly responseCache?: ResponseCacheOptions;
  /** Each request refused whole by a limit or budget (HTTP and graphql-ws), e.g. for the audit trail. */
  readonly onRefused?: RefusalListener;
  /** RIGHTS_DENIAL=request: refuses an operation with a denied field before it runs, once every limit passed. */
  readonly rightsCheck?: OperationCheck;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting work, lets in-flight requests finish, closes WebSockets with 1001. */
  stop(): Promise<void>;
}

/** How long an idle keep-alive connection is kept (Node's default is 5 s). */
const KEEP_ALIVE_MS = 65_000;

/** One node:http server: GraphQL over HTTP and graphql-ws on `/graphql`, plus `/healthz`, `/readyz` and `/metrics`. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { logger, metrics } = options;
  let lifecycle: Lifecycle = 'starting';
  // Idle keep-alive connections outlive the 60 s idle timeout of common load balancers: a server
  // closing first races the client reusing the socket, which sees ECONNRESET (seen in tests).
  const httpServer = createServer({ keepAliveTimeout: KEEP_ALIVE_MS });
  const cors = new CorsPolicy(options.corsOrigins, options.trustedProxyHops, options.publicOrigin);
  const formatForClient = createErrorFormatter((error) => logger.error({ err: error }, 'unexpected error in a GraphQL operation'));
  // Every error a client sees passes here (HTTP and graphql-ws), so refusals are counted once, where they leave.
  const countRefusal = (extensions: GraphQLFormattedError['extensions']): void => {
    const refusal = refusalOf(extensions);
    if (refusal) metrics.refusals.inc({ code: refusal.code, cause: refusal.cause });
  };
  const formatError = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const shown = formatForClient(formatted, error);
    countRefusal(shown.extensions);
    return shown;
  };

  // Sandbox loads from Apollo's CDN; production gets the gateway's own endpoint page instead.
  const sandboxOnGraphQL = options.sandbox && !options.production;
  const pages = new BrowserPages({
    schema: options.schema,
    graphqlPath: GRAPHQL_PATH,
    console: options.sandbox,
    sandboxOnGraphQL,
    introspection: options.introspection,
    introspectionProfiles: options.limits.introspectionProfiles,
    authenticator: options.authenticator,
    trustedProxyHops: options.trustedProxyHops,
  });

  const reporter = new OperationReporter(logger, metrics);
  // The throttle a request the lane already charged must not charge again (answer-lane.ts).
  const prepaid = options.limits.throttle && new PrepaidThrottle(options.limits.throttle);
  const limits = prepaid ? { ...options.limits, throttle: prepaid } : options.limits;
  const answers =
    options.responseCache &&
    gatewayAnswerLane(prepaid, (operation) => {
      const report = reporter.bind(operation, 'query', 'ok');
      const onLookup = options.responseCache?.onLookup;
      return (seconds) => {
        onLookup?.('hit');
        report(seconds, 200);
      };
    });
  const apollo = createApollo({
    ...options,
    limits,
    graphqlPath: GRAPHQL_PATH,
    httpServer,
    landingPage: sandboxOnGraphQL ? sandboxWithFallback(CONSOLE_PATH) : undefined,
    formatError,
    reporter,
    responseCache: options.responseCache && answers && { ...options.responseCache, onHit: (context, cached) => context.request.http && answers.noteHit(context.request.http, cached, context.operationName ?? undefined) },
  });
  await apollo.start();
  const statusConsole = options.status && new StatusConsole({ source: options.status, authenticator: options.authenticator });
  const handleGraphQL = apolloHandler(apollo, { maxBodyBytes: options.maxBodyBytes, lane: answers && { answers, prepaid }, traced: options.traced === true });
  // One gate and one set of subscription slots for graphql-ws and SSE: a consumer's caps count both.
  const streaming = {
    schema: options.schema,
    // Introspection, as over HTTP, is the gate's to refuse per profile (INTROSPECTION_PROFILES).
    validationRules: options.limits.validationRules,
    gate: operationGate({ ...options.limits, schema: options.schema, introspection: options.introspection }),
    maxTokens: options.limits.maxTokens,
    delivery: options.delivery,
  };
  const slots = options.limits.socket && new SubscriptionSlots(options.limits.socket);
  const hidesSuggestions = (consumer: Consumer): boolean =>
    !mayIntrospect({ introspection: options.introspection, introspectionProfiles: options.limits.introspectionProfiles }, consumer);
  const websocket = attachWebSocket({
    httpServer,
    path: GRAPHQL_PATH,
    ...streaming,
    trustedProxyHops: options.trustedProxyHops,
    allowsOrigin: (request) => cors.allows(request),
    context: options.context,
    authenticator: options.authenticator,
    formatError,
    hidesSuggestions,
    onConnectionRefused: (error) => countRefusal({ ...error.details, code: error.code }),
    ...(options.limits.socket && slots ? { socketLimits: options.limits.socket, slots } : {}),
    onFlood: () => countRefusal({ code: 'RATE_LIMITED', budget: 'socketMessages' }),
    ...(options.onRefused ? { onRefused: options.onRefused } : {}),
    logger,
  });

  // Subscriptions over Server-Sent Events on the same path, for clients whose proxies break WebSockets (sse.ts).
  const eventStreams = serveEventStreams({
    schema: options.schema,
    prepare: operationPreparer(streaming),
    slots,
    delivery: options.delivery,
    context: options.context,
    formatError,
    hidesSuggestions,
    onRefused: options.onRefused,
    maxBodyBytes: options.maxBodyBytes,
    runOnApollo: (request, url, body, consumer) => executeOnApollo(apollo, request, url, body, async () => options.context(consumer), 'application/json'),
  });

  httpServer.on('request', (request: IncomingMessage, response: ServerResponse) => {
    route(request, response).catch((error: unknown) => {
      // Thrown before the handler set the CORS headers left to it (a body over the limit): a browser must read it too.
      if (!response.headersSent && !response.hasHeader('vary')) cors.decorate(request, response);
      if (error instanceof BodyError) {
        countRefusal(error.extensions);
        sendJson(response, error.status, { errors: [{ message: error.message, extensions: error.extensions }] });
        return;
      }
      if (error instanceof ClientGoneError) {
        logger.info({ url: request.url, reason: error.reason }, 'client went away before its request body was complete');
        response.destroy();
        return;
      }
      logger.error({ err: error, url: request.url }, 'request failed');
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'Internal error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else response.destroy();
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Nearly every request is to /graphql with no query string: one URL for all of them (read, never changed).
    const url = request.url === GRAPHQL_PATH ? GRAPHQL_URL : new URL(request.url ?? '/', BASE_URL);
    if (statusConsole?.handles(url.pathname)) return statusConsole.serve(request, response, url.pathname);
    switch (url.pathname) {
      case GRAPHQL_PATH: {
        // Before credentials: a browser sends none in a preflight, and must be able to read a 401.
        if (request.method === 'OPTIONS') return cors.preflight(request, response);
        const eventStream = wantsEventStream(request);
        // A POST may be answered by the lane, which writes these with its own headers at once (apollo-http.ts).
        const corsHeaders = cors.headersFor(request);
        const corsDeferred = request.method === 'POST' && !eventStream;
        if (!corsDeferred) setHeaderPairs(response, corsHeaders);
        // Pages and how-to answers before credentials: they are the same for everyone.
        if (request.method === 'GET' && !eventStream && pages.answerGet(request, response, url)) return;
        let consumer: Consumer;
        let expiresAt: number | undefined;
        try {
          const authenticated = options.authenticator.fromHeaders(credentialHeaders(request));
          ({ consumer, expiresAt } = authenticated instanceof Promise ? await authenticated : authenticated);
        } catch (error) {
          if (!(error instanceof MarketError)) throw error;
          countRefusal({ ...error.details, code: error.code });
          if (corsDeferred) setHeaderPairs(response, corsHeaders);
          return sendAuthFailure(response, error);
        }
        // Only anonymous callers are told apart by address (their budgets); the rest by their id.
        const caller: Consumer = consumer.anonymous ? { ...consumer, clientAddress: clientAddress(request, options.trustedProxyHops) } : consumer;
        try {
          if (eventStream) return await eventStreams.serve(request, response, url, caller, expiresAt);
          return await handleGraphQL(request, response, url, caller, options.context, corsDeferred ? corsHeaders : undefined);
        } catch (error) {
          // A body over the limit is refused before Apollo sees it: reported here, answered by route's caller.
          const refusal = error instanceof BodyError ? wholeRequestRefusal([{ message: error.message, extensions: error.extensions }]) : undefined;
          if (refusal) options.onRefused?.(caller, refusal, undefined);
          throw error;
        }
      }
      case '/healthz':
        return sendHealth(response);
      case '/readyz':
        return sendReadiness(response, lifecycle, lifecycle === 'ready' ? options.readiness() : {});
      case '/metrics':
        return sendMetrics(response, metrics.registry);
      case CONSOLE_PATH:
        return pages.serveConsolePath(request, response, url);
      case '/':
        response.writeHead(302, { location: GRAPHQL_PATH }).end();
        return;
      default:
        sendJson(response, 404, { error: `Nothing at ${url.pathname}. GraphQL is at ${GRAPHQL_PATH}.` });
    }
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  lifecycle = 'ready';
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}${GRAPHQL_PATH}`,
    port,
    stop() {
      stopping ??= (async () => {
        lifecycle = 'stopping';
        statusConsole?.close();
        await Promise.all([websocket.close(options.shutdownGraceMs), eventStreams.close(options.shutdownGraceMs)]);
        await apollo.stop();
      })();
      return stopping;
    },
  };
}
