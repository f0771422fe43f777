/**
 * `npm run bench:storage`: RxDB's own performance suite on our SQLite storage and on RxDB's memory
 * storage in the same run, then 100,000 products: barcode lookup and name-prefix search through
 * RxDB next to the same lookups as raw better-sqlite3 SELECTs on the same data.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRxDatabase, normalizeMangoQuery, prepareQuery, type RxJsonSchema } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { averageSchemaData, runPerformanceTests } from 'rxdb/plugins/test-utils';
import { getRxStorageSQLite } from '../desktop/core/db/index.js';
import { searchForm } from '../shared/text.js';
import { runAsTheCoreRuns } from './support/core-flags.js';
import { ms, percentile, timeEach } from './support/stats.js';

await runAsTheCoreRuns();

const RUNS = Number(process.env.BENCH_RUNS ?? 8);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const LOOKUPS = 2_000;
const directory = mkdtempSync(join(tmpdir(), 'afrigest-bench-storage-'));

/**
 * What the suite's figures cost on this machine before any storage code runs: a durable commit
 * (the promise made to the cashier: an acknowledged write survives a power cut) and decoding the
 * stored JSON (the memory storage hands out objects it already holds). Measured on raw
 * better-sqlite3 in the same run; a floor above 4x memory means that figure cannot meet the goal.
 */
function printFloors(memory: Record<string, number>): void {
  const file = new Database(join(directory, 'floors.sqlite'));
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = FULL');
  file.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, data TEXT NOT NULL)');
  const insert = file.prepare('INSERT INTO docs (id, data) VALUES (?, ?)');
  const docs = Array.from({ length: 3_000 }, () => averageSchemaData());
  const commits = Array.from({ length: 200 }, (_, i) => {
    const start = performance.now();
    insert.run(`one-${i}`, JSON.stringify(docs[i]));
    return performance.now() - start;
  });
  const commit = percentile(commits, 50);
  const bulk = Array.from({ length: 6 }, (_, round) => {
    const start = performance.now();
    file.transaction(() => {
      for (let i = 0; i < 500; i++) insert.run(`bulk-${round}-${i}`, JSON.stringify(docs[round * 500 + i]));
    })();
    return performance.now() - start;
  });
  const stored = docs.map((doc) => JSON.stringify(doc));
  const parse = Math.min(...Array.from({ length: 5 }, () => {
    const start = performance.now();
    for (const json of stored) JSON.parse(json);
    return performance.now() - start;
  }));
  file.close();
  console.log('\n  floors on this machine (raw better-sqlite3 and JSON, no storage code)    floor / memory');
  const floor = (label: string, value: number, key: string) =>
    console.log(`  ${label.padEnd(58)} ${ms(value)}   ${(value / memory[key]!).toFixed(2)}x`);
  floor(`50 durable one-row commits (${commit.toFixed(3)} ms each)`, 50 * commit, 'serial-inserts-50');
  floor('one durable commit of 500 documents', Math.min(...bulk), 'insert-documents-500');
  floor('JSON.parse of 3,000 stored documents', parse, 'find-by-ids-3000');
}

