import type { SpawnedGateway } from '../support/gateway.js';
import { metric } from '../support/metrics.js';

/** Shared by the chaos tests: a spawned gateway's metrics and logs, and timing. */

export { metric };

/**
 * `sleep` lets a spawned gateway's own time pass: a cache entry's freshness, a breaker's open
 * period, or a span in which something must not happen. Only for waits that a slower machine
 * merely makes longer (a timer never fires early); to wait for something to happen, poll for it instead.
 */
export { sleep } from '../support/timing.js';

/**
 * Runs `work` and measures its wall-clock duration in ms, as the test process sees it (client and
 * loopback included). For a latency budget, prefer `timedByGateway`.
 */
export async function timed<T>(work: () => Promise<T>): Promise<{ readonly result: T; readonly ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: Math.round(performance.now() - started) };
}


/**
 * Runs `work`, which must send exactly one GraphQL operation named `operation`, and answers its
 * duration as the gateway measured it (graphql_operation_duration_seconds, observed before the
 * response is sent): a budget check then leaves out the test process's own scheduling, which on a
 * loaded machine is what varies most.
 */
export async function timedByGateway<T>(gateway: SpawnedGateway, operation: string, work: () => Promise<T>, type = 'query'): Promise<{ readonly result: T; readonly ms: number }> {
  const read = async (): Promise<{ count: number; seconds: number }> => {
    const labels = { operation, type };
    return {
      count: (await metric(gateway, 'graphql_operation_duration_seconds_count', labels)) ?? 0,
      seconds: (await metric(gateway, 'graphql_operation_duration_seconds_sum', labels)) ?? 0,
    };
  };
  const before = await read();
  const result = await work();
  const after = await read();
  if (after.count - before.count !== 1) throw new Error(`expected one ${operation} operation, the gateway counted ${after.count - before.count}`);
  return { result, ms: Math.round((after.seconds - before.seconds) * 1000) };
}

/** pino's level of `error`: entries at this level or above are errors or worse. */
export const ERROR_LEVEL = 50;

/** Log entries at error level or above, except those `expected` names by message. */
export function errorLogs(gateway: SpawnedGateway, expected: readonly RegExp[] = []): Array<Record<string, unknown>> {
  return gateway.logs.filter(
    (entry) => Number(entry['level']) >= ERROR_LEVEL && !expected.some((pattern) => pattern.test(String(entry['msg']))),
  );
}

/** Everything the gateway writes to stderr from now on (Node prints unhandled errors and warnings there). */
export function captureStderr(gateway: SpawnedGateway): () => string {
  let text = '';
  gateway.process.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}
