import { addRxPlugin, createRxDatabase, type RxDatabase } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorBody } from '../../../shared/errors.js';
import { TILL_COLLECTIONS } from '../../../shared/schema/index.js';
import type { Product } from '../../../shared/schema/products.js';
import { searchForm } from '../../../shared/text.js';
import { startSync, type FetchLike, type SyncHandle } from '../../../sync/client/replication.js';
import { writeDocuments } from '../../../sync/server/store.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { DEMO_USERS, startTestApi, type TestApi } from '../test-support.js';

// Products are at schema version 1: RxDB migrates (or would) the tills' stored copies.
addRxPlugin(RxDBMigrationSchemaPlugin);

const TILL = ['products', 'categories', 'settings', 'users', 'boutiques'];

describe('the catalogue API of the back office', () => {
  let api: TestApi;
  let tenant: string;
  let pdg: string;
  let dg: string;
  let employee: string;
  let otherPdg: string;
  let categoryId: string;
  let boutiqueIds: string[];
  let till: RxDatabase;
  let sync: SyncHandle;
  const products = () => `/api/tenants/${tenant}/products`;
  const tillProduct = async (id: string) => (await till.collections.products!.findOne(id).exec())?.toJSON() as Product | undefined;

  beforeAll(async () => {
    api = await startTestApi();
    tenant = api.demoTenantId;
    pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    dg = (await api.login(DEMO_USERS.dg.email, DEMO_USERS.dg.password)).accessToken;
    employee = (await api.login(DEMO_USERS.employee.email, DEMO_USERS.employee.password)).accessToken;
    const admin = (await api.login(DEMO_USERS.admin.email, DEMO_USERS.admin.password)).accessToken;
    const other = await api.call('post', '/api/admin/tenants', {
      token: admin,
      body: { code: 'autre', name: 'Autre SARL', owner: { email: 'pdg@autre.gn', name: 'Awa Bah', password: 'AutrePass2026' } },
    });
    expect(other.status).toBe(201);
    otherPdg = (await api.login('pdg@autre.gn', 'AutrePass2026', 'autre')).accessToken;
    categoryId = (await api.call('get', `/api/tenants/${tenant}/categories`, { token: pdg })).body.categories[0].id;

    // A till of the demo company, enrolled and live: the safety-net poll is a minute, so only the
    // change stream can bring a write within a second.
    boutiqueIds = (await api.call('get', `/api/tenants/${tenant}/boutiques`, { token: pdg })).body.boutiques.map((b: { id: string }) => b.id);
    const boutiqueId = boutiqueIds[0]!;
    const code = await api.call('post', `/api/tenants/${tenant}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId, deviceName: 'Caisse catalogue' } });
    const enrolled = await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } });
    // The till's replication as it runs at the counter, over RxDB's memory storage: cloud/ does not
    // import the desktop's SQLite storage (test/sync runs the two together).
    till = await createRxDatabase({ name: 'till', storage: getRxStorageMemory(), multiInstance: false });
    await till.addCollections(Object.fromEntries(TILL.map((name) => [name, (TILL_COLLECTIONS as Record<string, unknown>)[name]])) as never);
    sync = startSync({
      db: till, baseUrl: api.url, credential: enrolled.body.credential, fetch: fetch as unknown as FetchLike, collections: TILL,
      retryTime: 200, pollInterval: 60_000, setInterval, clearInterval: (h) => clearInterval(h as never),
    });
    await sync.awaitInSync();
  });
  afterAll(async () => {
    await sync?.stop();
    await till?.close();
    await api?.close();
  });

  it('creates, edits and archives a product, and the live till has each change within a second', async () => {
    const created = await api.call('post', products(), {
      token: pdg,
      body: { barcode: '2990000000011', name: 'Attiéké Délice 1 kg', categoryId, unit: 'piece', priceMinor: 15_000 },
    });
    expect(created.status).toBe(201);
    const product = created.body.product as Product;
    expect(product).toMatchObject({ tenantId: tenant, searchName: 'attieke delice 1 kg', vatRateBp: 1800, active: true, priceMinor: 15_000 });
    expect(product.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(Date.now() - Date.parse(product.updatedAt)).toBeLessThan(5_000);
    expect(await waitFor(async () => (await tillProduct(product.id))?.name === 'Attiéké Délice 1 kg', 5_000)).toBeLessThan(1_000);

    const edited = await api.call('patch', `${products()}/${product.id}`, { token: pdg, body: { priceMinor: 16_500, name: 'Attiéké Délice 1 kg (promo)' } });
    expect(edited.status).toBe(200);
    expect(edited.body.product).toMatchObject({ priceMinor: 16_500, searchName: 'attieke delice 1 kg (promo)', barcode: '2990000000011' });
    expect(await waitFor(async () => (await tillProduct(product.id))?.priceMinor === 16_500, 5_000)).toBeLessThan(1_000);

    const archived = await api.call('patch', `${products()}/${product.id}`, { token: pdg, body: { active: false } });
    expect(archived.body.product.active).toBe(false);
    expect(await waitFor(async () => (await tillProduct(product.id))?.active === false, 5_000)).toBeLessThan(1_000);
    expect((await api.call('get', `${products()}/${product.id}`, { token: employee })).body.product).toMatchObject({ active: false, priceMinor: 16_500 });

    // Archived products leave the default list and stay in the archived one.
    const active = await api.call('get', `${products()}?q=2990000000011`, { token: pdg });
    expect(active.body).toMatchObject({ products: [], total: 0, nextCursor: null });
    const inArchive = await api.call('get', `${products()}?q=2990000000011&status=archived`, { token: pdg });
    expect(inArchive.body.products.map((p: Product) => p.id)).toEqual([product.id]);

    // Every write is in the company's audit trail, with its product.
    const trail = await api.services.databases.withTenant(tenant, async (tx) =>
      (await tx.query<{ action: string; actor_role: string }>(`SELECT action, actor_role FROM audit_log WHERE tenant_id = $1 AND target = $2 ORDER BY id`, [tenant, product.id])).rows,
    );
    expect(trail).toEqual([
      { action: 'products.create', actor_role: 'pdg' },
      { action: 'products.update', actor_role: 'pdg' },
      { action: 'products.update', actor_role: 'pdg' },
    ]);
  });

  it('creates and renames categories, which reach the till too', async () => {
    const created = await api.call('post', `/api/tenants/${tenant}/categories`, { token: dg, body: { name: 'Épices et condiments' } });
    expect(created.status).toBe(201);
    expect(created.body.category).toMatchObject({ code: 'EPI2', name: 'Épices et condiments' });
    const id = created.body.category.id as string;
    await waitFor(async () => (await till.collections.categories!.findOne(id).exec()) !== null, 5_000);
    const renamed = await api.call('patch', `/api/tenants/${tenant}/categories/${id}`, { token: pdg, body: { name: 'Épices' } });
    expect(renamed.body.category).toMatchObject({ id, code: 'EPI2', name: 'Épices' });
    expect(await waitFor(async () => (await till.collections.categories!.findOne(id).exec())?.get('name') === 'Épices', 5_000)).toBeLessThan(1_000);
    const listed = (await api.call('get', `/api/tenants/${tenant}/categories`, { token: employee })).body.categories;
    expect(listed.map((c: { name: string }) => c.name)).toContain('Épices');
    const unknown = await api.call('patch', `/api/tenants/${tenant}/categories/${uuidv7()}`, { token: pdg, body: { name: 'X' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('CATEGORY_NOT_FOUND');
  });

  it('pages, sorts and filters thousands of products exactly, ties included', async () => {
    const category = (await api.call('post', `/api/tenants/${tenant}/categories`, { token: pdg, body: { name: 'Génériques' } })).body.category.id as string;
    const stamps = ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'];
    // 3,000 products with few distinct names, prices and dates: most pages end inside a tie.
    const generated: Product[] = Array.from({ length: 3_000 }, (_, i) => {
      const name = `Article ${['Zèbre', 'alpha', 'Béta', 'gamma'][i % 4]} ${i % 50}`;
      return {
        id: uuidv7(), tenantId: tenant, sku: `GEN-${i}`, barcode: `298${String(i).padStart(10, '0')}`, barcodes: [`298${String(i).padStart(10, '0')}`], name,
        searchName: searchForm(name), categoryId: category, priceMinor: 500 * (i % 7), vatRateBp: 1800, unit: 'piece', lowStockMilli: 0, boutiquePrices: [],
        active: i % 10 !== 0, updatedAt: stamps[i % 3]!,
      };
    });
    await api.services.databases.withTenant(tenant, (tx) => writeDocuments(tx, tenant, 'products', generated));

    const keyOf = (p: Product, sort: string): string | number =>
      sort === 'name' ? p.searchName : sort === 'barcode' ? p.barcode : sort === 'priceMinor' ? p.priceMinor : p.updatedAt;
    const compare = (sort: string, dir: string) => (a: Product, b: Product) => {
      const [ka, kb] = [keyOf(a, sort), keyOf(b, sort)];
      const byKey = ka < kb ? -1 : ka > kb ? 1 : 0;
      const order = byKey !== 0 ? byKey : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      return dir === 'asc' ? order : -order;
    };
    const pageThrough = async (query: string, limit: number) => {
      const seen: Product[] = [];
      let after: string | null = null;
      let total = -1;
      for (let pages = 0; pages < 200; pages++) {
        const res = await api.call('get', `${products()}?${query}&limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`, { token: employee });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.products.length).toBeLessThanOrEqual(limit);
        seen.push(...res.body.products);
        total = res.body.total;
        after = res.body.nextCursor;
        if (!after) break;
      }
      return { seen, total };
    };

    const live = generated.filter((p) => p.active);
    for (const sort of ['name', 'barcode', 'priceMinor', 'updatedAt']) {
      for (const dir of ['asc', 'desc']) {
        const { seen, total } = await pageThrough(`categoryId=${category}&sort=${sort}&dir=${dir}`, 200);
        expect(total).toBe(live.length);
        expect(seen.map((p) => p.id), `${sort} ${dir}`).toEqual([...live].sort(compare(sort, dir)).map((p) => p.id));
      }
    }
    // An odd page size, archived and all, a name part and an exact barcode.
    const archived = await pageThrough(`categoryId=${category}&status=archived&sort=priceMinor&dir=desc`, 37);
    expect(archived.seen.map((p) => p.id)).toEqual(generated.filter((p) => !p.active).sort(compare('priceMinor', 'desc')).map((p) => p.id));
    const all = await pageThrough(`categoryId=${category}&status=all&sort=updatedAt`, 200);
    expect(all.total).toBe(3_000);
    expect(new Set(all.seen.map((p) => p.id)).size).toBe(3_000);
    const beta = await pageThrough(`categoryId=${category}&q=${encodeURIComponent('BÉTA 1')}`, 50);
    const expected = live.filter((p) => p.searchName.includes('beta 1')).sort(compare('name', 'asc'));
    expect(expected.length).toBeGreaterThan(50);
    expect(beta.seen.map((p) => p.id)).toEqual(expected.map((p) => p.id));
    expect(beta.total).toBe(expected.length);
    const byBarcode = await api.call('get', `${products()}?q=${live[5]!.barcode}`, { token: pdg });
    expect(byBarcode.body).toMatchObject({ total: 1, nextCursor: null, products: [{ id: live[5]!.id }] });
    // Callers of the first version of the list (q and limit, reading `products`) still get theirs.
    const legacy = await api.call('get', `${products()}?q=${encodeURIComponent('café soluble')}&limit=2`, { token: pdg });
    expect(legacy.body.products).toHaveLength(2);
    for (const p of legacy.body.products) expect(p.name).toMatch(/Café soluble/);

    // A cursor of another sort, or not a cursor at all, is refused in the error format.
    const first = await api.call('get', `${products()}?categoryId=${category}&sort=priceMinor&limit=5`, { token: pdg });
    for (const query of [`sort=name&after=${first.body.nextCursor}`, 'after=pas-un-curseur', `sort=priceMinor&dir=desc&after=${first.body.nextCursor}`]) {
      const res = await api.call('get', `${products()}?${query}`, { token: pdg });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'LIST_CURSOR_INVALID', message: expect.stringContaining('première page') });
    }
  });

  it('lets pdg and dg write, employees only read, and no other company in', async () => {
    const body = { barcode: '2990000000028', name: 'Savon noir', categoryId, unit: 'piece', priceMinor: 5_000, vatRateBp: 0 };
    const byDg = await api.call('post', products(), { token: dg, body });
    expect(byDg.status).toBe(201);
    const id = byDg.body.product.id as string;
    expect((await api.call('patch', `${products()}/${id}`, { token: dg, body: { priceMinor: 5_500 } })).status).toBe(200);
    for (const [method, path, payload] of [
      ['post', products(), { ...body, barcode: '2990000000035' }],
      ['patch', `${products()}/${id}`, { priceMinor: 1 }],
      ['post', `/api/tenants/${tenant}/categories`, { name: 'Interdite' }],
      ['patch', `/api/tenants/${tenant}/categories/${categoryId}`, { name: 'Interdite' }],
    ] as const) {
      const res = await api.call(method, path, { token: employee, body: payload });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect((await api.call('get', `${products()}/${id}`, { token: employee })).body.product.priceMinor).toBe(5_500);
    for (const [method, path, payload] of [
      ['get', products(), undefined],
      ['get', `${products()}/${id}`, undefined],
      ['post', products(), { ...body, barcode: '2990000000042' }],
      ['patch', `${products()}/${id}`, { priceMinor: 1 }],
      ['get', `/api/tenants/${tenant}/categories`, undefined],
    ] as const) {
      const res = await api.call(method, path, { token: otherPdg, body: payload });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('TENANT_MISMATCH');
    }
    expect((await api.call('get', `${products()}/${id}`, { token: pdg })).body.product.priceMinor).toBe(5_500);
  });

  it('answers bad input with a 4xx in the error format, in French, and writes nothing', async () => {
    const good = { barcode: '2990000000059', name: 'Miel de Kindia 500 g', categoryId, unit: 'piece', priceMinor: 40_000 };
    const existing = (await api.call('get', `${products()}?limit=1`, { token: pdg })).body.products[0] as Product;
    const cases: Array<[string, unknown, number, string]> = [
      ['octet nul', { ...good, name: 'Miel\u0000' }, 400, 'VALIDATION_FAILED'],
      ['demi-caractère', { ...good, name: 'Miel \ud800' }, 400, 'VALIDATION_FAILED'],
      ['code-barres avec octet nul', { ...good, barcode: '299\u0000' }, 400, 'VALIDATION_FAILED'],
      ['prix négatif', { ...good, priceMinor: -1 }, 400, 'VALIDATION_FAILED'],
      ['prix décimal', { ...good, priceMinor: 0.5 }, 400, 'VALIDATION_FAILED'],
      ['prix en texte', { ...good, priceMinor: '40000' }, 400, 'VALIDATION_FAILED'],
      ['TVA trop haute', { ...good, vatRateBp: 10_001 }, 400, 'VALIDATION_FAILED'],
      ['unité inconnue', { ...good, unit: 'sac' }, 400, 'VALIDATION_FAILED'],
      ['champ inconnu', { ...good, stock: 12 }, 400, 'VALIDATION_FAILED'],
      ['catégorie inconnue', { ...good, categoryId: uuidv7() }, 422, 'CATEGORY_NOT_FOUND'],
      ['code-barres déjà pris', { ...good, barcode: existing.barcode }, 409, 'PRODUCT_BARCODE_TAKEN'],
    ];
    for (const [label, body, status, code] of cases) {
      const res = await api.call('post', products(), { token: pdg, body });
      expect(res.status, label).toBe(status);
      expect(isErrorBody(res.body), label).toBe(true);
      expect(res.body.error.code, label).toBe(code);
      expect(res.body.error.message, label).not.toMatch(/^[A-Z_]+$/);
    }
    const taken = await api.call('post', products(), { token: pdg, body: { ...good, barcode: existing.barcode } });
    expect(taken.body.error).toMatchObject({ message: 'Ce code-barres est déjà celui d’un autre produit.', details: { productId: existing.id } });
    const english = await api.call('post', products(), { token: pdg, body: { ...good, categoryId: 'inconnue' }, headers: { 'accept-language': 'en' } });
    expect(english.body.error.message).toBe('Category not found: choose an existing category.');

    // Edits: the same rules, an empty change, another product's barcode, an unknown product.
    const mine = (await api.call('post', products(), { token: pdg, body: good })).body.product as Product;
    for (const [body, status, code] of [
      [{}, 400, 'VALIDATION_FAILED'],
      [{ priceMinor: 0.5 }, 400, 'VALIDATION_FAILED'],
      [{ name: '\ud800' }, 400, 'VALIDATION_FAILED'],
      [{ barcode: existing.barcode }, 409, 'PRODUCT_BARCODE_TAKEN'],
      [{ categoryId: 'inconnue' }, 422, 'CATEGORY_NOT_FOUND'],
    ] as const) {
      const res = await api.call('patch', `${products()}/${mine.id}`, { token: pdg, body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.code).toBe(code);
    }
    const missing = await api.call('patch', `${products()}/${uuidv7()}`, { token: pdg, body: { priceMinor: 1 } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('PRODUCT_NOT_FOUND');
    expect((await api.call('get', `${products()}/${mine.id}`, { token: pdg })).body.product).toEqual(mine);
    // Its own barcode again is no conflict.
    expect((await api.call('patch', `${products()}/${mine.id}`, { token: pdg, body: { barcode: mine.barcode } })).status).toBe(200);

    // Queries: hostile text, out-of-range limits, unknown sorts.
    for (const query of ['q=%00', 'limit=0', 'limit=201', 'sort=price', 'dir=up', 'status=deleted', `q=${'x'.repeat(101)}`]) {
      const res = await api.call('get', `${products()}?${query}`, { token: pdg });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
  it('keeps an SKU, several barcodes, a threshold and boutique prices in the synced product, and its cost in the cloud only', async () => {
    const [kaloum, ratoma] = boutiqueIds as [string, string];
    const created = await api.call('post', products(), {
      token: pdg,
      body: {
        sku: 'MIEL-KIN-500', barcodes: ['2990000000103', '2990000000110'], name: 'Miel de Kindia 500 g', categoryId, unit: 'piece', priceMinor: 40_000,
        costMinor: 28_000, lowStockMilli: 6_000, boutiquePrices: [{ boutiqueId: ratoma, priceMinor: 42_000 }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const product = created.body.product as Product & { costMinor: number };
    expect(product).toMatchObject({
      sku: 'MIEL-KIN-500', barcode: '2990000000103', barcodes: ['2990000000103', '2990000000110'], costMinor: 28_000, lowStockMilli: 6_000,
      boutiquePrices: [{ boutiqueId: ratoma, priceMinor: 42_000 }],
    });
    // The till has the document within a second, without what the company pays.
    expect(await waitFor(async () => (await tillProduct(product.id))?.sku === 'MIEL-KIN-500', 5_000)).toBeLessThan(1_000);
    const onTill = (await tillProduct(product.id))!;
    expect(onTill).toMatchObject({ barcodes: ['2990000000103', '2990000000110'], lowStockMilli: 6_000, boutiquePrices: [{ boutiqueId: ratoma, priceMinor: 42_000 }] });
    expect(JSON.stringify(onTill)).not.toContain('28000');
    expect(Object.keys(onTill)).not.toContain('costMinor');
    // Nor does the stored document, which every pull sends as it is.
    const stored = await api.services.databases.withTenant(tenant, async (tx) =>
      (await tx.query<{ doc: Record<string, unknown>; cost_minor: string }>(`SELECT doc, cost_minor FROM products WHERE tenant_id = $1 AND id = $2`, [tenant, product.id])).rows[0]!,
    );
    expect(Object.keys(stored.doc)).not.toContain('costMinor');
    expect(Number(stored.cost_minor)).toBe(28_000);
    // Managers see the cost; an employee reads the product without it.
    expect((await api.call('get', `${products()}/${product.id}`, { token: dg })).body.product.costMinor).toBe(28_000);
    const forEmployee = (await api.call('get', `${products()}/${product.id}`, { token: employee })).body.product;
    expect(forEmployee.sku).toBe('MIEL-KIN-500');
    expect(Object.keys(forEmployee)).not.toContain('costMinor');
    expect((await api.call('get', `${products()}?q=2990000000110`, { token: employee })).body.products[0]).not.toHaveProperty('costMinor');
    // The list finds it by its second barcode and by its SKU.
    for (const q of ['2990000000110', 'MIEL-KIN-500']) {
      const found = await api.call('get', `${products()}?q=${q}`, { token: pdg });
      expect(found.body, q).toMatchObject({ total: 1, products: [{ id: product.id, costMinor: 28_000 }] });
    }

    // A cost change alone does not touch the synced document (no till pulls it again).
    const seqBefore = await api.services.databases.withTenant(tenant, async (tx) => (await tx.query<{ seq: string }>(`SELECT seq FROM products WHERE tenant_id = $1 AND id = $2`, [tenant, product.id])).rows[0]!.seq);
    const costed = await api.call('patch', `${products()}/${product.id}`, { token: pdg, body: { costMinor: 29_500 } });
    expect(costed.body.product.costMinor).toBe(29_500);
    // The main barcode alone: the others stay, the new one first.
    const recoded = await api.call('patch', `${products()}/${product.id}`, { token: pdg, body: { barcode: '2990000000127' } });
    expect(recoded.body.product).toMatchObject({ barcode: '2990000000127', barcodes: ['2990000000127', '2990000000110'], costMinor: 29_500 });
    const seqAfter = await api.services.databases.withTenant(tenant, async (tx) => (await tx.query<{ seq: string }>(`SELECT seq FROM products WHERE tenant_id = $1 AND id = $2`, [tenant, product.id])).rows[0]!.seq);
    expect(BigInt(seqAfter)).toBeGreaterThan(BigInt(seqBefore));
    // Its old main code is free again.
    expect((await api.call('get', `${products()}?q=2990000000103`, { token: pdg })).body.total).toBe(0);

    // Every code and the SKU are the product's alone: French 409s, and 422 for a boutique of no one.
    const good = { sku: 'MIEL-KIN-1KG', barcodes: ['2990000000134'], name: 'Miel de Kindia 1 kg', categoryId, unit: 'piece', priceMinor: 75_000 };
    const cases: Array<[string, unknown, number, string, string]> = [
      ['SKU pris', { ...good, sku: 'MIEL-KIN-500' }, 409, 'PRODUCT_SKU_TAKEN', 'Cette référence (SKU) est déjà celle d’un autre produit.'],
      ['second code pris', { ...good, barcodes: ['2990000000134', '2990000000110'] }, 409, 'PRODUCT_BARCODE_TAKEN', 'Ce code-barres est déjà celui d’un autre produit.'],
      ['code en double', { ...good, barcodes: ['2990000000134', '2990000000134'] }, 400, 'VALIDATION_FAILED', 'Données invalides : vérifiez les champs signalés.'],
      ['aucun code', { ...good, barcodes: [] }, 400, 'VALIDATION_FAILED', 'Données invalides : vérifiez les champs signalés.'],
      ['boutique inconnue', { ...good, boutiquePrices: [{ boutiqueId: uuidv7(), priceMinor: 1 }] }, 422, 'PRODUCT_BOUTIQUE_UNKNOWN', 'Prix par boutique : boutique inconnue dans votre entreprise.'],
      ['boutique deux fois', { ...good, boutiquePrices: [{ boutiqueId: kaloum, priceMinor: 1 }, { boutiqueId: kaloum, priceMinor: 2 }] }, 400, 'VALIDATION_FAILED', 'Données invalides : vérifiez les champs signalés.'],
      ['seuil décimal', { ...good, lowStockMilli: 0.5 }, 400, 'VALIDATION_FAILED', 'Données invalides : vérifiez les champs signalés.'],
      ['coût négatif', { ...good, costMinor: -1 }, 400, 'VALIDATION_FAILED', 'Données invalides : vérifiez les champs signalés.'],
    ];
    for (const [label, body, status, code, message] of cases) {
      const res = await api.call('post', products(), { token: pdg, body });
      expect(res.status, label).toBe(status);
      expect(res.body.error, label).toMatchObject({ code, message });
    }
    const other = await api.call('post', products(), { token: pdg, body: good });
    expect(other.status).toBe(201);
    const taken = await api.call('patch', `${products()}/${other.body.product.id}`, { token: pdg, body: { barcodes: ['2990000000134', '2990000000127'] } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.details).toMatchObject({ barcode: '2990000000127', productId: product.id });
    expect((await api.call('patch', `${products()}/${other.body.product.id}`, { token: pdg, body: { sku: 'MIEL-KIN-500' } })).status).toBe(409);

    // The database stands behind the checks: a second live holder of a code cannot be written.
    const copy: Product = { ...(onTill as Product), id: uuidv7(), sku: 'COPIE', barcode: '2990000000141', barcodes: ['2990000000141', '2990000000110'] };
    await expect(api.services.databases.withTenant(tenant, (tx) => writeDocuments(tx, tenant, 'products', [copy]))).rejects.toMatchObject({ code: '23505' });

    // A dg sets the prices of their own boutique only; the others' come back as they were.
    const mine = await api.call('patch', `${products()}/${product.id}`, {
      token: dg, body: { boutiquePrices: [{ boutiqueId: ratoma, priceMinor: 42_000 }, { boutiqueId: kaloum, priceMinor: 39_000 }] },
    });
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.product.boutiquePrices).toHaveLength(2);
    const notMine = await api.call('patch', `${products()}/${product.id}`, { token: dg, body: { boutiquePrices: [{ boutiqueId: kaloum, priceMinor: 39_000 }] } });
    expect(notMine.status).toBe(403);
    expect(notMine.body.error).toMatchObject({ code: 'PRODUCT_BOUTIQUE_PRICE_FORBIDDEN', message: 'Vous ne pouvez fixer le prix que des boutiques dont vous avez la charge.' });
    expect(await waitFor(async () => (await tillProduct(product.id))?.boutiquePrices.length === 2, 5_000)).toBeLessThan(1_000);
  });
});
