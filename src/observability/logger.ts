import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * JSON lines on stdout. Redaction is belt and braces: secrets should never reach a log call,
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
    destination,
  );
}
