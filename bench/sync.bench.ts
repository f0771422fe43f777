/**
 * `npm run bench:sync`: an empty till pulls 50,000 products and 20,000 historical sales, then pushes
 * 5,000 offline sales, through the real API (its own process) and the real sync client, in
 * documents per second; beside raw baselines of the same run: the same rows read from PostgreSQL,
 * serialised to JSON and inserted into better-sqlite3 in one process; and one multi-row INSERT of
 * the same sales into PostgreSQL, committed. BENCH_ROUNDS rounds (3), medians printed. Needs
 * PostgreSQL (BENCH_DATABASE_URL, default the local server).
 */
import Database from 'better-sqlite3';
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createRxDatabase } from 'rxdb';
import { createScratchDatabase } from '../cloud/db/test-databases.js';
import { getRxStorageSQLite } from '../desktop/core/db/index.js';
import type { SQLiteInternals } from '../desktop/core/db/storage-instance.js';
import { TILL_COLLECTIONS } from '../shared/schema/index.js';
import { searchForm } from '../shared/text.js';
import { startSync, type FetchLike } from '../sync/client/replication.js';
import { writeDocuments } from '../sync/server/store.js';
import { runAsTheCoreRuns } from './support/core-flags.js';
import { freePort, startProcess, stopProcess } from './support/load.js';

