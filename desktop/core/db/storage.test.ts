import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { addRxPlugin, createRxDatabase, fillWithDefaultSettings, getIndexableStringMonad, type RxCollection, type RxDatabase, type RxStorage } from 'rxdb';
import { RxDBAttachmentsPlugin } from 'rxdb/plugins/attachments';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { describe, expect, it } from 'vitest';
import { getRxStorageSQLite, StorageOpenError } from './index.js';
import { itemSchema, makeItem, makeQuery, random, type Item } from './test-support/random-workload.js';
import { scratchDirectories } from './test-support/scratch.js';

addRxPlugin(RxDBMigrationSchemaPlugin);
addRxPlugin(RxDBAttachmentsPlugin);

const tempDir = scratchDirectories('afrigest-storage-');

let counter = 0;
async function openItems(storage: RxStorage<unknown, unknown>, name = `db${counter++}`): Promise<{ db: RxDatabase; items: RxCollection<Item> }> {
  const db = await createRxDatabase({ name, storage: storage as never, multiInstance: false });
  const { items } = await db.addCollections({ items: { schema: itemSchema } });
  return { db, items: items as RxCollection<Item> };
}

/** The same seeded inserts, patches, upserts and removes on one collection. */
async function runWorkload(items: RxCollection<Item>, seed: number, operations: number): Promise<void> {
  const rand = random(seed);
  const ids: string[] = [];
  await items.bulkInsert(Array.from({ length: 150 }, (_, i) => makeItem(rand, `seed-${i}`)));
  ids.push(...Array.from({ length: 150 }, (_, i) => `seed-${i}`));
  for (let i = 0; i < operations; i++) {
    const roll = rand();
    const id = ids[Math.floor(rand() * ids.length)]!;
    if (roll < 0.3) {
      const fresh = `op-${i}`;
      await items.insert(makeItem(rand, fresh));
      ids.push(fresh);
    } else if (roll < 0.55) {
      const doc = await items.findOne(id).exec();
      if (doc) await doc.incrementalPatch({ age: Math.floor(rand() * 100), note: `patch ${i}` });
    } else if (roll < 0.8) {
      await items.upsert(makeItem(rand, id));
    } else {
      const doc = await items.findOne(id).exec();
      if (doc) await doc.remove();
    }
  }
}

