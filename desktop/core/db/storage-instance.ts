import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import {
  categorizeBulkWriteRows,
  getPrimaryFieldOfPrimaryKey,
  getQueryMatcher,
  getSortComparator,
  now,
  type BulkWriteRow,
  type EventBulk,
  type PreparedQuery,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorage,
  type RxStorageBulkWriteResponse,
  type RxStorageChangeEvent,
  type RxStorageCountResult,
  type RxStorageDefaultCheckpoint,
  type RxStorageInstance,
  type RxStorageInstanceCreationParams,
  type RxStorageQueryResult,
  type StringKeys,
} from 'rxdb';
import { Subject, type Observable } from 'rxjs';
import { StorageOpenError } from './errors.js';
import { indexKeys, type IndexKeys } from './index-keys.js';
import { acquireFile, rebuildKeysMark, releaseFile, tableName, type SqliteFile } from './sqlite-file.js';

export type SQLiteStorageSettings = { directory: string };
export type SQLiteInternals = { file: SqliteFile; table: string };

type IndexColumn = { column: string; fields: string[]; keys: IndexKeys };

/** Change events of one collection, shared by every instance on it in this process. */
const changeSubjects = new Map<string, Subject<EventBulk<RxStorageChangeEvent<unknown>, RxStorageDefaultCheckpoint>>>();

function schemaHash(schema: RxJsonSchema<unknown>): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

const JSON_IDS = `SELECT value FROM json_each(?)`;

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((field, i) => field === b[i]);
}

type Categorized<RxDocType> = ReturnType<typeof categorizeBulkWriteRows<RxDocType>>;

export class RxStorageInstanceSQLite<RxDocType> implements RxStorageInstance<RxDocType, SQLiteInternals, Record<string, never>, RxStorageDefaultCheckpoint> {
  readonly primaryPath: StringKeys<RxDocumentData<RxDocType>>;
  readonly databaseName: string;
  readonly collectionName: string;
  readonly schema: Readonly<RxJsonSchema<RxDocumentData<RxDocType>>>;
  readonly options: Readonly<Record<string, never>>;
  readonly internals: SQLiteInternals;
  private closed = false;
  private readonly db: Database.Database;
  private readonly columns: IndexColumn[];
  private readonly changesColumn: IndexColumn;
  private readonly writeTransaction: (rows: BulkWriteRow<RxDocType>[], context: string, blobBytes: Map<Blob, Buffer>) => Categorized<RxDocType>;
  private readonly changes: Subject<EventBulk<RxStorageChangeEvent<RxDocumentData<RxDocType>>, RxStorageDefaultCheckpoint>>;
  private readonly statements: {
    byId: Database.Statement;
    byIds: Database.Statement;
    insert: Database.Statement;
    update: Database.Statement;
    changedSince: Database.Statement;
    cleanup: Database.Statement;
    attachmentPut: Database.Statement | null;
    attachmentDelete: Database.Statement | null;
    attachmentGet: Database.Statement | null;
  };
  private readonly rangeStatements = new Map<string, Database.Statement>();

