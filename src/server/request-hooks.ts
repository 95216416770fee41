import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from '../graphql/context.js';
import { reportOperation, type OperationReporter } from './operation-report.js';
import { reportRefusal, type RefusalListener } from './refusal-audit-plugin.js';
import { markDataProblems } from './data-problems.js';
import { noteOperation } from './operation-span.js';
import { markStale } from './stale-plugin.js';
import { refuseSubscriptionOverHttp } from './subscriptions-over-http.js';

export interface RequestHooksOptions {
  readonly reporter: OperationReporter;
  readonly graphqlPath: string;
  readonly onRefused?: RefusalListener | undefined;
  /** OpenTelemetry traces on: the operation's span is told what Apollo learnt (operation-span.ts). */
  readonly traced?: boolean;
}

/**
 * The gateway's light per-request hooks as one Apollo plugin: the operation metrics and log line
 * (operation-report.ts), stale marking (stale-plugin.ts), the audit of refusals
 * (refusal-audit-plugin.ts) and the refusal of subscriptions sent as queries
 * (subscriptions-over-http.ts). Each is a few property reads; as four plugins Apollo called four
 * `requestDidStart`s and awaited each hook of each listener. Here one listener runs them in turn.
 * Measured on the uncached path (bench/versus.mjs target 2, two A/B rounds): 99–105 µs of CPU a
 * request against 102 before, no difference beyond the noise; kept as the simpler shape.
 *
 * Listed after operationLimits: its `willSendResponse` rewrites the errors (the token limit, schema
 * names hidden from who may not introspect) that the refusal audit then reads, as before.
 */
export function requestHooks(options: RequestHooksOptions): ApolloServerPlugin<GraphQLContext> {
  const { reporter, graphqlPath, onRefused, traced } = options;
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async didResolveOperation({ operation }) {
          refuseSubscriptionOverHttp(operation, graphqlPath);
        },
        async willSendResponse(context) {
          reportOperation(reporter, started, context);
          markStale(context);
          markDataProblems(context);
          if (traced) noteOperation(context);
          if (onRefused) reportRefusal(onRefused, context);
        },
      };
    },
  };
}
