import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockMovementRuleBroken, stockMovementSchema, type StockMovement } from '../../../shared/schema/stock-movements.js';
import type { Product } from '../../../shared/schema/products.js';
import { writeDocuments } from '../../../sync/server/store.js';
import { DEMO_USERS, startTestApi, type TestApi } from '../test-support.js';

type Boutique = { id: string; code: string; name: string };
type Level = { id: string; name: string; barcode: string; levels: Record<string, number>; lowStockMilli: number };

describe('the stock API of the back office', () => {
  let api: TestApi;
  let tenant: string;
  let pdg: string;
  let dg: string;
  let employee: string;
  let otherPdg: string;
  let otherTenant: string;
  let otherBoutique: string;
  let kal: Boutique;
  let rat: Boutique;
  let products: Product[];
  let till: { credential: string; deviceId: string };
  const path = (rest: string) => `/api/tenants/${tenant}/stock${rest}`;
  const query = <R>(sql: string, params: unknown[]) => api.services.databases.withTenant(tenant, async (tx) => (await tx.query<R>(sql, params)).rows);
  const level = async (boutiqueId: string, productId: string) =>
    Number((await query<{ q: string }>(`SELECT quantity_milli AS q FROM stock_levels WHERE tenant_id = $1 AND boutique_id = $2 AND product_id = $3`, [tenant, boutiqueId, productId]))[0]?.q ?? 0);
  const movementsOf = (refId: string) =>
    query<{ id: string; doc: StockMovement }>(`SELECT id, doc FROM stock_movements WHERE tenant_id = $1 AND doc->>'refId' = $2 ORDER BY id`, [tenant, refId]);
  const adjust = (token: string, body: Record<string, unknown>) => api.call('post', path('/adjustments'), { token, body });

  beforeAll(async () => {
    api = await startTestApi();
    tenant = api.demoTenantId;
    pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    dg = (await api.login(DEMO_USERS.dg.email, DEMO_USERS.dg.password)).accessToken;
    employee = (await api.login(DEMO_USERS.employee.email, DEMO_USERS.employee.password)).accessToken;
    const boutiques = (await api.call('get', `/api/tenants/${tenant}/boutiques`, { token: pdg })).body.boutiques as Boutique[];
    kal = boutiques.find((b) => b.code === 'KAL')!;
    rat = boutiques.find((b) => b.code === 'RAT')!;
    products = (await api.call('get', `/api/tenants/${tenant}/products?limit=200`, { token: pdg })).body.products;
    const admin = (await api.login(DEMO_USERS.admin.email, DEMO_USERS.admin.password)).accessToken;
    const other = await api.call('post', '/api/admin/tenants', {
      token: admin,
      body: { code: 'autre', name: 'Autre SARL', owner: { email: 'pdg@autre.gn', name: 'Awa Bah', password: 'AutrePass2026' } },
    });
    otherTenant = other.body.tenantId;
    otherPdg = (await api.login('pdg@autre.gn', 'AutrePass2026', 'autre')).accessToken;
    otherBoutique = (await api.call('post', `/api/tenants/${otherTenant}/boutiques`, { token: otherPdg, body: { code: 'ZB1', name: 'Zêta' } })).body.id;
    const code = await api.call('post', `/api/tenants/${tenant}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId: kal.id, deviceName: 'Caisse stock' } });
    const enrolled = await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } });
    till = { credential: `Device ${enrolled.body.credential}`, deviceId: enrolled.body.deviceId };
  });
  afterAll(async () => {
    await api?.close();
  });

  it('refuses an adjustment without a reason, then records one with its author, once, and the boutique’s till pulls it', async () => {
    const product = products[0]!;
    const before = await level(kal.id, product.id);
    const id = uuidv7();
    for (const reason of [undefined, '', '   ']) {
      const refused = await adjust(pdg, { id, boutiqueId: kal.id, productId: product.id, quantityMilli: -2000, ...(reason === undefined ? {} : { reason }) });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('STOCK_ADJUST_REASON_REQUIRED');
      expect(refused.body.error.message).toBe('Indiquez le motif de l’ajustement de stock.');
    }
    expect(await level(kal.id, product.id)).toBe(before);
    expect(await movementsOf(id)).toHaveLength(0);

    const made = await adjust(pdg, { id, boutiqueId: kal.id, productId: product.id, quantityMilli: -2000, reason: 'Casse en réserve' });
    expect(made.status).toBe(201);
    expect(made.body.adjustment).toMatchObject({ id, boutiqueId: kal.id, productId: product.id, quantityMilli: -2000, reason: 'Casse en réserve' });
    expect(await level(kal.id, product.id)).toBe(before - 2000);

    // The same request again (a retry after a lost answer): the first adjustment, nothing more.
    const again = await adjust(pdg, { id, boutiqueId: kal.id, productId: product.id, quantityMilli: -2000, reason: 'Casse en réserve' });
    expect(again.status).toBe(200);
    expect(again.body.adjustment.movementId).toBe(made.body.adjustment.movementId);
    expect(await level(kal.id, product.id)).toBe(before - 2000);
    const reused = await adjust(pdg, { id, boutiqueId: kal.id, productId: product.id, quantityMilli: -3000, reason: 'Casse en réserve' });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('STOCK_ADJUSTMENT_ID_REUSED');

    // The movement is a valid synced fact; its author is kept beside it and in the audit log.
    const [movement] = await movementsOf(id);
    expect(movement!.doc).toMatchObject({ kind: 'adjustment', quantityMilli: -2000, reason: 'Casse en réserve', boutiqueId: kal.id, deviceId: null });
    expect(stockMovementRuleBroken(movement!.doc)).toBeNull();
    expect(Object.keys(movement!.doc).every((key) => key in stockMovementSchema.properties)).toBe(true);
    const [record] = await query<{ author_role: string; movement_id: string }>(`SELECT author_role, movement_id FROM stock_adjustments WHERE tenant_id = $1 AND id = $2`, [tenant, id]);
    expect(record).toEqual({ author_role: 'pdg', movement_id: movement!.id });
    const trail = await query<{ action: string; actor_role: string }>(`SELECT action, actor_role FROM audit_log WHERE tenant_id = $1 AND target = $2`, [tenant, movement!.id]);
    expect(trail).toEqual([{ action: 'stock.adjust', actor_role: 'pdg' }]);

    // The boutique's till receives it by its pull.
    const pulled: StockMovement[] = [];
    for (let seq = 0; ; ) {
      const page = await api.call('get', `/api/sync/stock_movements/pull?seq=${seq}&limit=500`, { token: till.credential });
      expect(page.status).toBe(200);
      if (page.body.documents.length === 0) break;
      pulled.push(...page.body.documents);
      seq = page.body.checkpoint.seq;
    }
    expect(pulled.find((m) => m.id === movement!.id)).toMatchObject({ kind: 'adjustment', quantityMilli: -2000 });

    // A piece is not cut: a fraction of one is refused; a kilogram is.
    const piece = products.find((p) => p.unit === 'piece')!;
    const fraction = await adjust(pdg, { id: uuidv7(), boutiqueId: kal.id, productId: piece.id, quantityMilli: 500, reason: 'Test' });
    expect(fraction.status).toBe(422);
    expect(fraction.body.error.code).toBe('STOCK_QUANTITY_FRACTION');
    const weighed = products.find((p) => p.unit === 'kg');
    if (weighed) expect((await adjust(pdg, { id: uuidv7(), boutiqueId: kal.id, productId: weighed.id, quantityMilli: 250, reason: 'Pesée' })).status).toBe(201);
  });

  it('keeps a dg to their boutiques and everyone to their company', async () => {
    const product = products[1]!;
    const other = await adjust(dg, { id: uuidv7(), boutiqueId: rat.id, productId: product.id, quantityMilli: 1000, reason: 'Pas ma boutique' });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('BOUTIQUE_NOT_FOUND');
    expect((await api.call('get', path(`/levels?boutiqueId=${rat.id}`), { token: dg })).status).toBe(404);
    const mine = await api.call('get', path('/levels?limit=5'), { token: dg });
    expect(mine.body.boutiques.map((b: Boutique) => b.code)).toEqual(['KAL']);
    for (const row of mine.body.products as Level[]) expect(Object.keys(row.levels).every((id) => id === kal.id)).toBe(true);
    expect((await api.call('get', path(`/products/${product.id}/movements?boutiqueId=${rat.id}`), { token: dg })).status).toBe(404);
    const history = await api.call('get', path(`/products/${product.id}/movements`), { token: dg });
    expect(history.body.movements.length).toBeGreaterThan(0);
    expect(history.body.movements.every((m: { boutiqueId: string }) => m.boutiqueId === kal.id)).toBe(true);

    // A count of the other boutique does not exist for the dg.
    const count = await api.call('post', path('/counts'), { token: pdg, body: { boutiqueId: rat.id, label: 'Ratoma', q: product.barcode } });
    expect(count.status).toBe(201);
    expect((await api.call('get', path(`/counts/${count.body.count.id}`), { token: dg })).status).toBe(404);
    expect((await api.call('post', path(`/counts/${count.body.count.id}/apply`), { token: dg })).status).toBe(404);
    expect((await api.call('get', path('/counts'), { token: dg })).body.counts.map((c: { id: string }) => c.id)).not.toContain(count.body.count.id);
    // A cashier reads the stock but writes none.
    expect((await adjust(employee, { id: uuidv7(), boutiqueId: kal.id, productId: product.id, quantityMilli: 1000, reason: 'x' })).status).toBe(403);

    // Another company: its own path is closed to us, and its ids mean nothing in ours.
    expect((await api.call('get', path('/levels'), { token: otherPdg })).status).toBe(403);
    expect((await adjust(pdg, { id: uuidv7(), boutiqueId: otherBoutique, productId: product.id, quantityMilli: 1000, reason: 'x' })).status).toBe(404);
    const foreignCount = await api.call('post', `/api/tenants/${otherTenant}/stock/counts`, { token: otherPdg, body: { boutiqueId: otherBoutique } });
    expect(foreignCount.body.error.code).toBe('STOCK_COUNT_EMPTY');
    expect((await api.call('post', path('/counts'), { token: pdg, body: { boutiqueId: otherBoutique } })).status).toBe(404);
    expect((await api.call('get', `/api/tenants/${otherTenant}/stock/products/${product.id}/movements`, { token: otherPdg })).status).toBe(404);
  });

  it('pages the matrix through every product and shows only the low ones in the low-stock view', async () => {
    const seen: Level[] = [];
    let after: string | null = null;
    let total = 0;
    for (let pages = 0; pages < 50; pages++) {
      const res = await api.call('get', path(`/levels?limit=37${after ? `&after=${encodeURIComponent(after)}` : ''}`), { token: pdg });
      expect(res.status).toBe(200);
      if (pages === 0) total = res.body.total;
      seen.push(...res.body.products);
      after = res.body.nextCursor;
      if (!after) break;
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen.map((p) => p.id)).size).toBe(total);
    expect(seen.every((p) => p.levels[kal.id] !== undefined && p.levels[rat.id] !== undefined)).toBe(true);

    // Thresholds as the catalogue keeps them in the document: one product under, one at it.
    const [under, at] = [products[5]!, products[6]!];
    const onHand = await level(rat.id, under.id);
    const atLevel = Math.min(await level(kal.id, at.id), await level(rat.id, at.id));
    await api.services.databases.withTenant(tenant, (tx) =>
      writeDocuments(tx, tenant, 'products', [
        { ...under, lowStockMilli: onHand + 1000, updatedAt: new Date().toISOString() },
        { ...at, lowStockMilli: atLevel, updatedAt: new Date().toISOString() },
      ]),
    );
    const low = await api.call('get', path('/levels?low=true&limit=200'), { token: pdg });
    const lowIds = (low.body.products as Level[]).map((p) => p.id);
    expect(lowIds).toContain(under.id);
    expect(lowIds).not.toContain(at.id);
    for (const row of low.body.products as Level[]) expect(Object.values(row.levels).some((q) => q < row.lowStockMilli) || Object.keys(row.levels).length < 2).toBe(true);
    expect(low.body.total).toBe(lowIds.length);
    // Low in Ratoma only: the dg, who sees Kaloum, does not see it low.
    const lowForDg = await api.call('get', path('/levels?low=true&limit=200'), { token: dg });
    expect(((await level(kal.id, under.id)) < onHand + 1000) === (lowForDg.body.products as Level[]).some((p) => p.id === under.id)).toBe(true);
    // Without a threshold, a product is low where its stock went below zero (two tills sold the last one).
    const oversold = products[7]!;
    const ratStock = await level(rat.id, oversold.id);
    expect((await adjust(pdg, { id: uuidv7(), boutiqueId: rat.id, productId: oversold.id, quantityMilli: -(ratStock + 2000), reason: 'Vendu deux fois' })).status).toBe(201);
    const withOversold = (await api.call('get', path('/levels?low=true&limit=200'), { token: pdg })).body.products as Level[];
    expect(withOversold.find((p) => p.id === oversold.id)?.levels[rat.id]).toBe(-2000);
    expect(((await api.call('get', path('/levels?low=true&limit=200'), { token: dg })).body.products as Level[]).some((p) => p.id === oversold.id)).toBe(false);
    const filtered = await api.call('get', path(`/levels?q=${encodeURIComponent(under.barcode)}`), { token: pdg });
    expect(filtered.body.products.map((p: Level) => p.id)).toEqual([under.id]);
    expect((await api.call('get', path('/levels?after=nonsense'), { token: pdg })).status).toBe(400);
  });

  it('counts a boutique: entry, CSV import, variance report against the stock at apply time, applied once', async () => {
    const category = products[0]!.categoryId;
    const created = await api.call('post', path('/counts'), { token: dg, body: { boutiqueId: kal.id, label: 'Rayon test', categoryId: category } });
    expect(created.status).toBe(201);
    const count = created.body.count;
    expect(count).toMatchObject({ status: 'draft', boutiqueId: kal.id, label: 'Rayon test', counted: 0 });
    const inCategory = products.filter((p) => p.categoryId === category && p.active);
    expect(count.lines).toBeGreaterThanOrEqual(Math.min(inCategory.length, 3));
    const lines = (await api.call('get', path(`/counts/${count.id}/lines?limit=500`), { token: dg })).body.lines as Array<{ productId: string; barcode: string; expectedMilli: number; unit: string }>;
    expect(lines).toHaveLength(count.lines);
    const [a, b, c, d] = lines as [typeof lines[0], typeof lines[0], typeof lines[0], typeof lines[0]];
    for (const line of [a, b, c]) expect(line.expectedMilli).toBe(await level(kal.id, line.productId));

    // On screen: a counted 3 less than expected; b as expected.
    const entered = await api.call('put', path(`/counts/${count.id}/lines`), { token: dg, body: { lines: [{ productId: a.productId, countedMilli: a.expectedMilli - 3000 }, { productId: b.productId, countedMilli: b.expectedMilli }] } });
    expect(entered.status).toBe(200);
    expect(entered.body.updated).toBe(2);
    const unknown = await api.call('put', path(`/counts/${count.id}/lines`), { token: dg, body: { lines: [{ productId: products.find((p) => p.categoryId !== category)!.id, countedMilli: 1000 }] } });
    expect(unknown.status).toBe(422);

    // By file: a bad file reports its lines and writes nothing; the right one sets c.
    const csv = (body: string) => api.call('post', path(`/counts/${count.id}/import`), { token: dg, body, headers: { 'content-type': 'text/csv' } });
    const bad = await csv(`code;quantite\r\n${c.barcode};7\r\n0000000000000;2\r\n${c.barcode};x\r\n`);
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ updated: 0, errorCount: 2 });
    expect(bad.body.errors.map((e: { line: number }) => e.line)).toEqual([3, 4]);
    expect((await api.call('get', path(`/counts/${count.id}`), { token: dg })).body.count.counted).toBe(2);
    expect((await csv('nom;prix\r\nx;1\r\n')).body.error.code).toBe('CSV_HEADER_INVALID');
    const good = await csv(`\uFEFFcode;quantite\r\n${c.barcode};${c.expectedMilli / 1000 + 5}\r\n`);
    expect(good.body).toMatchObject({ lines: 1, updated: 1, errorCount: 0 });

    // A sale of b happens at a till after the sheet was made: the count of b is the new stock.
    await api.services.databases.withTenant(tenant, (tx) =>
      writeDocuments(tx, tenant, 'stock_movements', [
        { id: uuidv7(), tenantId: tenant, boutiqueId: kal.id, productId: b.productId, quantityMilli: -1000, kind: 'sale', refId: null, deviceId: till.deviceId, createdAt: new Date().toISOString() },
      ]),
    );
    const report = await api.call('get', path(`/counts/${count.id}/lines?state=variance`), { token: dg });
    const byProduct = new Map((report.body.lines as Array<{ productId: string; differenceMilli: number; onHandMilli: number }>).map((l) => [l.productId, l]));
    expect(byProduct.get(a.productId)).toMatchObject({ differenceMilli: -3000 });
    expect(byProduct.get(b.productId)).toMatchObject({ differenceMilli: 1000, onHandMilli: b.expectedMilli - 1000 });
    expect(byProduct.get(c.productId)).toMatchObject({ differenceMilli: 5000 });
    expect(byProduct.has(d?.productId ?? '')).toBe(false);
    const totals = (await api.call('get', path(`/counts/${count.id}`), { token: dg })).body.totals;
    expect(totals).toMatchObject({ counted: 3, withVariance: 3, varianceMilli: 3000 });

    // Value at cost where the company knows it.
    await query(`UPDATE products SET cost_minor = 2500 WHERE tenant_id = $1 AND id = $2`, [tenant, a.productId]);
    const valued = (await api.call('get', path(`/counts/${count.id}/lines?state=variance`), { token: dg })).body.lines.find((l: { productId: string }) => l.productId === a.productId);
    expect(valued).toMatchObject({ costMinor: 2500, differenceValueMinor: -7500 });

    const dUntouched = d ? await level(kal.id, d.productId) : 0;
    const applied = await api.call('post', path(`/counts/${count.id}/apply`), { token: dg });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ applied: true, movements: 3, count: { status: 'applied' } });
    expect(await level(kal.id, a.productId)).toBe(a.expectedMilli - 3000);
    expect(await level(kal.id, b.productId)).toBe(b.expectedMilli);
    expect(await level(kal.id, c.productId)).toBe(c.expectedMilli + 5000);
    if (d) expect(await level(kal.id, d.productId)).toBe(dUntouched);
    const written = await movementsOf(count.id);
    expect(written).toHaveLength(3);
    for (const m of written) expect(stockMovementRuleBroken(m.doc)).toBeNull();

    // Twice: nothing more; closed to entries; the report keeps what was corrected.
    const twice = await api.call('post', path(`/counts/${count.id}/apply`), { token: pdg });
    expect(twice.body).toMatchObject({ applied: false, movements: 0 });
    expect(await movementsOf(count.id)).toHaveLength(3);
    expect((await api.call('put', path(`/counts/${count.id}/lines`), { token: dg, body: { lines: [{ productId: a.productId, countedMilli: 0 }] } })).body.error.code).toBe('STOCK_COUNT_CLOSED');
    const after = (await api.call('get', path(`/counts/${count.id}/lines?state=variance`), { token: dg })).body.lines;
    expect(after.find((l: { productId: string }) => l.productId === b.productId)).toMatchObject({ differenceMilli: 1000, onHandMilli: b.expectedMilli - 1000 });
    const applyTrail = await query<{ action: string }>(`SELECT action FROM audit_log WHERE tenant_id = $1 AND target = $2 ORDER BY id`, [tenant, count.id]);
    expect(applyTrail.map((t) => t.action)).toEqual(['stock.count.create', 'stock.count.enter', 'stock.count.import', 'stock.count.apply']);
    const history = await api.call('get', path(`/products/${a.productId}/movements?limit=1`), { token: dg });
    expect(history.body.movements[0]).toMatchObject({ kind: 'adjustment', refId: count.id, authorName: 'Fatoumata Camara', quantityMilli: -3000 });
    expect(history.body.nextCursor).not.toBeNull();
    const older = await api.call('get', path(`/products/${a.productId}/movements?limit=100&after=${history.body.nextCursor}`), { token: dg });
    expect(older.body.movements.some((m: { id: string }) => m.id === history.body.movements[0].id)).toBe(false);
    expect(older.body.movements.length).toBeGreaterThan(0);
  });

  it('applies a count raced by two managers exactly once, and a cancelled count never', async () => {
    const product = products[10]!;
    const count = (await api.call('post', path('/counts'), { token: pdg, body: { boutiqueId: kal.id, q: product.barcode } })).body.count;
    const expected = await level(kal.id, product.id);
    await api.call('put', path(`/counts/${count.id}/lines`), { token: pdg, body: { lines: [{ productId: product.id, countedMilli: expected + 4000 }] } });
    const [one, two] = await Promise.all([api.call('post', path(`/counts/${count.id}/apply`), { token: pdg }), api.call('post', path(`/counts/${count.id}/apply`), { token: dg })]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect([one.body.applied, two.body.applied].sort()).toEqual([false, true]);
    expect(await movementsOf(count.id)).toHaveLength(1);
    expect(await level(kal.id, product.id)).toBe(expected + 4000);

    const other = (await api.call('post', path('/counts'), { token: pdg, body: { boutiqueId: kal.id, q: product.barcode } })).body.count;
    await api.call('put', path(`/counts/${other.id}/lines`), { token: pdg, body: { lines: [{ productId: product.id, countedMilli: 0 }] } });
    expect((await api.call('post', path(`/counts/${other.id}/cancel`), { token: pdg })).body.count.status).toBe('cancelled');
    const refused = await api.call('post', path(`/counts/${other.id}/apply`), { token: pdg });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('STOCK_COUNT_CLOSED');
    expect(await level(kal.id, product.id)).toBe(expected + 4000);
  });
});