  constructor(
    readonly storage: RxStorage<SQLiteInternals, Record<string, never>>,
    params: RxStorageInstanceCreationParams<RxDocType, Record<string, never>>,
    file: SqliteFile,
  ) {
    this.databaseName = params.databaseName;
    this.collectionName = params.collectionName;
    this.schema = params.schema;
    this.options = params.options;
    this.primaryPath = getPrimaryFieldOfPrimaryKey(this.schema.primaryKey) as StringKeys<RxDocumentData<RxDocType>>;
    this.db = file.db;
    const table = tableName(this.collectionName, this.schema.version);
    this.internals = { file, table };

    const indexes = (this.schema.indexes ?? []).map((index) => (Array.isArray(index) ? [...index] : [index]));
    // RxDB's filled schemas carry this index; getChangedDocumentsSince pages by it.
    const changesIndex = ['_meta.lwt', this.primaryPath];
    if (!indexes.some((fields) => sameFields(fields, changesIndex))) indexes.push(changesIndex);
    this.columns = indexes.map((fields, i) => ({
      column: `i${i}`,
      fields,
      keys: indexKeys(this.schema as RxJsonSchema<unknown>, fields),
    }));
    this.changesColumn = this.columns.find((c) => sameFields(c.fields, changesIndex))!;

    this.ensureTables(table);
    const key = `${file.path}|${table}`;
    let subject = changeSubjects.get(key);
    if (!subject) changeSubjects.set(key, (subject = new Subject()));
    this.changes = subject as never;

    const columnList = this.columns.map((c) => c.column);
    const attachments = this.schema.attachments ? `a_${table}` : null;
    this.statements = {
      // Only the JSON is read back: the id is in it, and fewer columns mean fewer JS objects.
      byId: this.db.prepare(`SELECT data FROM ${table} WHERE id = ?`).pluck(),
      byIds: this.db.prepare(`SELECT data FROM ${table} WHERE id IN (${JSON_IDS})`).pluck(),
      insert: this.db.prepare(`INSERT INTO ${table} (id, data, deleted, lwt, ${columnList.join(', ')}) VALUES (?, ?, ?, ?, ${columnList.map(() => '?').join(', ')})`),
      update: this.db.prepare(`UPDATE ${table} SET data = ?, deleted = ?, lwt = ?, ${columnList.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`),
      changedSince: this.db.prepare(`SELECT data FROM ${table} WHERE ${this.changesColumn.column} > ? ORDER BY ${this.changesColumn.column} LIMIT ?`).pluck(),
      // Same bound as RxDB's memory storage: deleted at or before the limit.
      cleanup: this.db.prepare(`DELETE FROM ${table} WHERE deleted = 1 AND lwt <= ?`),
      attachmentPut: attachments ? this.db.prepare(`INSERT OR REPLACE INTO ${attachments} (doc_id, attachment_id, digest, type, data) VALUES (?, ?, ?, ?, ?)`) : null,
      attachmentDelete: attachments ? this.db.prepare(`DELETE FROM ${attachments} WHERE doc_id = ? AND attachment_id = ?`) : null,
      attachmentGet: attachments ? this.db.prepare(`SELECT digest, type, data FROM ${attachments} WHERE doc_id = ? AND attachment_id = ?`) : null,
    };
    // One transaction function for the instance's life: better-sqlite3 builds it once.
    this.writeTransaction = this.db.transaction((rows: BulkWriteRow<RxDocType>[], context: string, blobBytes: Map<Blob, Buffer>) => this.writeRows(rows, context, blobBytes));
  }

