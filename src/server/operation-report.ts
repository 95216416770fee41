import type { BaseContext, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

/** Distinct operation names kept as metric labels; past it, names fold into "other". */
const MAX_OPERATION_LABELS = 500;

/** One finished GraphQL operation, as the operation metrics and log record it. */
export interface OperationOutcome {
  /** The operation's name, `anonymous` when unnamed. */
  readonly name: string;
  /** query, mutation, subscription, or `invalid` when none could be resolved. */
  readonly type: string;
  readonly status: 'ok' | 'partial' | 'error';
  readonly seconds: number;
  readonly httpStatus: number;
  readonly errorCodes?: readonly unknown[];
}

/**
 * The operation metrics and log line, for Apollo's lifecycle (operationObserver) and for answers
 * given before Apollo (the response cache's lane), so both count alike. The metric children are
 * looked up once per label set: prom-client's `inc(labels)` hashes its labels on every call.
 */
export class OperationReporter {
  private readonly names = new Set<string>();
  private readonly counts = new Map<string, { inc(): void }>();
  private readonly durations = new Map<string, { observe(value: number): void }>();

  constructor(
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  /**
   * The report of every later operation with this name, type and status, its metric children
   * bound now: for answers given over and over (the response cache's lane).
   */
  bind(name: string, type: string, status: OperationOutcome['status']): (seconds: number, httpStatus: number) => void {
    const operation = this.labelOf(name);
    const count = this.metrics.graphqlOperations.labels({ operation, type, status });
    const duration = this.metrics.graphqlDuration.labels({ operation, type });
    return (seconds, httpStatus) => {
      count.inc();
      duration.observe(seconds);
      if (this.logger.isLevelEnabled('info')) this.log({ name, type, status, seconds, httpStatus });
    };
  }

  report(outcome: OperationOutcome): void {
    const operation = this.labelOf(outcome.name);
    const countKey = `${operation}\u0000${outcome.type}\u0000${outcome.status}`;
    let count = this.counts.get(countKey);
    if (count === undefined) this.counts.set(countKey, (count = this.metrics.graphqlOperations.labels({ operation, type: outcome.type, status: outcome.status })));
    count.inc();
    const durationKey = `${operation}\u0000${outcome.type}`;
    let duration = this.durations.get(durationKey);
    if (duration === undefined) this.durations.set(durationKey, (duration = this.metrics.graphqlDuration.labels({ operation, type: outcome.type })));
    duration.observe(outcome.seconds);
    if (this.logger.isLevelEnabled('info')) this.log(outcome);
  }

  private log(outcome: OperationOutcome): void {
    this.logger.info(
      {
        operation: outcome.name,
        type: outcome.type,
        status: outcome.status,
        durationMs: Math.round(outcome.seconds * 100_000) / 100,
        httpStatus: outcome.httpStatus,
        ...(outcome.errorCodes ? { errorCodes: outcome.errorCodes } : {}),
      },
      'graphql request',
    );
  }

  private labelOf(name: string): string {
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_OPERATION_LABELS) return 'other';
    this.names.add(name);
    return name;
  }
}

/**
 * One log line and one metric sample per GraphQL operation whose request started at `started`
 * (performance.now()), taken from Apollo's request lifecycle (request-hooks.ts) so no resolver or
 * handler has to remember to report.
 */
export function reportOperation(
  reporter: OperationReporter,
  started: number,
  { operationName, operation, response, errors }: Pick<GraphQLRequestContextWillSendResponse<BaseContext>, 'operationName' | 'operation' | 'response' | 'errors'>,
): void {
  const hasData = response.body.kind === 'single' && response.body.singleResult.data != null;
  reporter.report({
    name: operationName ?? 'anonymous',
    type: operation?.operation ?? 'invalid',
    status: !errors?.length ? 'ok' : hasData ? 'partial' : 'error',
    seconds: (performance.now() - started) / 1000,
    httpStatus: response.http.status ?? 200,
    ...(errors?.length ? { errorCodes: [...new Set(errors.map((error) => error.extensions['code'] ?? 'UNKNOWN'))] } : {}),
  });
}