await runAsTheCoreRuns();

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 50_000);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 20_000);
const PUSHED = Number(process.env.BENCH_PUSHED ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const scratch = await createScratchDatabase(server, 'afrigest_bench_sync');
const url = new URL(scratch.url);
const directory = mkdtempSync(join(tmpdir(), 'afrigest-bench-sync-'));
const rate = (docs: number, ms: number) => docs / (ms / 1000);
const line = (label: string, docs: number, ms: number, base?: number) =>
  console.log(`  ${label.padEnd(52)} ${String(docs).padStart(7)} docs ${(ms / 1000).toFixed(2).padStart(7)} s ${rate(docs, ms).toFixed(0).padStart(9)} docs/s${base ? `   ${(rate(docs, ms) / base).toFixed(2)} of raw` : ''}`);

console.log(`bench:sync — pull ${PRODUCTS.toLocaleString('fr-FR')} products + ${HISTORY.toLocaleString('fr-FR')} sales, push ${PUSHED.toLocaleString('fr-FR')} sales`);
console.log('· building and starting the API…');
execSync('npx tsc -b', { stdio: 'inherit' });
const port = await freePort();
const api = await startProcess(
  ['dist/cloud/api/main.js'],
  { MASTER_DATABASE_URL: url.toString(), TENANT_DATABASE_URL: url.toString(), PORT: String(port), LOG_LEVEL: 'warn', SEED_DEMO_ON_EMPTY: 'true' },
  `http://127.0.0.1:${port}/readyz`,
);
const baseUrl = `http://127.0.0.1:${port}`;
const db = new pg.Client({ connectionString: url.toString() });
await db.connect();
try {
  const post = async (path: string, body: unknown, token?: string) =>
    (await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) })).json();
  const session = await post('/api/auth/login', { tenant: 'demo', email: 'pdg@demo.local', password: 'Demo123!' });
  const tenantId: string = session.user.tenantId;
  const boutiqueId: string = session.user.boutiqueIds[0];
  const code = await post(`/api/tenants/${tenantId}/devices/enrolment-codes`, { boutiqueId, deviceName: 'Caisse bench' }, session.accessToken);
  const device = await post('/api/devices/enrol', { tenant: 'demo', code: code.code });

  console.log('· seeding the cloud (products and sales history)…');
  const now = new Date().toISOString();
  const sale = (id: string, deviceId: string, i: number) => ({
    id, tenantId, boutiqueId, deviceId, cashierId: 'c', number: `B-${i}`,
    lines: [{ productId: `bench-p-${i % PRODUCTS}`, name: 'Produit', barcode: '3000000000000', unitPriceMinor: 12_500, quantityMilli: 2000, discountMinor: 0, vatRateBp: 1800, totalMinor: 25_000, vatMinor: 3_814 }],
    tenders: [{ method: 'cash', amountMinor: 25_000 }], subtotalMinor: 25_000, discountMinor: 0, vatMinor: 3_814, totalMinor: 25_000, createdAt: now,
  });
  // The bench's own transactions run as the API's role, under row-level security, like the API.
  const asApp = `SET LOCAL ROLE afrigest_app; SET LOCAL app.tenant_id = '${tenantId}'`;
  const tx = { query: async (text: string, params?: readonly unknown[]) => { const r = await db.query(text, params as unknown[]); return { rows: r.rows, rowCount: r.rowCount ?? 0 }; } };
  // In a function of its own: the seed's 70,000 objects are garbage once written, not a load on
  // the till's heap (this process) during the rounds.
  const seed = async () => {
    const products = Array.from({ length: PRODUCTS }, (_, i) => {
      const productName = `Produit ${i} ${['riz', 'huile', 'savon', 'lait', 'eau'][i % 5]}`;
      const barcode = String(3_000_000_000_000 + i);
      return {
        id: `bench-p-${i}`, tenantId, sku: `B${i}`, barcode, barcodes: [barcode], name: productName, searchName: searchForm(productName), categoryId: 'c',
        priceMinor: 500 * (1 + (i % 300)), vatRateBp: 1800, unit: 'piece', lowStockMilli: 0, boutiquePrices: [], active: true, updatedAt: now,
      };
    });
    const history = Array.from({ length: HISTORY }, (_, i) => sale(`bench-h-${i}`, 'old-till', i));
    await db.query(`BEGIN; ${asApp}`);
    for (let i = 0; i < products.length; i += 5_000) await writeDocuments(tx, tenantId, 'products', products.slice(i, i + 5_000));
    for (let i = 0; i < history.length; i += 5_000) await writeDocuments(tx, tenantId, 'sales', history.slice(i, i + 5_000) as never);
    await db.query('COMMIT');
  };
  await seed();
  // Statistics, as autovacuum gathers them in production soon after such a load (this machine's
  // server runs without autovacuum). Without them the planner guesses a few hundred rows and
  // reads and sorts every later change for each page of a pull, instead of walking the (tenant,
  // seq) index: the figures then measure that guess, not the sync.
  await db.query('ANALYZE products; ANALYZE sales');

  // Each round measures the raw baselines and the till back to back; the machine is shared, so
  // the ratios printed are medians over the rounds.
  const rounds: Array<{ rawPull: number; pull: number; rawPush: number; push: number }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`· round ${round}/${ROUNDS}: raw pull, till pull, till push, raw push…`);
    // --- pull: PostgreSQL → JSON → better-sqlite3, then an empty till through the API ---------
    const rawStart = performance.now();
    await db.query(`BEGIN; ${asApp}`);
    const raw = new Database(join(directory, `raw-${round}.sqlite`));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, data TEXT NOT NULL)');
    const insert = raw.prepare('INSERT INTO docs (id, data) VALUES (?, ?)');
    let rawPulled = 0;
    for (const table of ['products', 'sales']) {
      const { rows } = await db.query<{ id: string; doc: unknown }>(`SELECT id, doc FROM ${table} WHERE tenant_id = $1 AND (boutique_id IS NULL OR boutique_id = $2) ORDER BY seq`, [tenantId, boutiqueId]);
      raw.transaction(() => {
        for (const row of rows) insert.run(row.id, JSON.stringify(row.doc));
      })();
      rawPulled += rows.length;
    }
    await db.query('COMMIT');
    raw.close();
    const rawPullMs = performance.now() - rawStart;

    const till = await createRxDatabase({ name: `till-${round}`, storage: getRxStorageSQLite({ directory }), multiInstance: false });
    await till.addCollections(TILL_COLLECTIONS as never);
    const options = { db: till, baseUrl, credential: device.credential, fetch: fetch as unknown as FetchLike, retryTime: 500, pollInterval: 60_000, setInterval, clearInterval: (h: unknown) => clearInterval(h as never) };
    const pullStart = performance.now();
    const pulling = startSync({ ...options, collections: ['products', 'sales'] });
    await pulling.awaitInSync();
    const pullMs = performance.now() - pullStart;
    await pulling.stop();
    const tillPulled = (await till.collections.products!.count().exec()) + (await till.collections.sales!.count().exec());

    // --- push: the till's offline sales through the API, then one multi-row INSERT -------------
    const offline = Array.from({ length: PUSHED }, (_, i) => sale(`bench-o${round}-${i}`, device.deviceId, i));
    await till.collections.sales!.bulkInsert(offline);
    // A till's offline sales are made over hours or days: when the link comes back, they have long
    // been copied from the write-ahead log into the file. Here they were written a moment ago, and
    // the till's checkpoint thread would copy them (and fsync) in the middle of the push, on the
    // disk the cloud commits to. Copy them first, as time would have.
    (till.collections.sales!.storageInstance.internals as SQLiteInternals).file.db.pragma('wal_checkpoint(TRUNCATE)');
    const pushStart = performance.now();
    const pushing = startSync({ ...options, collections: ['sales'] });
    await pushing.awaitInSync();
    const pushMs = performance.now() - pushStart;
    await pushing.stop();
    await till.close();
    await db.query(`BEGIN; ${asApp}`);
    const pushedInCloud = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sales WHERE id LIKE $1`, [`bench-o${round}-%`])).rows[0]!.n;
    await db.query('COMMIT');
    // The raw INSERT commits, as every push must before the till may count its sales as sent
    // (it waits for the disk like they do); its rows are deleted afterwards, outside the timing.
    const again = offline.map((s) => ({ ...s, id: `${s.id}-raw` }));
    const rawPushStart = performance.now();
    await db.query(`BEGIN; ${asApp}`);
    await db.query(
      `INSERT INTO sales (tenant_id, id, boutique_id, seq, doc) SELECT $1, d->>'id', d->>'boutiqueId', 0, d FROM jsonb_array_elements($2::jsonb) AS d`,
      [tenantId, JSON.stringify(again)],
    );
    await db.query('COMMIT');
    const rawPushMs = performance.now() - rawPushStart;
    await db.query(`BEGIN; ${asApp}; DELETE FROM sales WHERE id LIKE 'bench-o${round}-%-raw'; COMMIT`);

    line('raw: PostgreSQL → JSON → better-sqlite3', rawPulled, rawPullMs);
    line('till initial pull (API + RxDB on SQLite)', tillPulled, pullMs, rate(rawPulled, rawPullMs));
    line('raw: one multi-row INSERT into PostgreSQL', PUSHED, rawPushMs);
    line('till push of offline sales (API + RxDB)', pushedInCloud, pushMs, rate(PUSHED, rawPushMs));
    if (tillPulled !== rawPulled || pushedInCloud !== PUSHED) throw new Error(`counts differ: pulled ${tillPulled}/${rawPulled}, pushed ${pushedInCloud}/${PUSHED}`);
    rounds.push({ rawPull: rate(rawPulled, rawPullMs), pull: rate(tillPulled, pullMs), rawPush: rate(PUSHED, rawPushMs), push: rate(PUSHED, pushMs) });
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const pullRatio = median(rounds.map((r) => r.pull / r.rawPull));
  const pushRatio = median(rounds.map((r) => r.push / r.rawPush));
  console.log(`\nResults: median over ${ROUNDS} rounds, each against its own raw baseline (goal: at least 0.30 of raw)`);
  console.log(`  initial pull   ${median(rounds.map((r) => r.pull)).toFixed(0).padStart(7)} docs/s, raw ${median(rounds.map((r) => r.rawPull)).toFixed(0).padStart(7)} docs/s   ${pullRatio.toFixed(2)} of raw — ${pullRatio >= 0.3 ? 'goal met' : 'goal NOT met'}`);
  console.log(`  push           ${median(rounds.map((r) => r.push)).toFixed(0).padStart(7)} docs/s, raw ${median(rounds.map((r) => r.rawPush)).toFixed(0).padStart(7)} docs/s   ${pushRatio.toFixed(2)} of raw — ${pushRatio >= 0.3 ? 'goal met' : 'goal NOT met'}`);
} finally {
  await db.end();
  await stopProcess(api);
  rmSync(directory, { recursive: true, force: true });
  await scratch.drop();
}