try {
  console.log(`bench:storage — RxDB runPerformanceTests (${RUNS} runs each), then ${PRODUCTS.toLocaleString('fr-FR')} products`);
  const config = { runs: RUNS, log: false, waitBetweenTests: 20 };
  console.log('· RxDB suite on the memory storage…');
  const memory = (await runPerformanceTests(getRxStorageMemory(), 'memory', config)) as unknown as Record<string, number>;
  console.log('· RxDB suite on the SQLite storage…');
  const sqlite = (await runPerformanceTests(getRxStorageSQLite({ directory }), 'sqlite', config)) as unknown as Record<string, number>;
  console.log('\nRxDB performance suite (average ms per run; ratio = SQLite / memory, goal ≤ 4)');
  console.log(`  ${'figure'.padEnd(34)} ${'memory'.padStart(12)} ${'sqlite'.padStart(12)}   ratio`);
  let worst = 0;
  for (const key of Object.keys(memory).filter((k) => typeof memory[k] === 'number' && !['collectionsAmount', 'docsAmount'].includes(k))) {
    const ratio = (sqlite[key] ?? NaN) / (memory[key] || NaN);
    if (Number.isFinite(ratio)) worst = Math.max(worst, ratio);
    console.log(`  ${key.padEnd(34)} ${ms(memory[key]!)} ${ms(sqlite[key] ?? NaN)}   ${ratio.toFixed(2)}x`);
  }
  console.log(`  worst ratio: ${worst.toFixed(2)}x (goal ≤ 4)`);
  printFloors(memory);

  // --- 100,000 products -----------------------------------------------------------------------
  type Product = { id: string; barcode: string; name: string; searchName: string; priceMinor: number; categoryId: string };
  const schema: RxJsonSchema<Product> = {
    version: 0,
    primaryKey: 'id',
    type: 'object',
    properties: {
      id: { type: 'string', maxLength: 40 },
      barcode: { type: 'string', maxLength: 14 },
      name: { type: 'string' },
      searchName: { type: 'string', maxLength: 120 },
      priceMinor: { type: 'integer' },
      categoryId: { type: 'string' },
    },
    required: ['id', 'barcode', 'name', 'searchName', 'priceMinor'],
    indexes: ['barcode', 'searchName'],
  };
  const words = ['riz', 'huile', 'sucre', 'lait', 'savon', 'eau', 'jus', 'café', 'thé', 'pâtes', 'sardines', 'farine', 'biscuits', 'couches', 'piles', 'lampe', 'chargeur', 'crème', 'gel', 'lessive'];
  const brands = ['Belle Rose', 'Dinor', 'Nido', 'Maggi', 'Coyah', 'Omo', 'Signal', 'Oraimo', 'Tiger', 'Touba', 'Lotus', 'Kinda'];
  const products: Product[] = Array.from({ length: PRODUCTS }, (_, i) => {
    const name = `${words[i % words.length]} ${brands[(i * 7) % brands.length]} ${1 + (i % 997)} g réf ${i}`;
    return { id: `p${String(i).padStart(7, '0')}`, barcode: String(2_000_000_000_000 + i * 13), name, searchName: searchForm(name), priceMinor: 500 * (1 + (i % 400)), categoryId: `c${i % 12}` };
  });

  console.log(`\n· loading ${PRODUCTS.toLocaleString('fr-FR')} products through RxDB…`);
  const db = await createRxDatabase({ name: 'catalogue', storage: getRxStorageSQLite({ directory }), multiInstance: false });
  const { products: collection } = await db.addCollections({ products: { schema } });
  const loadStart = performance.now();
  for (let i = 0; i < products.length; i += 5_000) {
    await collection!.bulkInsert(products.slice(i, i + 5_000));
    process.stdout.write(`\r  ${Math.min(i + 5_000, products.length).toLocaleString('fr-FR')} / ${products.length.toLocaleString('fr-FR')}`);
  }
  console.log(`\n  loaded in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

  // RxDB's own share of a lookup: the same queries through RxDB on its memory storage, where the
  // storage costs next to nothing.
  console.log('· loading the same rows into RxDB on its memory storage…');
  const inMemory = await createRxDatabase({ name: 'catalogue-memory', storage: getRxStorageMemory(), multiInstance: false });
  const { products: memoryCollection } = await inMemory.addCollections({ products: { schema } });
  for (let i = 0; i < products.length; i += 5_000) await memoryCollection!.bulkInsert(products.slice(i, i + 5_000));

  console.log('· loading the same rows into a raw better-sqlite3 table…');
  const raw = new Database(join(directory, 'raw.sqlite'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec(`CREATE TABLE products (id TEXT PRIMARY KEY, barcode TEXT NOT NULL, search_name TEXT NOT NULL, data TEXT NOT NULL);
            CREATE INDEX products_barcode ON products (barcode); CREATE INDEX products_search ON products (search_name)`);
  const insert = raw.prepare(`INSERT INTO products (id, barcode, search_name, data) VALUES (?, ?, ?, ?)`);
  raw.transaction(() => {
    for (const p of products) insert.run(p.id, p.barcode, p.searchName, JSON.stringify(p));
  })();
  const rawByBarcode = raw.prepare(`SELECT data FROM products WHERE barcode = ?`);
  const rawByPrefix = raw.prepare(`SELECT data FROM products WHERE search_name >= ? AND search_name < ? ORDER BY search_name LIMIT 20`);

  const pick = (i: number) => products[(i * 7919) % products.length]!;
  const barcodes = Array.from({ length: LOOKUPS }, (_, i) => pick(i).barcode);
  // Distinct prefixes: a repeated query would be answered by RxDB's query cache, not the storage.
  const prefixes = Array.from({ length: LOOKUPS }, (_, i) => pick(i).searchName.slice(0, -1));

  // The storage alone, under RxDB's query layer: the prepared queries RxDB would send it (RxDB
  // adds the `_deleted` condition), planned beforehand.
  const instance = collection!.storageInstance;
  const jsonSchema = collection!.schema.jsonSchema;
  const plan = (query: Parameters<typeof normalizeMangoQuery<Product>>[1]) => prepareQuery(jsonSchema, normalizeMangoQuery(jsonSchema, query));
  const barcodeQueries = barcodes.map((b) => plan({ selector: { barcode: b, _deleted: { $eq: false } } as never, limit: 1 }));
  const prefixQueries = prefixes.map((p) => plan({ selector: { searchName: { $gte: p, $lt: `${p}\uffff` }, _deleted: { $eq: false } } as never, sort: [{ searchName: 'asc' }], limit: 20 }));

  // Every path is measured warm, as at a till that has been selling: one unmeasured pass of the
  // same lookups through the raw statements and through our storage fills both SQLite page caches
  // (and compiles the code paths), without touching RxDB's query cache, so RxDB still prepares
  // every query it is asked afresh.
  for (const b of barcodes) rawByBarcode.get(b);
  for (const p of prefixes) rawByPrefix.all(p, `${p}\uffff`);
  for (const query of [...barcodeQueries, ...prefixQueries]) await instance.query(query);
  await memoryCollection!.findOne({ selector: { barcode: '0' } }).exec();

  const rawBarcode = await timeEach(barcodes, (b) => JSON.parse((rawByBarcode.get(b) as { data: string }).data));
  const storageBarcode = await timeEach(barcodeQueries, (query) => instance.query(query));
  const rxBarcode = await timeEach(barcodes, (b) => collection!.findOne({ selector: { barcode: b } }).exec());
  const memoryBarcode = await timeEach(barcodes, (b) => memoryCollection!.findOne({ selector: { barcode: b } }).exec());
  const rawPrefix = await timeEach(prefixes, (p) => (rawByPrefix.all(p, `${p}\uffff`) as Array<{ data: string }>).map((r) => JSON.parse(r.data)));
  const rxPrefix = await timeEach(prefixes, (p) =>
    collection!.find({ selector: { searchName: { $gte: p, $lt: `${p}\uffff` } }, sort: [{ searchName: 'asc' }], limit: 20 }).exec(),
  );
  const memoryPrefix = await timeEach(prefixes, (p) =>
    memoryCollection!.find({ selector: { searchName: { $gte: p, $lt: `${p}\uffff` } }, sort: [{ searchName: 'asc' }], limit: 20 }).exec(),
  );

  console.log(`\n${PRODUCTS.toLocaleString('fr-FR')} products, ${LOOKUPS} lookups each (goal: RxDB within 3x of raw)`);
  console.log(`  ${'lookup'.padEnd(38)} ${'p50'.padStart(12)} ${'p99'.padStart(12)}   ratio p50 / p99`);
  const line = (name: string, samples: number[], base: number[]) =>
    console.log(`  ${name.padEnd(38)} ${ms(percentile(samples, 50))} ${ms(percentile(samples, 99))}   ${base === samples ? '(baseline)' : `${(percentile(samples, 50) / percentile(base, 50)).toFixed(2)}x / ${(percentile(samples, 99) / percentile(base, 99)).toFixed(2)}x`}`);
  line('barcode — raw better-sqlite3', rawBarcode, rawBarcode);
  line('barcode — RxDB on SQLite', rxBarcode, rawBarcode);
  line('barcode — our storage alone', storageBarcode, rawBarcode);
  line('barcode — RxDB on memory storage', memoryBarcode, rawBarcode);
  line('name prefix — raw better-sqlite3', rawPrefix, rawPrefix);
  line('name prefix — RxDB on SQLite', rxPrefix, rawPrefix);
  line('name prefix — RxDB on memory storage', memoryPrefix, rawPrefix);
  console.log('  (RxDB on its memory storage is RxDB\'s own share: what no storage under it can go below)');
  raw.close();
  await db.close();
  await inMemory.close();
} finally {
  rmSync(directory, { recursive: true, force: true });
}
