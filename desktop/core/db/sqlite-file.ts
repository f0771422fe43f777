import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { StorageOpenError } from './errors.js';

/**
 * Bumped when the layout of our tables changes; a file in another format is refused, not guessed
 * at, unless we know how to bring it up to date. 2: index columns are exactly the schema's
 * indexes, cleanup has a partial index. 3: index strings stored in JavaScript's order (code
 * units from U+D800 shifted by 0x800). 4: index keys without RxDB's padding (see index-keys.ts); a format 3 file is
 * brought up to it, each table's keys rebuilt from its documents when the table is first opened.
 */
export const FILE_FORMAT = 4;

/** afrigest_meta key marking a table whose index keys must be rebuilt before use. */
export function rebuildKeysMark(table: string): string {
  return `rebuild-keys:${table}`;
}

export type SqliteFile = {
  db: Database.Database;
  path: string;
  refs: number;
  /**
   * Runs `write` (one transaction) without waiting for the disk at its commit. For what the cloud
   * can give again (replication's pulled documents and bookkeeping): in WAL mode the commit still
   * survives a killed process, and a power cut can only lose a suffix of such commits, which the
   * next sync fetches again, since checkpoints are written after their documents. The next
   * ordinary commit (a sale) syncs the log, and with it everything before.
   */
  withoutFsync<T>(write: () => T): T;
  /** Call after every commit: the log is copied into the file shortly after, on another thread. */
  wrote(): void;
  /** Waits for the checkpoint thread's last checkpoint and stops it. */
  stopCheckpoints(): Promise<void>;
};

const open = new Map<string, SqliteFile>();

function fileName(databaseName: string): string {
  // RxDB database names are free text; keep file names portable (Windows too).
  return `${databaseName.replace(/[^A-Za-z0-9_.-]/g, '_')}.sqlite`;
}

/**
 * Opens (or shares) the SQLite file of one RxDB database. WAL with synchronous=FULL: a write the
 * caller saw acknowledged is on disk and survives a kill or a power cut.
 */
export function acquireFile(directory: string, databaseName: string): SqliteFile {
  const path = join(directory, fileName(databaseName));
  const existing = open.get(path);
  if (existing) {
    existing.refs++;
    return existing;
  }
  mkdirSync(directory, { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw new StorageOpenError('STORAGE_OPEN_FAILED', path, (error as Error).message);
  }
  try {
    // 16 KiB pages hold more documents and index entries, so a till taking the catalogue splits
    // fewer pages (50,000 products written about 10% faster than with 4 KiB pages, with the
    // compact index keys of format 4). Only a new file takes it; a file keeps the page size it
    // was made with.
    db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // A catalogue of 100,000 products does not fit SQLite's default 2 MB page cache: every scan
    // would read its pages from the OS again. 64 MB keeps a till's working set (grown on use).
    db.pragma('cache_size = -65536');
    // Checkpoints run on a thread of their own (see checkpointer.ts), never inside a commit.
    db.pragma('wal_autocheckpoint = 0');
    const integrity = db.pragma('quick_check', { simple: true });
    if (integrity !== 'ok') throw new StorageOpenError('STORAGE_CORRUPT', path, String(integrity));
    const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck().all() as string[];
    // Someone else's SQLite file under our name: writing our tables into it would be a mess to undo.
    if (tables.length > 0 && !tables.includes('afrigest_meta')) throw new StorageOpenError('STORAGE_NOT_OURS', path);
    db.exec(`CREATE TABLE IF NOT EXISTS afrigest_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    db.exec(`CREATE TABLE IF NOT EXISTS afrigest_collections (
      name TEXT NOT NULL, version INTEGER NOT NULL, schema_hash TEXT NOT NULL, PRIMARY KEY (name, version))`);
    const format = db.prepare(`SELECT value FROM afrigest_meta WHERE key = 'format'`).pluck().get() as string | undefined;
    if (format === undefined) db.prepare(`INSERT INTO afrigest_meta (key, value) VALUES ('format', ?)`).run(String(FILE_FORMAT));
    else if (format === '3') upgradeFromFormat3(db);
    else if (Number(format) < FILE_FORMAT) throw new StorageOpenError('STORAGE_FORMAT_OLD', path, `format ${format}`);
    else if (Number(format) > FILE_FORMAT) throw new StorageOpenError('STORAGE_FORMAT_UNKNOWN', path, `format ${format}`);
  } catch (error) {
    db.close();
    if (error instanceof StorageOpenError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new StorageOpenError('STORAGE_CORRUPT', path, (error as Error).message);
    throw new StorageOpenError('STORAGE_OPEN_FAILED', path, (error as Error).message);
  }
  const relaxed = db.prepare('PRAGMA synchronous = NORMAL');
  const full = db.prepare('PRAGMA synchronous = FULL');
  const withoutFsync = <T>(write: () => T): T => {
    relaxed.run();
    try {
      return write();
    } finally {
      full.run();
    }
  };
  // Started at the first write: a file only read, or opened by a test for a moment, needs none.
  let checkpointer: Checkpointer | null = null;
  const wrote = () => {
    checkpointer ??= startCheckpointer(path, () => {
      // Without the thread, SQLite checkpoints inside commits again, as by default.
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    });
    checkpointer.wrote();
  };
  const stopCheckpoints = async () => checkpointer?.close();
  const file = { db, path, refs: 1, withoutFsync, wrote, stopCheckpoints };
  open.set(path, file);
  return file;
}

/**
 * Format 3 to 4: only index keys changed, and they are computed from the documents with the
 * collection's schema, which the file does not hold. So every table is marked, the format moves on
 * in the same transaction, and each table's keys are rebuilt when its collection opens (see
 * RxStorageInstanceSQLite); a marked table is never read before.
 */
function upgradeFromFormat3(db: Database.Database): void {
  db.transaction(() => {
    const collections = db.prepare(`SELECT name, version FROM afrigest_collections`).all() as Array<{ name: string; version: number }>;
    const mark = db.prepare(`INSERT OR IGNORE INTO afrigest_meta (key, value) VALUES (?, '3')`);
    for (const { name, version } of collections) mark.run(rebuildKeysMark(tableName(name, version)));
    db.prepare(`UPDATE afrigest_meta SET value = ? WHERE key = 'format'`).run(String(FILE_FORMAT));
  })();
}

/** The table of one collection at one schema version. */
export function tableName(collectionName: string, version: number): string {
  return `c_${collectionName.replace(/[^A-Za-z0-9_]/g, '_')}_v${version}`;
}

export async function releaseFile(file: SqliteFile): Promise<void> {
  file.refs--;
  if (file.refs > 0) return;
  open.delete(file.path);
  // The thread's connection closes first: the last connection to close checkpoints the whole log
  // and deletes it.
  await file.stopCheckpoints();
  // RxDB's database remove() drops every collection: then the file itself goes too, so a removed
  // database leaves nothing behind. A file that still holds a collection is never deleted.
  const empty = (file.db.prepare(`SELECT count(*) FROM afrigest_collections`).pluck().get() as number) === 0;
  file.db.close();
  if (empty) for (const suffix of ['', '-wal', '-shm']) rmSync(`${file.path}${suffix}`, { force: true });
}
