/**
 * `npm run bench:pos`: a 5-line checkout through the till's checkout service (the one the UI
 * calls) next to a raw better-sqlite3 transaction writing the same rows, and search-as-you-type on
 * 100,000 products, in the same run.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRxDatabase } from 'rxdb';
import { v7 as uuidv7 } from 'uuid';
import { getRxStorageSQLite } from '../desktop/core/db/index.js';
import { createCatalog } from '../desktop/core/pos/catalog.js';
import { createCheckout } from '../desktop/core/pos/checkout.js';
import { TILL_COLLECTIONS } from '../shared/schema/index.js';
import { searchForm } from '../shared/text.js';
import { runAsTheCoreRuns } from './support/core-flags.js';
import { ms, percentile, timeEach } from './support/stats.js';

await runAsTheCoreRuns();

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const SALES = Number(process.env.BENCH_SALES ?? 500);
const directory = mkdtempSync(join(tmpdir(), 'afrigest-bench-pos-'));
try {
  console.log(`bench:pos — ${SALES} checkouts of 5 lines, search on ${PRODUCTS.toLocaleString('fr-FR')} products`);
  const db = await createRxDatabase({ name: 'till', storage: getRxStorageSQLite({ directory }), multiInstance: false });
  await db.addCollections(TILL_COLLECTIONS as never);
  const words = ['riz', 'huile', 'sucre', 'lait', 'savon', 'eau', 'jus', 'café', 'thé', 'pâtes', 'sardines', 'farine', 'biscuits', 'couches', 'piles'];
  console.log('· loading products…');
  for (let i = 0; i < PRODUCTS; i += 10_000) {
    await db.collections.products!.bulkInsert(Array.from({ length: Math.min(10_000, PRODUCTS - i) }, (_, k) => {
      const n = i + k;
      const name = `${words[n % words.length]} marque ${n % 97} format ${n}`;
      const barcode = String(2_000_000_000_000 + n);
      return {
        id: `p${n}`, tenantId: 't', sku: `P${n}`, barcode, barcodes: [barcode], name, searchName: searchForm(name), categoryId: 'c', priceMinor: 500 * (1 + (n % 200)),
        vatRateBp: 1800, unit: 'piece', lowStockMilli: 0, boutiquePrices: [], active: true, updatedAt: '2026-11-25T00:00:00Z',
      };
    }));
  }
  const till = { tenantId: 't', boutiqueId: 'b', boutiqueCode: 'KAL', deviceId: 'd', deviceCode: 'C01', currency: 'GNF' as const };
  const { checkout } = createCheckout(db, till);
  const cart = (i: number) => Array.from({ length: 5 }, (_, k) => ({ productId: `p${(i * 7919 + k * 104_729) % PRODUCTS}`, quantityMilli: 1000 * (1 + k) }));
  await checkout({ id: 'u', role: 'employee' }, { lines: cart(0), tenders: [{ method: 'cash', amountMinor: 10_000_000 }] });

  const service = await timeEach(Array.from({ length: SALES }, (_, i) => i + 1), (i) =>
    checkout({ id: 'u', role: 'employee' }, { lines: cart(i), tenders: [{ method: 'cash', amountMinor: 10_000_000 }] }),
  );

  // Raw baseline: the same sale document and five movements in one better-sqlite3 transaction.
  const raw = new Database(join(directory, 'raw.sqlite'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec(`CREATE TABLE sales (id TEXT PRIMARY KEY, number TEXT, data TEXT NOT NULL); CREATE INDEX sales_number ON sales (number);
            CREATE TABLE movements (id TEXT PRIMARY KEY, product_id TEXT, data TEXT NOT NULL); CREATE INDEX movements_product ON movements (product_id);`);
  const insertSale = raw.prepare('INSERT INTO sales (id, number, data) VALUES (?, ?, ?)');
  const insertMove = raw.prepare('INSERT INTO movements (id, product_id, data) VALUES (?, ?, ?)');
  const sample = (await db.collections.sales!.findOne().exec())!.toJSON();
  const rawTimes = await timeEach(Array.from({ length: SALES }, (_, i) => i), (i) =>
    raw.transaction(() => {
      const id = uuidv7();
      insertSale.run(id, `KAL-C01-${i}`, JSON.stringify({ ...sample, id }));
      for (let k = 0; k < 5; k++) {
        const move = { id: uuidv7(), productId: `p${k}`, quantityMilli: -1000, kind: 'sale', refId: id };
        insertMove.run(move.id, move.productId, JSON.stringify(move));
      }
    })(),
  );

  const catalog = createCatalog(db, 'b');
  const typed = Array.from({ length: 1_000 }, (_, i) => searchForm(`${words[i % words.length]} marque ${i % 97} format ${i * 13}`).slice(0, 3 + (i % 12)));
  const search = await timeEach(typed, (text) => catalog.search(text));

  console.log('\nResults (same run)');
  console.log(`  ${'operation'.padEnd(40)} ${'p50'.padStart(12)} ${'p99'.padStart(12)}   ratio p50 / p99`);
  const line = (label: string, samples: number[], base?: number[]) =>
    console.log(`  ${label.padEnd(40)} ${ms(percentile(samples, 50))} ${ms(percentile(samples, 99))}   ${base ? `${(percentile(samples, 50) / percentile(base, 50)).toFixed(2)}x / ${(percentile(samples, 99) / percentile(base, 99)).toFixed(2)}x (goal ≤ 3x)` : '(baseline)'}`);
  line('raw better-sqlite3 transaction', rawTimes);
  line('checkout service, 5 lines', service, rawTimes);
  console.log(`  ${`search-as-you-type (${PRODUCTS.toLocaleString('fr-FR')} products)`.padEnd(40)} ${ms(percentile(search, 50))} ${ms(percentile(search, 99))}`);
  raw.close();
  await db.close();
} finally {
  rmSync(directory, { recursive: true, force: true });
}
