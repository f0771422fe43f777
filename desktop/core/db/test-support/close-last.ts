/**
 * A script whose last act is closing its database (checkpointer.test.ts runs it): writes a row
 * in the file under the directory given, releases it at top level, and ends.
 */
import { acquireFile, releaseFile } from '../sqlite-file.js';

const file = acquireFile(process.argv[2]!, 'script');
file.db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)');
file.db.exec(`INSERT OR IGNORE INTO afrigest_collections (name, version, schema_hash) VALUES ('t', 0, 'test')`);
file.db.exec('INSERT INTO t DEFAULT VALUES');
file.wrote();
await releaseFile(file);
