import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema, ValidationRule } from 'graphql';
import type { GraphQLContext } from '../graphql/context.js';
import type { Logger } from '../observability/logger.js';
import { operationLimits, type OperationCheck, type OperationLimitsOptions } from './limits-plugin.js';
import type { OperationReporter } from './operation-report.js';
import type { RefusalListener } from './refusal-audit-plugin.js';
import { requestHooks } from './request-hooks.js';
import { responseCache, type ResponseCacheOptions } from './response-cache/plugin.js';
import type { PersistedQueryCache } from './response-cache/store.js';

export interface GatewayApolloOptions {
  readonly schema: GraphQLSchema;
  /** OpenTelemetry traces on: each operation's span learns its name, type, hash and outcome. */
  readonly traced?: boolean | undefined;
  readonly graphqlPath: string;
  readonly httpServer: Server;
  readonly shutdownGraceMs: number;
  /** The landing page on GET, or none (production). */
  readonly landingPage: ApolloServerPlugin<GraphQLContext> | undefined;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  readonly logger: Logger;
  readonly reporter: OperationReporter;
  readonly introspection: boolean;
  readonly limits: Omit<OperationLimitsOptions, 'schema' | 'introspection'> & { readonly validationRules: readonly ValidationRule[] };
  readonly rightsCheck?: OperationCheck | undefined;
  readonly persistedQueries: { readonly cache: PersistedQueryCache; readonly ttlSeconds: number } | false;
  readonly responseCache?: ResponseCacheOptions | undefined;
  readonly onRefused?: RefusalListener | undefined;
}

/** Apollo Server as the gateway runs it: every request through the limits, rights, audit and response-cache plugins. */
export function createApollo(options: GatewayApolloOptions): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>({
    schema: options.schema,
    // Introspection is decided per consumer profile by operationLimits (INTROSPECTION_PROFILES);
    // Apollo's own switch would refuse it to everyone.
    introspection: true,
    validationRules: [...options.limits.validationRules],
    parseOptions: { maxTokens: options.limits.maxTokens },
    csrfPrevention: true,
    // main.ts owns the signals: Apollo's own handler would stop and re-raise the signal, killing
    // the process (exit 143) before WebSockets and feeds are closed.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: options.formatError,
    logger: options.logger,
    persistedQueries: options.persistedQueries && { cache: options.persistedQueries.cache, ttl: options.persistedQueries.ttlSeconds },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer, stopGracePeriodMillis: options.shutdownGraceMs }),
      options.landingPage ?? ApolloServerPluginLandingPageDisabled(),
      operationLimits({ ...options.limits, schema: options.schema, introspection: options.introspection }, options.rightsCheck ? [options.rightsCheck] : []),
      ...(options.responseCache ? [responseCache(options.responseCache)] : []),
      // After the response cache: its willSendResponse marks X-Cache, which the operation's span reads.
      requestHooks({ reporter: options.reporter, graphqlPath: options.graphqlPath, onRefused: options.onRefused, traced: options.traced === true }),
      // We set no cache hints; left on, it wraps every field resolver of every request to look.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
}
