import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * JSON lines on stdout, written asynchronously: under load, lines that pile up while one write is
 * in flight go out together instead of one blocking write per request. Call `flush` before exit.
 * Redaction is belt and braces: secrets should never reach a log call,
 * but if a header object slips in, its credentials are masked.
 */
export function createLogger(level: LevelWithSilent, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: 'marketgraph',
      level,
      base: { pid: process.pid },
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', 'headers["x-api-key"]', '*.apiKey', '*.token'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
