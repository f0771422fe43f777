/**
 * `npm run bench:admin`: the back office's products list with 100,000 products in the company.
 * The first page of a filtered, sorted list through the API (its own process, built: token, tenant
 * check, a read-only transaction under row-level security, the page and its total, JSON) against
 * the same two statements written by hand and run directly on the same database, in the same run.
 * Requests and statements alternate one by one, so both see the same machine; each round prints
 * the median latencies and their ratio, and the result is the median of the rounds' ratios
 * (goal: at most 2x).
 *
 * Then the catalogue import: 100,000 lines of CSV sent to the API (read, every line checked,
 * matched by SKU, written through the sync store in the tenant's transaction) against a raw
 * `COPY` of the same 100,000 products, as finished documents, into the products table by psql, in
 * the same run, alternating. The ratio is COPY's time over the API's (goal: at least 0.25).
 * Needs PostgreSQL (BENCH_DATABASE_URL, default the local server): the
 * embedded database is one process's, and the direct baseline needs a second connection.
 */
import { execSync, spawn } from 'node:child_process';
import { v7 as uuidv7 } from 'uuid';
import pg from 'pg';
import { createScratchDatabase } from '../cloud/db/test-databases.js';
import { searchForm } from '../shared/text.js';
import { writeDocuments } from '../sync/server/store.js';
import { freePort, startProcess, stopProcess } from './support/load.js';
import { percentile } from './support/stats.js';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const CATEGORIES = Number(process.env.BENCH_CATEGORIES ?? 40);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const IMPORT_LINES = Number(process.env.BENCH_IMPORT_LINES ?? 100_000);
const IMPORT_ROUNDS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 3);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const scratch = await createScratchDatabase(server, 'afrigest_bench_admin');
console.log(`bench:admin — products list, first page, ${PRODUCTS.toLocaleString('fr-FR')} products, ${ROUNDS} rounds of ${REQUESTS} requests`);
console.log('· building and starting the API…');
execSync('npx tsc -b', { stdio: 'inherit' });
const port = await freePort();
const api = await startProcess(
  ['dist/cloud/api/main.js'],
  { MASTER_DATABASE_URL: scratch.url, TENANT_DATABASE_URL: scratch.url, PORT: String(port), LOG_LEVEL: 'warn', SEED_DEMO_ON_EMPTY: 'true' },
  `http://127.0.0.1:${port}/readyz`,
);
const baseUrl = `http://127.0.0.1:${port}`;
const db = new pg.Client({ connectionString: scratch.url });
await db.connect();
try {
  const session = await (await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'demo', email: 'pdg@demo.local', password: 'Demo123!' }),
  })).json();
  const tenantId: string = session.user.tenantId;
  const headers = { authorization: `Bearer ${session.accessToken}` };

  console.log('· seeding the catalogue…');
  // Written as the API writes them: through the sync store, as the API's role, under row-level security.
  const tx = { query: async (text: string, params?: readonly unknown[]) => { const r = await db.query(text, params as unknown[]); return { rows: r.rows, rowCount: r.rowCount ?? 0 }; } };
  const now = Date.now();
  const categoryIds = Array.from({ length: CATEGORIES }, (_, i) => `bench-c-${i}`);
  const words = ['Riz parfumé', 'Huile végétale', 'Savon de ménage', 'Lait en poudre', 'Eau minérale', 'Sucre', 'Café soluble', 'Biscuits', 'Thé vert', 'Piles'];
  await db.query(`BEGIN; SET LOCAL ROLE afrigest_app; SET LOCAL app.tenant_id = '${tenantId}'`);
  await writeDocuments(tx, tenantId, 'categories', categoryIds.map((id, i) => ({ id, tenantId, code: `B${i}`, name: `Rayon ${i}`, updatedAt: new Date(now).toISOString() })));
  for (let start = 0; start < PRODUCTS; start += 5_000) {
    const batch = Array.from({ length: Math.min(5_000, PRODUCTS - start) }, (_, k) => {
      const i = start + k;
      const name = `${words[i % words.length]} ${['Belle Rose', 'Dinor', 'Nido', 'Coyah', 'Lipton'][i % 5]} n° ${i}`;
      return {
        id: `bench-p-${String(i).padStart(6, '0')}`, tenantId, sku: `BENCH-${i}`, barcode: String(2_900_000_000_000 + i), barcodes: [String(2_900_000_000_000 + i)],
        name, searchName: searchForm(name), categoryId: categoryIds[i % CATEGORIES]!, priceMinor: 500 * (1 + ((i * 7919) % 400)), vatRateBp: 1800, unit: 'piece',
        lowStockMilli: 0, boutiquePrices: [], active: i % 20 !== 0, updatedAt: new Date(now - i * 1000).toISOString(),
      };
    });
    await writeDocuments(tx, tenantId, 'products', batch);
  }
  await db.query('COMMIT');
  // What autovacuum does on its own after a large load: statistics and the visibility map.
  await db.query('VACUUM ANALYZE products');

  // The lists measured: one category by price, highest first; a name search in name order.
  const cases = [
    {
      label: 'category, by price desc',
      path: `/api/tenants/${tenantId}/products?categoryId=${categoryIds[7]}&sort=priceMinor&dir=desc&limit=50`,
      page: `SELECT p.doc FROM (
               SELECT id, price_minor FROM products WHERE tenant_id = $1 AND NOT deleted AND active AND category_id = $2
               ORDER BY price_minor DESC, id COLLATE "C" DESC LIMIT 51
             ) AS page JOIN products p ON p.tenant_id = $1 AND p.id = page.id
             ORDER BY page.price_minor DESC, page.id COLLATE "C" DESC`,
      count: `SELECT count(*)::int AS total FROM products WHERE tenant_id = $1 AND NOT deleted AND active AND category_id = $2`,
      params: [tenantId, categoryIds[7]],
    },
    {
      label: 'search "riz", by name',
      path: `/api/tenants/${tenantId}/products?q=riz&sort=name&limit=50`,
      page: `SELECT p.doc FROM (
               SELECT id, search_name FROM products WHERE tenant_id = $1 AND NOT deleted AND active AND (id IN (SELECT product_id FROM product_barcodes WHERE tenant_id = $1 AND barcode = $2
                 UNION ALL SELECT id FROM products WHERE tenant_id = $1 AND sku = $2 AND NOT deleted) OR strpos(search_name, $2) > 0)
               ORDER BY search_name, id COLLATE "C" LIMIT 51
             ) AS page JOIN products p ON p.tenant_id = $1 AND p.id = page.id
             ORDER BY page.search_name, page.id COLLATE "C"`,
      count: `SELECT count(*)::int AS total FROM products WHERE tenant_id = $1 AND NOT deleted AND active AND (id IN (SELECT product_id FROM product_barcodes WHERE tenant_id = $1 AND barcode = $2
                 UNION ALL SELECT id FROM products WHERE tenant_id = $1 AND sku = $2 AND NOT deleted) OR strpos(search_name, $2) > 0)`,
      params: [tenantId, 'riz'],
    },
  ];

  const ratios = new Map<string, number[]>(cases.map((c) => [c.label, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`\nRound ${round}/${ROUNDS} (API request and direct SQL alternating):`);
    console.log('  list                          API p50 ms   SQL p50 ms   API p99 ms   SQL p99 ms   ratio (p50)');
    for (const c of cases) {
      const apiMs: number[] = [];
      const sqlMs: number[] = [];
      let checked = false;
      for (let i = 0; i < REQUESTS + 20; i++) {
        let start = performance.now();
        const res = await fetch(`${baseUrl}${c.path}`, { headers });
        const body = (await res.json()) as { products: unknown[]; total: number };
        const apiTime = performance.now() - start;
        start = performance.now();
        // Prepared once per connection, as the API's statements are.
        const page = await db.query({ name: `${c.label}-page`, text: c.page, values: c.params });
        const count = await db.query({ name: `${c.label}-count`, text: c.count, values: c.params });
        JSON.stringify({ products: page.rows.slice(0, 50).map((r) => r.doc), total: count.rows[0].total });
        const sqlTime = performance.now() - start;
        if (!checked) {
          if (res.status !== 200 || body.products.length !== Math.min(50, count.rows[0].total) || body.total !== count.rows[0].total) {
            throw new Error(`the API and the direct SQL disagree on ${c.label}: ${res.status} ${body.total} vs ${count.rows[0].total}`);
          }
          checked = true;
        }
        // The first 20 of each warm up connections, statements and caches.
        if (i >= 20) {
          apiMs.push(apiTime);
          sqlMs.push(sqlTime);
        }
      }
      const [apiP50, sqlP50] = [percentile(apiMs, 50), percentile(sqlMs, 50)];
      const ratio = apiP50 / sqlP50;
      ratios.get(c.label)!.push(ratio);
      console.log(`  ${c.label.padEnd(28)} ${apiP50.toFixed(2).padStart(10)}   ${sqlP50.toFixed(2).padStart(10)}   ${percentile(apiMs, 99).toFixed(2).padStart(10)}   ${percentile(sqlMs, 99).toFixed(2).padStart(10)}   ${ratio.toFixed(2)}x`);
    }
  }
  console.log('');
  for (const [label, values] of ratios) {
    const median = [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    console.log(`${label}: API at ${median.toFixed(2)}x the direct SQL's latency, median of ${ROUNDS} rounds (${values.map((r) => r.toFixed(2)).join(', ')}; goal: at most 2x) — ${median <= 2 ? 'goal met' : 'goal NOT met'}`);
  }

  // -------------------------------------------------------------------------------------------
  // The catalogue import against a raw COPY of the same rows
  // -------------------------------------------------------------------------------------------
  console.log(`\nbench:admin — catalogue import, ${IMPORT_LINES.toLocaleString('fr-FR')} CSV lines through the API against a raw COPY of the same products, ${IMPORT_ROUNDS} rounds`);
  const lines = Array.from({ length: IMPORT_LINES }, (_, i) => ({
    barcode: String(3_100_000_000_000 + i), name: `${words[i % words.length]} import n° ${i}`, category: i % CATEGORIES,
    unit: i % 7 === 0 ? 'kg' : 'piece', priceMinor: 500 + (i % 1000) * 25, vatRateBp: i % 3 === 0 ? 1000 : 1800, active: i % 50 !== 0,
  }));
  const csv = `\uFEFFsku;code_barres;nom;categorie;unite;prix_vente;prix_achat;tva;seuil_stock;actif\r\n${lines
    .map((l) => `IMP-${l.barcode};${l.barcode};${l.name};Rayon ${l.category};${l.unit};${l.priceMinor};;${String(l.vatRateBp / 100)};;${l.active ? 'oui' : 'non'}\r\n`)
    .join('')}`;
  // What COPY loads: the documents the import makes, finished, in COPY's text format.
  const copyRows = () => {
    const stamp = new Date().toISOString();
    return lines
      .map((l, i) => {
        const doc = {
          id: uuidv7(), tenantId, sku: `IMP-${l.barcode}`, barcode: l.barcode, barcodes: [l.barcode], name: l.name, searchName: searchForm(l.name),
          categoryId: categoryIds[l.category], unit: l.unit, priceMinor: l.priceMinor, vatRateBp: l.vatRateBp, lowStockMilli: 0, boutiquePrices: [],
          active: l.active, updatedAt: stamp,
        };
        return `${tenantId}\t${doc.id}\t${10_000_000 + i}\tf\t${JSON.stringify(doc).replaceAll('\\', '\\\\')}\n`;
      })
      .join('');
  };
  const removeImported = async () => {
    await db.query(`DELETE FROM products WHERE tenant_id = $1 AND barcode >= '3100000000000' AND barcode < '3200000000000'`, [tenantId]);
    await db.query('VACUUM ANALYZE products');
  };
  const copyWithPsql = (rowsText: string) =>
    new Promise<void>((resolve, reject) => {
      const psql = spawn('psql', [scratch.url, '-v', 'ON_ERROR_STOP=1', '-qc', '\\copy products (tenant_id, id, seq, deleted, doc) FROM STDIN'], { stdio: ['pipe', 'inherit', 'inherit'] });
      psql.on('error', reject);
      psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited with ${code}`))));
      psql.stdin.end(rowsText);
    });
  const importRatios: number[] = [];
  console.log('  round   API import s   raw COPY s   API lines/s   COPY lines/s   ratio (COPY/API time)');
  for (let round = 1; round <= IMPORT_ROUNDS; round++) {
    await removeImported();
    let start = performance.now();
    const res = await fetch(`${baseUrl}/api/tenants/${tenantId}/products/import`, { method: 'POST', headers: { ...headers, 'content-type': 'text/csv' }, body: csv });
    const answer = (await res.text()).trim().split('\n');
    const apiSeconds = (performance.now() - start) / 1000;
    const result = JSON.parse(answer.at(-1)!) as { type: string; created?: number };
    if (res.status !== 200 || result.type !== 'result' || result.created !== IMPORT_LINES) throw new Error(`the import did not create every line: ${res.status} ${answer.at(-1)}`);

    await removeImported();
    const rowsText = copyRows();
    start = performance.now();
    await copyWithPsql(rowsText);
    const copySeconds = (performance.now() - start) / 1000;
    const ratio = copySeconds / apiSeconds;
    importRatios.push(ratio);
    console.log(
      `  ${String(round).padStart(5)}   ${apiSeconds.toFixed(2).padStart(12)}   ${copySeconds.toFixed(2).padStart(10)}   ${Math.round(IMPORT_LINES / apiSeconds).toLocaleString('fr-FR').padStart(11)}   ${Math.round(IMPORT_LINES / copySeconds).toLocaleString('fr-FR').padStart(12)}   ${ratio.toFixed(2)}`,
    );
  }
  await removeImported();
  const importMedian = [...importRatios].sort((a, b) => a - b)[Math.floor(importRatios.length / 2)]!;
  console.log(
    `\ncatalogue import: API at ${importMedian.toFixed(2)} of a raw COPY's throughput, median of ${IMPORT_ROUNDS} rounds (${importRatios.map((r) => r.toFixed(2)).join(', ')}; goal: at least 0.25) — ${importMedian >= 0.25 ? 'goal met' : 'goal NOT met'}`,
  );
} finally {
  await db.end();
  await stopProcess(api);
  await scratch.drop();
}
