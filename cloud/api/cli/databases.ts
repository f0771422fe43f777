import { EmbeddedDatabaseBusyError } from '../../db/embedded-lock.js';
import { openDatabases, type Databases } from '../../db/tenancy.js';
import { databaseConfigOf, type Config } from '../config.js';

/** EX_TEMPFAIL: the command may be run again once the other process has stopped. */
export const EXIT_DATABASE_BUSY = 75;

/**
 * The databases of a command line tool. On the embedded database while the API runs, the tool is
 * refused with a message saying what to do, rather than writing where the API cannot see it.
 */
export async function openDatabasesOrExit(config: Config, options: { migrate: boolean }): Promise<Databases> {
  try {
    return await openDatabases(databaseConfigOf(config), options);
  } catch (error) {
    if (!(error instanceof EmbeddedDatabaseBusyError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_DATABASE_BUSY);
  }
}
