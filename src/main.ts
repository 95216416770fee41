#!/usr/bin/env node
import { applyHeapGrowth, applyPretenuring } from './app/heap-growth.js';
import { createApp } from './app/index.js';
import { ConfigError, loadConfig } from './config/index.js';

/** Exit code for a configuration the gateway refuses to start with. */
const EXIT_BAD_CONFIG = 2;

async function main(): Promise<void> {
  let app;
  try {
    const config = loadConfig(process.env);
    applyHeapGrowth(config.server.heapGrowthPercent);
    applyPretenuring(config.server.heapPretenuring);
    app = await createApp(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`marketgraph: ${error.message}\n`);
      process.exit(EXIT_BAD_CONFIG);
    }
    throw error;
  }
  const { logger } = app;
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    app
      .stop()
      .then(() => {
        logger.info('stopped');
        exitAfterFlush(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exitAfterFlush(1);
      });
  };
  // Logs are written asynchronously: let the last lines out before the process goes.
  const exitAfterFlush = (code: number): void => logger.flush(() => process.exit(code));
  // `once`: a second signal during a slow drain gets the default action, a forced stop.
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await app.start();
}

main().catch((error: unknown) => {
  process.stderr.write(`marketgraph: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
