import type { RxCollection, RxDatabase, RxJsonSchema } from 'rxdb';

// Per database and name: several services may ask for the same collection, it is added once.
const opened = new WeakMap<RxDatabase, Map<string, Promise<RxCollection>>>();

/**
 * A collection of the till's own database that is not in TILL_COLLECTIONS, so the sync (which
 * replicates exactly those) never sends it anywhere: added on first use, in the same SQLite file
 * as the rest, so it can be written in the same transaction (insertAtomically).
 */
export function localCollection<T>(db: RxDatabase, name: string, schema: RxJsonSchema<T>): Promise<RxCollection<T>> {
  let byName = opened.get(db);
  if (!byName) opened.set(db, (byName = new Map()));
  let collection = byName.get(name);
  if (!collection) {
    collection = db.collections[name]
      ? Promise.resolve(db.collections[name] as RxCollection)
      : db.addCollections({ [name]: { schema } }).then((added) => added[name] as RxCollection);
    byName.set(name, collection);
  }
  return collection as Promise<RxCollection<T>>;
}