  /** Creates the collection's tables, or checks that an existing one was made by the same schema. */
  private ensureTables(table: string): void {
    const hash = schemaHash(this.schema as RxJsonSchema<unknown>);
    const known = this.db
      .prepare(`SELECT schema_hash FROM afrigest_collections WHERE name = ? AND version = ?`)
      .pluck()
      .get(this.collectionName, this.schema.version) as string | undefined;
    if (known !== undefined && known !== hash) {
      throw new StorageOpenError('STORAGE_SCHEMA_MISMATCH', this.internals.file.path, `${this.collectionName} v${this.schema.version}`);
    }
    if (known !== undefined) {
      this.rebuildKeysIfMarked(table);
      return;
    }
    this.db.transaction(() => {
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
        id TEXT PRIMARY KEY NOT NULL, data TEXT NOT NULL, deleted INTEGER NOT NULL, lwt REAL NOT NULL,
        ${this.columns.map((c) => `${c.column} TEXT NOT NULL`).join(', ')})`);
      // cleanup() only ever looks for deleted documents: a partial index keeps live ones out of it.
      this.db.exec(`CREATE INDEX IF NOT EXISTS ${table}_purge ON ${table} (lwt) WHERE deleted = 1`);
      for (const c of this.columns) this.db.exec(`CREATE INDEX IF NOT EXISTS ${table}_${c.column} ON ${table} (${c.column})`);
      if (this.schema.attachments) {
        this.db.exec(`CREATE TABLE IF NOT EXISTS a_${table} (doc_id TEXT NOT NULL, attachment_id TEXT NOT NULL, digest TEXT NOT NULL, type TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (doc_id, attachment_id))`);
      }
      this.db.prepare(`INSERT INTO afrigest_collections (name, version, schema_hash) VALUES (?, ?, ?)`).run(this.collectionName, this.schema.version, hash);
    })();
  }

  /** A table from an older file format gets its index keys computed again from its documents. */
  private rebuildKeysIfMarked(table: string): void {
    const mark = rebuildKeysMark(table);
    if (this.db.prepare(`SELECT 1 FROM afrigest_meta WHERE key = ?`).get(mark) === undefined) return;
    const columns = this.columns.map((c) => c.column);
    const update = this.db.prepare(`UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE rowid = ?`);
    this.db.transaction(() => {
      for (const row of this.db.prepare(`SELECT rowid, data FROM ${table}`).all() as Array<{ rowid: number; data: string }>) {
        update.run(...this.indexValues(JSON.parse(row.data)), row.rowid);
      }
      this.db.prepare(`DELETE FROM afrigest_meta WHERE key = ?`).run(mark);
    })();
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error(`storage instance ${this.collectionName} is closed`);
  }

  private documentsByIds(ids: string[]): Map<string, RxDocumentData<RxDocType>> {
    const found = new Map<string, RxDocumentData<RxDocType>>();
    if (ids.length === 1) {
      // A till's everyday write or lookup: one row by primary key, no JSON array to build.
      const data = this.statements.byId.get(ids[0]) as string | undefined;
      if (data !== undefined) found.set(ids[0]!, JSON.parse(data));
    } else if (ids.length > 1) {
      for (const data of this.statements.byIds.all(JSON.stringify(ids)) as string[]) {
        const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
        found.set((doc as Record<string, unknown>)[this.primaryPath] as string, doc);
      }
    }
    return found;
  }

  private indexValues(doc: RxDocumentData<RxDocType>): string[] {
    const values = new Array<string>(this.columns.length);
    for (let i = 0; i < this.columns.length; i++) values[i] = this.columns[i]!.keys.ofDocument(doc);
    return values;
  }

  async bulkWrite(documentWrites: BulkWriteRow<RxDocType>[], context: string): Promise<RxStorageBulkWriteResponse<RxDocType>> {
    this.ensureOpen();
    // Attachment blobs are read before the transaction, which must stay synchronous.
    const blobBytes = new Map<Blob, Buffer>();
    if (this.schema.attachments) {
      for (const row of documentWrites) {
        for (const attachment of Object.values(row.document._attachments ?? {})) {
          const data = (attachment as { data?: unknown }).data;
          if (data instanceof Blob && !blobBytes.has(data)) blobBytes.set(data, Buffer.from(await data.arrayBuffer()));
        }
      }
    }
    // Read, decide and write in one synchronous SQLite transaction: nothing can slip in between,
    // and the commit (fsync'd, synchronous=FULL) happens before the promise resolves.
    // Replication's writes ('replication-…' contexts) are copies of the cloud's state or its
    // bookkeeping: fetched again if lost, so they skip the fsync (see SqliteFile.withoutFsync).
    const categorized = context.startsWith('replication-')
      ? this.internals.file.withoutFsync(() => this.writeTransaction(documentWrites, context, blobBytes))
      : this.writeTransaction(documentWrites, context, blobBytes);
    this.internals.file.wrote();
    this.emit(categorized);
    return { error: categorized.errors };
  }

  /**
   * Reads, decides and writes rows; must run inside a SQLite transaction (its own, or one shared
   * with other collections of the same file, see atomic-write.ts). Emits nothing: call `emit`
   * after the commit.
   */
  writeRows(documentWrites: BulkWriteRow<RxDocType>[], context: string, blobBytes: Map<Blob, Buffer> = new Map()): Categorized<RxDocType> {
    const ids = documentWrites.map((row) => (row.document as Record<string, unknown>)[this.primaryPath] as string);
    const inDb = this.documentsByIds(ids);
    const result = categorizeBulkWriteRows<RxDocType>(this, this.primaryPath as never, inDb, documentWrites, context);
    const { insert, update } = this.statements;
    for (const { document: doc } of result.bulkInsertDocs) {
      insert.run((doc as Record<string, unknown>)[this.primaryPath], JSON.stringify(doc), doc._deleted ? 1 : 0, doc._meta.lwt, ...this.indexValues(doc));
    }
    for (const { document: doc } of result.bulkUpdateDocs) {
      update.run(JSON.stringify(doc), doc._deleted ? 1 : 0, doc._meta.lwt, ...this.indexValues(doc), (doc as Record<string, unknown>)[this.primaryPath]);
    }
    if (this.schema.attachments) {
      for (const a of [...result.attachmentsAdd, ...result.attachmentsUpdate]) {
        const bytes = blobBytes.get(a.attachmentData.data) ?? Buffer.alloc(0);
        this.statements.attachmentPut!.run(a.documentId, a.attachmentId, a.digest, a.attachmentData.type, bytes);
      }
      for (const a of result.attachmentsRemove) this.statements.attachmentDelete!.run(a.documentId, a.attachmentId);
    }
    return result;
  }

  /** Tells RxDB (and every open query) what a committed write changed. */
  emit(categorized: Categorized<RxDocType>): void {
    if (categorized.eventBulk.events.length === 0) return;
    const last = categorized.newestRow!.document;
    categorized.eventBulk.checkpoint = { id: (last as Record<string, unknown>)[this.primaryPath] as string, lwt: last._meta.lwt };
    this.changes.next(categorized.eventBulk);
  }

  /** The SQLite connection of the file this collection lives in. */
  get connection(): Database.Database {
    return this.db;
  }

  findDocumentsById(ids: string[], withDeleted: boolean): Promise<RxDocumentData<RxDocType>[]> {
    this.ensureOpen();
    const found = this.documentsByIds(ids);
    // In the order asked, like RxDB's memory storage.
    const result: RxDocumentData<RxDocType>[] = [];
    for (const id of ids) {
      const doc = found.get(id);
      if (doc && (withDeleted || !doc._deleted)) result.push(doc);
    }
    return Promise.resolve(result);
  }

  /** The statement reading (or counting) the rows of the plan's index between its start and end keys. */
  private rangeStatement(preparedQuery: PreparedQuery<RxDocType>, mode: 'rows' | 'page' | 'first' | 'count') {
    const plan = preparedQuery.queryPlan;
    const fields = plan.index as string[];
    const column = this.columns.find((c) => sameFields(c.fields, fields));
    if (!column) throw new Error(`index does not exist: ${fields.join(',')}`);
    const lower = column.keys.lowerBound(plan.startKeys);
    const upper = column.keys.upperBound(plan.endKeys);
    const key = `${mode}|${column.column}|${plan.inclusiveStart}|${plan.inclusiveEnd}`;
    let statement = this.rangeStatements.get(key);
    if (!statement) {
      const range = `${column.column} ${plan.inclusiveStart ? '>=' : '>'} ? AND ${column.column} ${plan.inclusiveEnd ? '<=' : '<'} ?`;
      statement = this.db.prepare(
        mode === 'count'
          ? `SELECT count(*) FROM ${this.internals.table} WHERE ${range}`
          : `SELECT data FROM ${this.internals.table} WHERE ${range} ORDER BY ${column.column}${mode === 'page' ? ' LIMIT ? OFFSET ?' : mode === 'first' ? ' LIMIT 1' : ''}`,
      ).pluck();
      this.rangeStatements.set(key, statement);
    }
    return { statement, lower, upper };
  }

  /** Rows of the plan's index between its start and end keys, in index order. */
  private rangeRows(preparedQuery: PreparedQuery<RxDocType>): IterableIterator<string> {
    const { statement, lower, upper } = this.rangeStatement(preparedQuery, 'rows');
    return statement.iterate(lower, upper) as IterableIterator<string>;
  }

  query(preparedQuery: PreparedQuery<RxDocType>): Promise<RxStorageQueryResult<RxDocType>> {
    this.ensureOpen();
    const plan = preparedQuery.queryPlan;
    const query = preparedQuery.query;
    const skip = query.skip ?? 0;
    const limit = typeof query.limit === 'number' ? query.limit : Infinity;
    const matcher = plan.selectorSatisfiedByIndex ? null : getQueryMatcher(this.schema, query);
    const resort = !plan.sortSatisfiedByIndex;
    let documents: RxDocumentData<RxDocType>[] = [];
    if (!matcher && !resort && limit === 1 && skip === 0) {
      // findOne by an index (a barcode scanned at the counter): one row, no array to build.
      const { statement, lower, upper } = this.rangeStatement(preparedQuery, 'first');
      const data = statement.get(lower, upper) as string | undefined;
      return Promise.resolve({ documents: data === undefined ? [] : [JSON.parse(data)] });
    }
    if (!matcher && !resort && Number.isFinite(limit)) {
      // The index answers selector and order: SQLite pages the range itself (a barcode lookup,
      // a prefix search), and only that page is read and parsed.
      const { statement, lower, upper } = this.rangeStatement(preparedQuery, 'page');
      const rows = statement.all(lower, upper, limit, skip) as string[];
      const page = new Array<RxDocumentData<RxDocType>>(rows.length);
      for (let i = 0; i < rows.length; i++) page[i] = JSON.parse(rows[i]!);
      return Promise.resolve({ documents: page });
    }
    if (resort || !Number.isFinite(skip + limit)) {
      // Every row of the range is needed: one all() is cheaper than stepping an iterator.
      const { statement, lower, upper } = this.rangeStatement(preparedQuery, 'rows');
      for (const data of statement.all(lower, upper) as string[]) {
        const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
        if (!matcher || matcher(doc)) documents.push(doc);
      }
    } else {
      const iterator = this.rangeRows(preparedQuery);
      try {
        for (const data of iterator) {
          const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
          if (matcher && !matcher(doc)) continue;
          documents.push(doc);
          // In index order we can stop as soon as the page is full.
          if (documents.length >= skip + limit) break;
        }
      } finally {
        iterator.return?.();
      }
    }
    if (resort) documents.sort(getSortComparator(this.schema, query));
    if (skip > 0 || documents.length > skip + limit) documents = documents.slice(skip, skip + limit);
    return Promise.resolve({ documents });
  }

  count(preparedQuery: PreparedQuery<RxDocType>): Promise<RxStorageCountResult> {
    this.ensureOpen();
    // RxDB's count() carries no skip or limit; an index that answers the whole selector lets
    // SQLite count the range without reading a single document.
    if (preparedQuery.queryPlan.selectorSatisfiedByIndex) {
      const { statement, lower, upper } = this.rangeStatement(preparedQuery, 'count');
      return Promise.resolve({ count: (statement.get(lower, upper) as number) ?? 0, mode: 'fast' });
    }
    const matcher = getQueryMatcher(this.schema, preparedQuery.query);
    let count = 0;
    for (const data of this.rangeRows(preparedQuery)) if (matcher(JSON.parse(data))) count++;
    return Promise.resolve({ count, mode: 'fast' });
  }

  getChangedDocumentsSince(limit: number, checkpoint?: RxStorageDefaultCheckpoint) {
    this.ensureOpen();
    // The checkpoint's own place in the ['_meta.lwt', primary] index: everything after it, in order.
    const after = checkpoint ? this.changesColumn.keys.ofDocument({ [this.primaryPath]: checkpoint.id, _meta: { lwt: checkpoint.lwt } }) : '';
    const documents = (this.statements.changedSince.all(after, limit) as string[]).map((data) => JSON.parse(data) as RxDocumentData<RxDocType>);
    const last = documents.at(-1);
    return Promise.resolve({
      documents,
      checkpoint: last ? { id: (last as Record<string, unknown>)[this.primaryPath] as string, lwt: last._meta.lwt } : (checkpoint ?? { id: '', lwt: 0 }),
    });
  }

  changeStream(): Observable<EventBulk<RxStorageChangeEvent<RxDocumentData<RxDocType>>, RxStorageDefaultCheckpoint>> {
    this.ensureOpen();
    return this.changes.asObservable();
  }

  cleanup(minimumDeletedTime: number): Promise<boolean> {
    this.ensureOpen();
    this.statements.cleanup.run(now() - minimumDeletedTime);
    this.internals.file.wrote();
    return Promise.resolve(true);
  }

  async getAttachmentData(documentId: string, attachmentId: string, digest: string): Promise<Blob> {
    this.ensureOpen();
    const row = this.statements.attachmentGet?.get(documentId, attachmentId) as { digest: string; type: string; data: Buffer } | undefined;
    if (!row || row.digest !== digest) throw new Error(`attachment does not exist: ${documentId}/${attachmentId}`);
    return new Blob([row.data], { type: row.type });
  }

  async remove(): Promise<void> {
    this.ensureOpen();
    const table = this.internals.table;
    this.db.transaction(() => {
      this.db.exec(`DROP TABLE IF EXISTS ${table}`);
      this.db.exec(`DROP TABLE IF EXISTS a_${table}`);
      this.db.prepare(`DELETE FROM afrigest_collections WHERE name = ? AND version = ?`).run(this.collectionName, this.schema.version);
    })();
    await this.close();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return releaseFile(this.internals.file);
  }
}

export function createSQLiteStorageInstance<RxDocType>(
  storage: RxStorage<SQLiteInternals, Record<string, never>>,
  params: RxStorageInstanceCreationParams<RxDocType, Record<string, never>>,
  settings: SQLiteStorageSettings,
): RxStorageInstanceSQLite<RxDocType> {
  const file = acquireFile(settings.directory, params.databaseName);
  try {
    return new RxStorageInstanceSQLite(storage, params, file);
  } catch (error) {
    void releaseFile(file);
    throw error;
  }
}
