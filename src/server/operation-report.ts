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
 * The operation metrics and log line, for Apollo's lifecycle (request-hooks.ts) and for answers
 * given before Apollo (the response cache's lane), so both count alike. The metric children are
 * looked up once per label set: prom-client's `inc(labels)` hashes its labels on every call.
 */
export class OperationReporter {
  private readonly names = new Set<string>();
  /** Metric children by label, type and status. */
  private readonly children = new Map<string, { readonly count: { inc(): void }; readonly duration: { observe(value: number): void } }>();

  constructor(
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  /**
   * The report of every later operation with this name, type and status, its metric children
   * bound now: for answers given over and over (the response cache's lane).
   */
  bind(name: string, type: string, status: OperationOutcome['status']): (seconds: number, httpStatus: number) => void {
    const { count, duration } = this.childrenOf(name, type, status);
    return (seconds, httpStatus) => {
      count.inc();
      duration.observe(seconds);
      if (this.logger.isLevelEnabled('info')) this.log({ name, type, status, seconds, httpStatus });
    };
  }

  report(outcome: OperationOutcome): void {
    const { count, duration } = this.childrenOf(outcome.name, outcome.type, outcome.status);
    count.inc();
    duration.observe(outcome.seconds);
    if (this.logger.isLevelEnabled('info')) this.log(outcome);
  }

  private childrenOf(name: string, type: string, status: OperationOutcome['status']) {
    const operation = this.labelOf(name);
    const key = `${operation}\u0000${type}\u0000${status}`;
    let children = this.children.get(key);
    if (children === undefined) {
      children = { count: this.metrics.graphqlOperations.labels({ operation, type, status }), duration: this.metrics.graphqlDuration.labels({ operation, type }) };
      this.children.set(key, children);
    }
    return children;
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
