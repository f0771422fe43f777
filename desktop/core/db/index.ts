import { addRxPlugin, ensureRxStorageInstanceParamsAreCorrect, RXDB_VERSION, type RxStorage, type RxStorageInstanceCreationParams } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { createSQLiteStorageInstance, type SQLiteInternals, type SQLiteStorageSettings } from './storage-instance.js';

// A till updated to a newer schema of a collection (products v1: SKU, barcodes, boutique prices)
// migrates the documents it holds when it opens: every till database is on this storage, so the
// plugin is registered with it (RxDB refuses a collection of version > 0 without it).
addRxPlugin(RxDBMigrationSchemaPlugin);

export { StorageOpenError } from './errors.js';
export type { SQLiteStorageSettings } from './storage-instance.js';

/**
 * RxDB storage on better-sqlite3: one SQLite file per RxDB database in `directory`, one table per
 * collection and schema version, each schema index a real SQLite index over keys in RxDB's order
 * (see index-keys.ts).
 */
export function getRxStorageSQLite(settings: SQLiteStorageSettings): RxStorage<SQLiteInternals, Record<string, never>> {
  const storage: RxStorage<SQLiteInternals, Record<string, never>> = {
    name: 'afrigest-sqlite',
    rxdbVersion: RXDB_VERSION,
    async createStorageInstance<RxDocType>(params: RxStorageInstanceCreationParams<RxDocType, Record<string, never>>) {
      ensureRxStorageInstanceParamsAreCorrect(params);
      return createSQLiteStorageInstance(storage, params, settings);
    },
  };
  return storage;
}
