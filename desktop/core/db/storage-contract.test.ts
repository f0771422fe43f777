/**
 * The RxStorageInstance contract, checked below RxDB's collection layer: the same seeded write rows
 * (with chosen revisions and write times, so both sides are byte-for-byte comparable) go to this
 * storage and to RxDB's memory storage, and every answer must be identical — write errors with
 * the document in the database, events and their checkpoints, reads with and without deleted
 * documents, prepared queries and counts, changes paged by checkpoint, cleanup, attachments,
 * close and reopen, remove.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRevision,
  fillWithDefaultSettings,
  getChangedDocumentsSince,
  normalizeMangoQuery,
  prepareQuery,
  type BulkWriteRow,
  type EventBulk,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorage,
  type RxStorageChangeEvent,
  type RxStorageDefaultCheckpoint,
  type RxStorageInstance,
} from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { getRxStorageSQLite } from './index.js';
import { itemSchema, makeItem, makeQuery, random, type Item } from './test-support/random-workload.js';

type Instance<T> = RxStorageInstance<T, unknown, unknown, RxStorageDefaultCheckpoint>;
type Events<T> = Array<Pick<EventBulk<RxStorageChangeEvent<RxDocumentData<T>>, unknown>, 'events' | 'checkpoint' | 'context'>>;

const TOKEN = 'contract-token';
const dirs: string[] = [];
const subscriptions: Subscription[] = [];
afterEach(() => {
  for (const s of subscriptions.splice(0)) s.unsubscribe();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

let names = 0;
function params<T>(schema: RxJsonSchema<RxDocumentData<T>>, databaseName: string, collectionName = 'items') {
  return { databaseInstanceToken: TOKEN, databaseName, collectionName, schema, options: {}, multiInstance: false, devMode: false };
}

async function open<T>(storage: RxStorage<unknown, unknown>, schema: RxJsonSchema<RxDocumentData<T>>, databaseName: string): Promise<{ instance: Instance<T>; events: Events<T> }> {
  const instance = (await storage.createStorageInstance<T>(params(schema, databaseName) as never)) as unknown as Instance<T>;
  const events: Events<T> = [];
  // The bulk id is random per storage; everything else must match.
  subscriptions.push(instance.changeStream().subscribe((bulk) => events.push({ events: bulk.events as unknown as Events<T>[number]['events'], checkpoint: bulk.checkpoint, context: bulk.context })));
  return { instance, events };
}

/** Both storages, opened on the same schema; SQLite in a fresh directory. */
async function pair<T>(schema: RxJsonSchema<RxDocumentData<T>>) {
  const directory = mkdtempSync(join(tmpdir(), 'afrigest-contract-'));
  dirs.push(directory);
  const databaseName = `contract${names++}`;
  const sqliteStorage = getRxStorageSQLite({ directory }) as RxStorage<unknown, unknown>;
  const memoryStorage = getRxStorageMemory() as RxStorage<unknown, unknown>;
  return {
    sqliteStorage,
    databaseName,
    sqlite: await open<T>(sqliteStorage, schema, databaseName),
    memory: await open<T>(memoryStorage, schema, databaseName),
  };
}

const itemsSchema = fillWithDefaultSettings(itemSchema) as RxJsonSchema<RxDocumentData<Item>>;

/** Write rows built from the memory side's current state: inserts, updates, deletes, undeletes, stale writes. */
function makeRows(rand: () => number, state: Map<string, RxDocumentData<Item>>, ids: string[], step: number, lwt: number): BulkWriteRow<Item>[] {
  const rows: BulkWriteRow<Item>[] = [];
  const used = new Set<string>();
  const size = 1 + Math.floor(rand() * 12);
  for (let r = 0; r < size; r++) {
    const roll = rand();
    const known = ids.length > 0 && roll >= 0.3;
    const id = known ? ids[Math.floor(rand() * ids.length)]! : `d${step}-${r}`;
    // One row per document in a batch, as RxDB sends them.
    if (used.has(id)) continue;
    used.add(id);
    if (!known) ids.push(id);
    const current = state.get(id);
    const fresh = { ...makeItem(rand, id), _attachments: {}, _meta: { lwt } };
    if (!current || roll < 0.35) {
      // An insert: new, or over an existing document, which must be refused with a 409.
      rows.push({ document: { ...fresh, _deleted: rand() < 0.05, _rev: createRevision(TOKEN) } as RxDocumentData<Item> });
    } else if (roll < 0.45) {
      // A writer that read an older revision.
      rows.push({ previous: { ...current, _rev: '1-stale' }, document: { ...fresh, _deleted: false, _rev: createRevision(TOKEN, current) } as RxDocumentData<Item> });
    } else {
      const deleted = current._deleted ? rand() < 0.3 : rand() < 0.25;
      rows.push({ previous: current, document: { ...fresh, _deleted: deleted, _rev: createRevision(TOKEN, current) } as RxDocumentData<Item> });
    }
  }
  return rows;
}