describe('SQLite RxStorage', () => {
  it('gives the same results, in the same order, as RxDB’s memory storage on random workloads', async () => {
    const sqlite = await openItems(getRxStorageSQLite({ directory: tempDir() }));
    const memory = await openItems(getRxStorageMemory());
    for (const seed of [1, 2]) {
      await runWorkload(sqlite.items, seed * 1000, 300);
      await runWorkload(memory.items, seed * 1000, 300);
      const rand = random(seed);
      for (let q = 0; q < 150; q++) {
        const query = makeQuery(rand);
        const [a, b] = await Promise.all([sqlite.items.find(query).exec(), memory.items.find(query).exec()]);
        expect(a.map((d) => d.toJSON()), JSON.stringify(query)).toEqual(b.map((d) => d.toJSON()));
        const [ca, cb] = await Promise.all([sqlite.items.count({ selector: query.selector }).exec(), memory.items.count({ selector: query.selector }).exec()]);
        expect(ca, JSON.stringify(query.selector)).toBe(cb);
      }
      // Wipe both between seeds through the same removals.
      await sqlite.items.find().remove();
      await memory.items.find().remove();
    }
    await sqlite.db.remove();
    await memory.db.remove();
  });

  it('finds by id with and without deleted documents, and keeps data across close and reopen', async () => {
    const directory = tempDir();
    const first = await openItems(getRxStorageSQLite({ directory }), 'persist');
    const rand = random(7);
    await first.items.bulkInsert(Array.from({ length: 20 }, (_, i) => makeItem(rand, `p-${i}`)));
    await (await first.items.findOne('p-3').exec())!.remove();
    const storageInstance = first.items.storageInstance;
    expect((await storageInstance.findDocumentsById(['p-3', 'p-4'], false)).map((d) => d.id)).toEqual(['p-4']);
    expect((await storageInstance.findDocumentsById(['p-3', 'p-4'], true)).map((d) => d.id).sort()).toEqual(['p-3', 'p-4']);
    await first.db.close();

    const again = await openItems(getRxStorageSQLite({ directory }), 'persist');
    expect(await again.items.count().exec()).toBe(19);
    expect((await again.items.findOne('p-5').exec())?.toJSON()).toMatchObject({ id: 'p-5' });
    await again.db.close();
  });

  it('reports conflicts with the document in the database, and pages changes by checkpoint', async () => {
    const { db, items } = await openItems(getRxStorageSQLite({ directory: tempDir() }));
    await items.insert(makeItem(random(3), 'x'));
    await expect(items.insert(makeItem(random(4), 'x'))).rejects.toMatchObject({ code: 'CONFLICT' });
    const instance = items.storageInstance;
    const [current] = await instance.findDocumentsById(['x'], false);
    const result = await instance.bulkWrite([{ document: { ...current!, age: 1, _rev: '9-zzz' }, previous: { ...current!, _rev: '0-stale' } }], 'test');
    expect(result.error[0]).toMatchObject({ status: 409, documentId: 'x' });
    expect((result.error[0] as { documentInDb?: unknown }).documentInDb).toMatchObject({ id: 'x', age: current!.age });

    await items.bulkInsert(Array.from({ length: 25 }, (_, i) => makeItem(random(i), `c-${String(i).padStart(2, '0')}`)));
    const seen: string[] = [];
    let checkpoint: { id: string; lwt: number } | undefined;
    for (;;) {
      const page = await instance.getChangedDocumentsSince!(7, checkpoint);
      if (page.documents.length === 0) break;
      seen.push(...page.documents.map((d) => d.id));
      checkpoint = page.checkpoint;
    }
    expect(new Set(seen).size).toBe(26);
    await db.remove();
  });

  it('takes replication’s writes without the fsync and leaves the file fully synchronous for the next write', async () => {
    const { db, items } = await openItems(getRxStorageSQLite({ directory: tempDir() }));
    const instance = items.storageInstance as unknown as { internals: { file: { db: { pragma(sql: string, options: { simple: true }): unknown } } } };
    const synchronous = () => instance.internals.file.db.pragma('synchronous', { simple: true });
    expect(synchronous()).toBe(2); // FULL
    const written = await items.storageInstance.bulkWrite([{ document: { ...makeItem(random(5), 'pulled'), _deleted: false, _rev: '1-a', _attachments: {}, _meta: { lwt: Date.now() } } as never }], 'replication-downstream-test');
    expect(written.error).toEqual([]);
    expect((await items.findOne('pulled').exec())?.id).toBe('pulled');
    // The relaxed commit ends with the file back to FULL for the next ordinary write.
    expect(synchronous()).toBe(2);
    await db.remove();
  });

  it('stores attachments', async () => {
    const directory = tempDir();
    const db = await createRxDatabase({ name: 'att', storage: getRxStorageSQLite({ directory }), multiInstance: false });
    const { receipts } = await db.addCollections({
      receipts: { schema: { version: 0, primaryKey: 'id', type: 'object', properties: { id: { type: 'string', maxLength: 20 } }, attachments: {} } },
    });
    const doc = await receipts.insert({ id: 'r1' });
    await doc.putAttachment({ id: 'recu.txt', data: new Blob(['Reçu n°1 — 12 500 GNF'], { type: 'text/plain' }), type: 'text/plain' });
    const stored = (await receipts.findOne('r1').exec())!.getAttachment('recu.txt')!;
    expect(await (await stored.getData()).text()).toBe('Reçu n°1 — 12 500 GNF');
    await db.remove();
  });

  it('runs RxDB schema migrations on top of it', async () => {
    const directory = tempDir();
    const v0 = await openItems(getRxStorageSQLite({ directory }), 'migrating');
    await v0.items.bulkInsert(Array.from({ length: 30 }, (_, i) => makeItem(random(i), `m-${i}`)));
    await v0.db.close();
    const db = await createRxDatabase({ name: 'migrating', storage: getRxStorageSQLite({ directory }), multiInstance: false });
    const schemaV1 = { ...itemSchema, version: 1, properties: { ...itemSchema.properties, grade: { type: 'string' } } };
    const { items } = await db.addCollections({
      items: { schema: schemaV1 as never, migrationStrategies: { 1: (old: Item) => ({ ...old, grade: old.age >= 50 ? 'senior' : 'junior' }) } },
    });
    expect(await items.count().exec()).toBe(30);
    const docs = await items.find().exec();
    for (const d of docs) expect(['senior', 'junior']).toContain((d.toJSON() as { grade: string }).grade);
    await db.remove();
  });

  it('refuses a corrupt file or a table written by another schema with a clear error, touching nothing', async () => {
    const directory = tempDir();
    const garbage = 'ceci n’est pas une base SQLite '.repeat(200);
    writeFileSync(join(directory, 'broken.sqlite'), garbage);
    const storage = getRxStorageSQLite({ directory });
    const params = { databaseName: 'broken', collectionName: 'items', schema: fillWithDefaultSettings(itemSchema), options: {}, multiInstance: false, devMode: false, databaseInstanceToken: 'x' };
    const error = await storage.createStorageInstance(params as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageOpenError);
    expect((error as StorageOpenError).code).toBe('STORAGE_CORRUPT');
    expect((error as Error).message).toMatch(/illisible/);

    const good = { ...params, databaseName: 'good' };
    const instance = await storage.createStorageInstance(good as never);
    await instance.close();
    const changed = { ...good, schema: { ...good.schema, properties: { ...good.schema.properties, extra: { type: 'string' } } } };
    const mismatch = await storage.createStorageInstance(changed as never).catch((e: unknown) => e);
    expect((mismatch as StorageOpenError).code).toBe('STORAGE_SCHEMA_MISMATCH');
  });

  it('opens a file of the previous format (padded index strings) and rebuilds its index keys from the documents', async () => {
    const directory = tempDir();
    const rand = random(3);
    const items = Array.from({ length: 300 }, (_, i) => makeItem(rand, `item-${i}`));
    const older = await openItems(getRxStorageSQLite({ directory }), 'older');
    await older.items.bulkInsert(items);
    await older.db.close();
    // What format 3 stored: RxDB's padded strings, in the index columns, in the schema's index order,
    // code units from U+D800 shifted by 0x800 (SQLite's order of them is then JavaScript's).
    const format3 = (key: string) => key.replace(/[\uD800-\uFFFF]/g, (unit) => String.fromCodePoint(unit.charCodeAt(0) + 0x800));
    const file = new Database(join(directory, 'older.sqlite'));
    const filled = fillWithDefaultSettings(itemSchema);
    const indexes = filled.indexes!.map((index) => (typeof index === 'string' ? [index] : [...index]));
    const padded = indexes.map((fields) => getIndexableStringMonad(filled, fields));
    const update = file.prepare(`UPDATE c_items_v0 SET ${indexes.map((_, i) => `i${i} = ?`).join(', ')} WHERE id = ?`);
    for (const { id, data } of file.prepare('SELECT id, data FROM c_items_v0').all() as Array<{ id: string; data: string }>) {
      update.run(...padded.map((key) => format3(key(JSON.parse(data)))), id);
    }
    file.prepare(`UPDATE afrigest_meta SET value = '3' WHERE key = 'format'`).run();
    file.close();

    const reopened = await openItems(getRxStorageSQLite({ directory }), 'older');
    const memory = await openItems(getRxStorageMemory());
    await memory.items.bulkInsert(items);
    for (let q = 0; q < 100; q++) {
      const query = makeQuery(rand);
      const [a, b] = await Promise.all([reopened.items.find(query).exec(), memory.items.find(query).exec()]);
      expect(a.map((d) => d.id), JSON.stringify(query)).toEqual(b.map((d) => d.id));
    }
    const meta = reopened.items.storageInstance.internals as { file: { db: Database.Database } };
    expect(meta.file.db.prepare(`SELECT key, value FROM afrigest_meta WHERE key = 'format' OR key LIKE 'rebuild-keys:%'`).all()).toEqual([{ key: 'format', value: '4' }]);
    await reopened.db.close();
    await memory.db.remove();
  });

  it('loses no acknowledged write when the process is killed with SIGKILL', async () => {
    const directory = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'test-support/writer.ts'), directory], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acknowledged: string[] = [];
    let buffer = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        acknowledged.push(...lines);
        if (acknowledged.length >= 150) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.once('exit', r));
    const { db, items } = await openItems(getRxStorageSQLite({ directory }), 'durable');
    const stored = new Set((await items.find().exec()).map((d) => d.id));
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length);
    await db.close();
  });
});
