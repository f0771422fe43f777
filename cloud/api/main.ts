import { EmbeddedDatabaseBusyError } from '../db/embedded-lock.js';
import { EXIT_DATABASE_BUSY } from './cli/databases.js';
import { ConfigError, loadConfig } from './config.js';
import { startApi } from './server.js';
import { createLogger } from './services.js';

/** The API process: `node dist/cloud/api/main.js` under systemd, `npm run start:cloud` in development. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG: systemd shows it as a configuration error, not a crash.
    }
    throw error;
  }
  const logger = createLogger(config);
  let api;
  try {
    api = await startApi(config, { logger });
  } catch (error) {
    if (error instanceof EmbeddedDatabaseBusyError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_DATABASE_BUSY);
    }
    throw error;
  }
  logger.info(
    { url: api.url, database: api.services.databases.embedded ? `embedded (${config.dataDir})` : 'postgresql' },
    `AfriGest API listening on ${api.url}`,
  );
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    api.stop().then(
      () => {
        logger.info('stopped');
        logger.flush(() => process.exit(0));
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush(() => process.exit(1));
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`AfriGest API failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
