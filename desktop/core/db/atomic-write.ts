import { createRevision, getDefaultRxDocumentMeta, now, type RxCollection, type RxDocumentData } from 'rxdb';
import { RxStorageInstanceSQLite } from './storage-instance.js';

export type NewDocuments = { collection: RxCollection; documents: Array<Record<string, unknown>> };

export class AtomicWriteError extends Error {
  constructor(readonly collection: string, readonly documentId: string, readonly status: number) {
    super(`écriture refusée / write refused: ${collection} ${documentId} (${status})`);
    this.name = 'AtomicWriteError';
  }
}

/**
 * Inserts new documents into several collections of one database in a single SQLite transaction:
 * a sale, its stock movements and its cash-session event are all on disk, or none is. RxDB has no
 * transaction across collections; the collections of a database share one file here, so the
 * storage provides it. Any refused row (an id already taken) rolls the whole write back.
 */
export function insertAtomically(writes: NewDocuments[]): void {
  const instances = writes.map(({ collection }) => {
    const instance = collection.internalStorageInstance;
    if (!(instance instanceof RxStorageInstanceSQLite)) throw new Error('insertAtomically needs the SQLite storage');
    return instance as RxStorageInstanceSQLite<unknown>;
  });
  const connection = instances[0]?.connection;
  if (!connection) return;
  if (instances.some((i) => i.connection !== connection)) throw new Error('insertAtomically: collections of one database only');

  const lwt = now();
  const results = connection.transaction(() =>
    writes.map(({ collection, documents }, i) => {
      const rows = documents.map((doc) => ({
        document: {
          ...doc,
          _deleted: false,
          _attachments: {},
          _meta: { ...getDefaultRxDocumentMeta(), lwt },
          _rev: createRevision(collection.database.token),
        } as unknown as RxDocumentData<unknown>,
      }));
      const result = instances[i]!.writeRows(rows, 'insert-atomically');
      const refused = result.errors[0];
      // Throwing inside the transaction rolls back every collection's rows.
      if (refused) throw new AtomicWriteError(collection.name, refused.documentId, refused.status);
      return result;
    }),
  )();
  instances[0]!.internals.file.wrote();
  results.forEach((result, i) => instances[i]!.emit(result));
}
