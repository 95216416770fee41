import { pino, type Logger, type LevelWithSilent } from 'pino';
import { traceFields } from './tracing.js';

export type { Logger };

/**
 * JSON lines on stdout, written asynchronously: under load, lines that pile up while one write is
 * in flight go out together instead of one blocking write per request. Call `flush` before exit.
 * With tracing on, lines carry `trace_id` and `span_id`. Redaction is belt and braces: secrets should never reach a log call,
 * but if a header object slips in, its credentials are masked.
 */
export function createLogger(level: LevelWithSilent, destination?: pino.DestinationStream, options: { readonly traced?: boolean } = {}): Logger {
  return pino(
    {
      name: 'marketgraph',
      level,
      base: { pid: process.pid },
      // With tracing on, each line names the trace and span it was written in; off, no lookup at all.
      ...(options.traced ? { mixin: traceFields } : {}),
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', 'headers["x-api-key"]', '*.apiKey', '*.token'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
