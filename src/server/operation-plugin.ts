import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

/** Distinct operation names kept as metric labels; past it, names fold into "other". */
const MAX_OPERATION_LABELS = 500;

/**
 * One log line and one metric sample per GraphQL operation, taken from Apollo's request
 * lifecycle so no resolver or handler has to remember to report.
 */
export function operationObserver(logger: Logger, metrics: Metrics): ApolloServerPlugin<BaseContext> {
  const labels = new Set<string>();
  const labelOf = (name: string): string => {
    if (labels.has(name)) return name;
    if (labels.size >= MAX_OPERATION_LABELS) return 'other';
    labels.add(name);
    return name;
  };

  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, operation, response, errors }) {
          const seconds = (performance.now() - started) / 1000;
          const name = operationName ?? 'anonymous';
          const type = operation?.operation ?? 'invalid';
          const hasData = response.body.kind === 'single' && response.body.singleResult.data != null;
          const status = !errors?.length ? 'ok' : hasData ? 'partial' : 'error';
          metrics.graphqlOperations.inc({ operation: labelOf(name), type, status });
          metrics.graphqlDuration.observe({ operation: labelOf(name), type }, seconds);
          logger.info(
            {
              operation: name,
              type,
              status,
              durationMs: Math.round(seconds * 100_000) / 100,
              httpStatus: response.http.status ?? 200,
              ...(errors?.length ? { errorCodes: [...new Set(errors.map((error) => error.extensions['code'] ?? 'UNKNOWN'))] } : {}),
            },
            'graphql request',
          );
        },
      };
    },
  };
}