async function allChanges<T>(instance: Instance<T>, rand: () => number) {
  const pages: Array<{ ids: unknown[]; checkpoint: RxStorageDefaultCheckpoint }> = [];
  let checkpoint: RxStorageDefaultCheckpoint | undefined;
  for (;;) {
    const page = await getChangedDocumentsSince(instance as never, 1 + Math.floor(rand() * 25), checkpoint);
    if (page.documents.length === 0) return pages;
    checkpoint = page.checkpoint as RxStorageDefaultCheckpoint;
    pages.push({ ids: page.documents.map((d) => (d as unknown as { id: string }).id), checkpoint });
  }
}

describe('RxStorageInstance contract, against RxDB’s memory storage', () => {
  it('answers every write, read, query, count, change page and event exactly as the memory storage does', async () => {
    const both = await pair<Item>(itemsSchema);
    const { memory } = both;
    let { sqlite } = both;
    const rand = random(42);
    const ids: string[] = [];
    const state = new Map<string, RxDocumentData<Item>>();
    // Two eras of write times: long ago (purged by cleanup below) and now.
    const oldEra = 1_000_000_000_000;
    const nowEra = Math.floor(Date.now()) - 60_000;
    for (let step = 0; step < 160; step++) {
      // Several rows share one lwt, as in one RxDB bulk: the id breaks the tie.
      const lwt = (step < 80 ? oldEra : nowEra) + step * 10 + (rand() < 0.3 ? 0.5 : 0);
      const rows = makeRows(rand, state, ids, step, lwt);
      const [a, b] = [await sqlite.instance.bulkWrite(rows, `step ${step}`), await memory.instance.bulkWrite(rows, `step ${step}`)];
      expect(a.error, `errors at step ${step}`).toEqual(b.error);
      for (const doc of await memory.instance.findDocumentsById(rows.map((r) => (r.document as Item).id), true)) state.set(doc.id, doc);

      if (step % 8 === 0) {
        const asked = Array.from({ length: 1 + Math.floor(rand() * 15) }, () => (rand() < 0.1 ? 'missing' : ids[Math.floor(rand() * ids.length)]!));
        for (const withDeleted of [true, false]) {
          expect(await sqlite.instance.findDocumentsById(asked, withDeleted)).toEqual(await memory.instance.findDocumentsById(asked, withDeleted));
        }
        for (let q = 0; q < 12; q++) {
          const mango = makeQuery(rand);
          // Half the queries ask as RxDB's collections do (live documents only), half see the deleted ones too.
          if (rand() < 0.5) (mango.selector as Record<string, unknown>)._deleted = { $eq: false };
          const prepared = prepareQuery(itemsSchema, normalizeMangoQuery(itemsSchema, mango));
          const [qa, qb] = [await sqlite.instance.query(prepared), await memory.instance.query(prepared)];
          expect(qa.documents, JSON.stringify(mango)).toEqual(qb.documents);
          const countQuery = prepareQuery(itemsSchema, normalizeMangoQuery(itemsSchema, { selector: mango.selector }));
          expect((await sqlite.instance.count(countQuery)).count, JSON.stringify(mango.selector)).toBe((await memory.instance.count(countQuery)).count);
        }
      }
      if (step === 79) {
        // Deleted documents older than an hour go; the others stay.
        expect(await sqlite.instance.cleanup(60 * 60 * 1000)).toBe(true);
        await memory.instance.cleanup(60 * 60 * 1000);
        expect(await sqlite.instance.findDocumentsById(ids, true)).toEqual(await memory.instance.findDocumentsById(ids, true));
        for (const id of ids) if (state.get(id)?._deleted) state.delete(id);
      }
      if (step === 100) {
        // Everything so far must have been on disk: a new instance on the same file carries on.
        await sqlite.instance.close();
        const events = sqlite.events;
        sqlite = await open<Item>(both.sqliteStorage, itemsSchema, both.databaseName);
        sqlite.events.push(...events);
      }
    }
    expect(sqlite.events).toEqual(memory.events);
    expect(await allChanges(sqlite.instance, random(5))).toEqual(await allChanges(memory.instance, random(5)));
    expect(await sqlite.instance.findDocumentsById(ids, true)).toEqual(await memory.instance.findDocumentsById(ids, true));
    await sqlite.instance.close();
    await memory.instance.close();
  });

  it('lets the first of two simultaneous inserts of one id win and refuses the second with the winner', async () => {
    const { sqlite, memory } = await pair<Item>(itemsSchema);
    for (const side of [sqlite, memory]) {
      const doc = (name: string) => ({ ...makeItem(random(1), 'same'), name, _deleted: false, _attachments: {}, _meta: { lwt: 1_700_000_000_000 }, _rev: createRevision(TOKEN) });
      const [first, second] = await Promise.all([side.instance.bulkWrite([{ document: doc('first') }], 'a'), side.instance.bulkWrite([{ document: doc('second') }], 'b')]);
      expect(first.error).toEqual([]);
      expect(second.error[0]).toMatchObject({ status: 409, documentId: 'same', documentInDb: { name: 'first' } });
      // The document in the database carries no storage bookkeeping of its own.
      expect(Object.keys((second.error[0] as { documentInDb?: object }).documentInDb!).sort()).toEqual(Object.keys(doc('x')).sort());
      await side.instance.close();
    }
  });

  it('pages changes by { id, lwt } exactly as RxDB’s own query over the lwt index would', async () => {
    const { sqlite } = await pair<Item>(itemsSchema);
    const rand = random(9);
    for (let step = 0; step < 30; step++) {
      const rows = Array.from({ length: 1 + Math.floor(rand() * 8) }, (_, r) => ({
        document: { ...makeItem(rand, `c${Math.floor(rand() * 1000)}-${step}-${r}`), _deleted: rand() < 0.2, _attachments: {}, _meta: { lwt: 1_600_000_000_000 + Math.floor(step / 3) }, _rev: createRevision(TOKEN) } as RxDocumentData<Item>,
      }));
      await sqlite.instance.bulkWrite(rows, 'changes');
    }
    const viaStorage = await allChanges(sqlite.instance, random(3));
    // The same pages through RxDB's generic path, which runs a query instead of our method.
    const generic = { ...sqlite.instance, getChangedDocumentsSince: undefined, query: sqlite.instance.query.bind(sqlite.instance), schema: sqlite.instance.schema };
    const viaQuery = await allChanges(generic as unknown as Instance<Item>, random(3));
    expect(viaStorage.flatMap((p) => p.ids)).toHaveLength(new Set(viaStorage.flatMap((p) => p.ids)).size);
    expect(viaStorage).toEqual(viaQuery);
    await sqlite.instance.close();
  });

  it('stores, replaces, removes and serves attachments as the memory storage does', async () => {
    type Receipt = { id: string; note: string };
    const schema = fillWithDefaultSettings({
      version: 0, primaryKey: 'id', type: 'object', properties: { id: { type: 'string', maxLength: 20 }, note: { type: 'string' } }, required: ['id'], attachments: {},
    } as RxJsonSchema<Receipt>) as RxJsonSchema<RxDocumentData<Receipt>>;
    const { sqlite, memory } = await pair<Receipt>(schema);
    const attachment = (text: string) => ({ data: new Blob([text], { type: 'text/plain' }), type: 'text/plain', length: new Blob([text]).size, digest: `md5-${text}` });
    const stub = (text: string) => ({ type: 'text/plain', length: new Blob([text]).size, digest: `md5-${text}` });
    const results = [];
    for (const side of [sqlite, memory]) {
      const v1 = { id: 'r1', note: 'a', _deleted: false, _meta: { lwt: 1_700_000_000_000 }, _rev: createRevision(TOKEN), _attachments: { 'recu.txt': attachment('Reçu n°1'), 'logo.txt': attachment('logo') } };
      expect((await side.instance.bulkWrite([{ document: v1 as never }], 'att')).error).toEqual([]);
      const [stored1] = await side.instance.findDocumentsById(['r1'], false);
      const v2 = { ...stored1!, note: 'b', _rev: createRevision(TOKEN, stored1), _meta: { lwt: 1_700_000_000_001 }, _attachments: { 'recu.txt': attachment('Reçu n°1 corrigé') } };
      expect((await side.instance.bulkWrite([{ previous: stored1!, document: v2 as never }], 'att')).error).toEqual([]);
      const [stored2] = await side.instance.findDocumentsById(['r1'], false);
      const read = async (id: string, digest: string) => {
        try {
          // The memory storage throws before returning a promise: await covers both.
          return await (await side.instance.getAttachmentData('r1', id, digest)).text();
        } catch {
          return 'refused';
        }
      };
      const answers = [stored1, stored2, await read('recu.txt', stub('Reçu n°1 corrigé').digest), await read('recu.txt', stub('Reçu n°1').digest), await read('logo.txt', stub('logo').digest)];
      const v3 = { ...stored2!, _deleted: true, _rev: createRevision(TOKEN, stored2), _meta: { lwt: 1_700_000_000_002 } };
      expect((await side.instance.bulkWrite([{ previous: stored2!, document: v3 as never }], 'att')).error).toEqual([]);
      answers.push(await read('recu.txt', stub('Reçu n°1 corrigé').digest));
      results.push(answers);
      await side.instance.close();
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]!.slice(2)).toEqual(['Reçu n°1 corrigé', 'refused', 'refused', 'refused']);
  });

  it('forgets a removed collection and refuses work on a closed instance', async () => {
    const { sqlite, sqliteStorage, databaseName } = await pair<Item>(itemsSchema);
    const row = { document: { ...makeItem(random(2), 'gone'), _deleted: false, _attachments: {}, _meta: { lwt: 1_700_000_000_000 }, _rev: createRevision(TOKEN) } as RxDocumentData<Item> };
    await sqlite.instance.bulkWrite([row], 'remove');
    await sqlite.instance.remove();
    const again = await open<Item>(sqliteStorage, itemsSchema, databaseName);
    expect(await again.instance.findDocumentsById(['gone'], true)).toEqual([]);
    await again.instance.close();
    await expect(async () => again.instance.bulkWrite([row], 'closed')).rejects.toThrow(/closed/);
  });
});
