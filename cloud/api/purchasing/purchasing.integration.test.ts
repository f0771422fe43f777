import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fr } from '../../../shared/i18n/fr.js';
import { DEMO_USERS, startTestApi, type TestApi } from '../test-support.js';

type Line = { id: string; productId: string; quantityMilli: number; unitCostMinor: number; receivedMilli: number; remainingMilli: number; costMinor: number | null };

describe('suppliers and purchase orders', () => {
  let api: TestApi;
  let tenant: string;
  let pdg: string;
  let dg: string;
  let employee: string;
  let otherPdg: string;
  let otherTenant: string;
  let kaloum: string; // the dg's boutique
  let ratoma: string; // not the dg's
  let productA: string;
  let productB: string;
  let supplierId: string;
  const t = (path: string) => `/api/tenants/${tenant}${path}`;

  /** Stock of a product at a boutique, as the stock API reads it (the sum of movements). */
  const stockAt = async (boutiqueId: string, productId: string): Promise<number> => {
    const res = await api.call('get', t(`/stock?boutiqueId=${boutiqueId}&limit=1000`), { token: pdg });
    expect(res.status).toBe(200);
    return Number(res.body.stock.find((s: { productId: string }) => s.productId === productId)?.quantityMilli ?? 0);
  };
  const companyStock = async (productId: string) => (await stockAt(kaloum, productId)) + (await stockAt(ratoma, productId));
  const costOf = (productId: string) =>
    api.services.databases.withTenant(tenant, async (tx) => {
      const { rows } = await tx.query<{ cost: string | null }>(`SELECT cost_minor AS cost FROM products WHERE tenant_id = $1 AND id = $2`, [tenant, productId]);
      return rows[0]!.cost === null ? null : Number(rows[0]!.cost);
    });
  const newOrder = async (token: string, boutiqueId: string, lines: Array<{ productId: string; quantityMilli: number; unitCostMinor: number }>) => {
    const res = await api.call('post', t('/purchase-orders'), { token, body: { supplierId, boutiqueId, lines } });
    expect(res.status).toBe(201);
    return res.body.order as { id: string; number: string; status: string; lines: Line[] };
  };
  const place = async (orderId: string) => expect((await api.call('post', t(`/purchase-orders/${orderId}/order`), { token: pdg })).status).toBe(200);
  const receive = (token: string, orderId: string, body: { id: string; lines: Array<{ lineId: string; quantityMilli: number; unitCostMinor: number }> }) =>
    api.call('post', t(`/purchase-orders/${orderId}/receptions`), { token, body });

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
    const otherLogin = await api.login('pdg@autre.gn', 'AutrePass2026', 'autre');
    otherPdg = otherLogin.accessToken;
    otherTenant = otherLogin.user.tenantId;
    const boutiques = (await api.call('get', t('/boutiques'), { token: pdg })).body.boutiques as Array<{ id: string; code: string }>;
    kaloum = boutiques.find((b) => b.code === 'KAL')!.id;
    ratoma = boutiques.find((b) => b.code === 'RAT')!.id;
    const products = (await api.call('get', t('/products?limit=2&sort=barcode'), { token: pdg })).body.products as Array<{ id: string }>;
    [productA, productB] = [products[0]!.id, products[1]!.id];
    const created = await api.call('post', t('/suppliers'), { token: pdg, body: { name: 'Sodiak Distribution', contact: 'Alpha Condé', phone: '+224 622 11 22 33', email: 'ventes@sodiak.gn' } });
    expect(created.status).toBe(201);
    supplierId = created.body.supplier.id;
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  it('creates, searches, edits and archives suppliers, with the author in the audit log', async () => {
    const made = await api.call('post', t('/suppliers'), { token: dg, body: { name: 'Établissements Barry', address: 'Madina, Conakry', notes: 'Livraison le mardi' } });
    expect(made.status).toBe(201);
    expect(made.body.supplier).toMatchObject({ name: 'Établissements Barry', contact: '', active: true });
    const id = made.body.supplier.id as string;

    // Found by a part of the name without its accent, by the contact, by the phone.
    const byName = await api.call('get', t('/suppliers?q=etablissements'), { token: pdg });
    expect(byName.body.suppliers.map((s: { id: string }) => s.id)).toEqual([id]);
    expect((await api.call('get', t('/suppliers?q=alpha%20conde'), { token: pdg })).body.suppliers.map((s: { id: string }) => s.id)).toEqual([supplierId]);
    expect((await api.call('get', t('/suppliers?q=622%2011'), { token: pdg })).body.total).toBe(1);

    const edited = await api.call('patch', t(`/suppliers/${id}`), { token: pdg, body: { phone: '+224 664 00 00 00', email: 'barry@example.gn' } });
    expect(edited.status).toBe(200);
    expect(edited.body.supplier).toMatchObject({ phone: '+224 664 00 00 00', email: 'barry@example.gn', notes: 'Livraison le mardi' });
    const archived = await api.call('patch', t(`/suppliers/${id}`), { token: pdg, body: { active: false } });
    expect(archived.body.supplier.active).toBe(false);
    expect((await api.call('get', t('/suppliers'), { token: pdg })).body.suppliers.map((s: { id: string }) => s.id)).not.toContain(id);
    expect((await api.call('get', t('/suppliers?status=archived'), { token: pdg })).body.suppliers.map((s: { id: string }) => s.id)).toEqual([id]);

    // An archived supplier takes no new order.
    const refused = await api.call('post', t('/purchase-orders'), { token: pdg, body: { supplierId: id, boutiqueId: kaloum } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'SUPPLIER_ARCHIVED', message: fr.errors.SUPPLIER_ARCHIVED });

    // Bad input and the wrong role are refused in the error format.
    const bad = await api.call('post', t('/suppliers'), { token: pdg, body: { name: '', email: 'pas-un-email' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await api.call('get', t('/suppliers'), { token: employee })).status).toBe(403);
    expect((await api.call('post', t('/suppliers'), { token: employee, body: { name: 'X' } })).status).toBe(403);

    const trail = await api.services.databases.withTenant(tenant, async (tx) =>
      (await tx.query<{ action: string; actor_role: string; actor_id: string }>(`SELECT action, actor_role, actor_id FROM audit_log WHERE tenant_id = $1 AND target = $2 ORDER BY id`, [tenant, id])).rows,
    );
    expect(trail.map((r) => [r.action, r.actor_role])).toEqual([['suppliers.create', 'dg'], ['suppliers.update', 'pdg'], ['suppliers.update', 'pdg']]);
    expect(trail.every((r) => typeof r.actor_id === 'string' && r.actor_id.length > 0)).toBe(true);
  });

  it('numbers orders, computes their totals, and refuses the wrong steps with French reasons', async () => {
    const order = await newOrder(pdg, kaloum, [
      { productId: productA, quantityMilli: 12_000, unitCostMinor: 4_250 },
      { productId: productB, quantityMilli: 2_500, unitCostMinor: 10_001 },
    ]);
    expect(order.number).toMatch(/^BC-\d{6}$/);
    expect(order).toMatchObject({ status: 'draft', lineCount: 2, totalMinor: 12 * 4_250 + 25_003 }); // 2.5 × 10 001 = 25 002.5 → 25 003
    const second = await newOrder(pdg, kaloum, []);
    expect(Number(second.number.slice(3))).toBe(Number(order.number.slice(3)) + 1);

    // Edited in draft: the lines are replaced.
    const edited = await api.call('patch', t(`/purchase-orders/${order.id}`), { token: pdg, body: { notes: 'Urgent', lines: [{ productId: productA, quantityMilli: 10_000, unitCostMinor: 4_000 }] } });
    expect(edited.status).toBe(200);
    expect(edited.body.order).toMatchObject({ notes: 'Urgent', lineCount: 1, totalMinor: 40_000 });

    const duplicate = await api.call('patch', t(`/purchase-orders/${order.id}`), {
      token: pdg, body: { lines: [{ productId: productA, quantityMilli: 1_000, unitCostMinor: 1 }, { productId: productA, quantityMilli: 1_000, unitCostMinor: 1 }] },
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.error.code).toBe('PURCHASE_ORDER_DUPLICATE_PRODUCT');

    // A draft cannot be received; an empty one cannot be placed.
    const early = await receive(pdg, order.id, { id: uuidv7(), lines: [{ lineId: edited.body.order.lines[0].id, quantityMilli: 1_000, unitCostMinor: 4_000 }] });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'PURCHASE_ORDER_CANNOT_RECEIVE', message: fr.errors.PURCHASE_ORDER_CANNOT_RECEIVE.replace('{{number}}', order.number) });
    const empty = await api.call('post', t(`/purchase-orders/${second.id}/order`), { token: pdg });
    expect(empty.status).toBe(409);
    expect(empty.body.error).toMatchObject({ code: 'PURCHASE_ORDER_EMPTY', message: fr.errors.PURCHASE_ORDER_EMPTY.replace('{{number}}', second.number) });
    // A draft is cancelled.
    const cancelled = await api.call('post', t(`/purchase-orders/${second.id}/cancel`), { token: pdg });
    expect(cancelled.body.order.status).toBe('cancelled');
    expect((await api.call('post', t(`/purchase-orders/${second.id}/order`), { token: pdg })).body.error.code).toBe('PURCHASE_ORDER_CANNOT_ORDER');

    await place(order.id);
    const again = await api.call('post', t(`/purchase-orders/${order.id}/order`), { token: pdg });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('PURCHASE_ORDER_CANNOT_ORDER');
    const late = await api.call('patch', t(`/purchase-orders/${order.id}`), { token: pdg, body: { notes: 'Trop tard' } });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'PURCHASE_ORDER_NOT_DRAFT', message: fr.errors.PURCHASE_ORDER_NOT_DRAFT.replace('{{number}}', order.number) });

    // Once something is received, it can no longer be cancelled.
    const lineId = edited.body.order.lines[0].id as string;
    expect((await receive(pdg, order.id, { id: uuidv7(), lines: [{ lineId, quantityMilli: 1_000, unitCostMinor: 4_000 }] })).status).toBe(201);
    const noCancel = await api.call('post', t(`/purchase-orders/${order.id}/cancel`), { token: pdg });
    expect(noCancel.status).toBe(409);
    expect(noCancel.body.error.code).toBe('PURCHASE_ORDER_CANNOT_CANCEL');

    // Filters of the list.
    const ordered = await api.call('get', t(`/purchase-orders?status=partly_received&supplierId=${supplierId}`), { token: pdg });
    expect(ordered.body.orders.map((o: { id: string }) => o.id)).toContain(order.id);
    expect(ordered.body.orders.every((o: { status: string }) => o.status === 'partly_received')).toBe(true);
    expect((await api.call('get', t('/purchase-orders?status=cancelled'), { token: pdg })).body.orders.map((o: { id: string }) => o.id)).toEqual([second.id]);
  });

  it('receives part then the rest: stock at the boutique, received quantities, status and weighted cost', async () => {
    const order = await newOrder(pdg, ratoma, [
      { productId: productA, quantityMilli: 10_000, unitCostMinor: 3_000 },
      { productId: productB, quantityMilli: 4_500, unitCostMinor: 7_000 },
    ]);
    await place(order.id);
    const [lineA, lineB] = order.lines;
    const stockA = await stockAt(ratoma, productA);
    const stockB = await stockAt(ratoma, productB);
    const onHandA = await companyStock(productA);
    const costA = await costOf(productA);
    const costB = await costOf(productB);
    const onHandB = await companyStock(productB);

    // Part: 4 of 10 of A at the ordered cost, 1.5 of 4.5 of B at another cost.
    const first = await receive(pdg, order.id, {
      id: uuidv7(),
      lines: [{ lineId: lineA!.id, quantityMilli: 4_000, unitCostMinor: 3_000 }, { lineId: lineB!.id, quantityMilli: 1_500, unitCostMinor: 7_300 }],
    });
    expect(first.status).toBe(201);
    expect(first.body.replayed).toBe(false);
    expect(first.body.order.status).toBe('partly_received');
    expect(first.body.order.lines.map((l: Line) => [l.receivedMilli, l.remainingMilli])).toEqual([[4_000, 6_000], [1_500, 3_000]]);
    expect(await stockAt(ratoma, productA)).toBe(stockA + 4_000);
    expect(await stockAt(ratoma, productB)).toBe(stockB + 1_500);
    // The weighted average over the company's stock before the receipt (an unknown cost takes the unit cost).
    const weigh = (onHand: number, cost: number | null, qty: number, unit: number) => (cost === null || onHand <= 0 ? unit : Math.round((onHand * cost + qty * unit) / (onHand + qty)));
    const costA1 = weigh(onHandA, costA, 4_000, 3_000);
    const costB1 = weigh(onHandB, costB, 1_500, 7_300);
    expect(await costOf(productA)).toBe(costA1);
    expect(await costOf(productB)).toBe(costB1);
    expect(first.body.order.receptions[0].lines).toEqual([
      expect.objectContaining({ lineId: lineA!.id, onHandBeforeMilli: onHandA, costBeforeMinor: costA, costAfterMinor: costA1 }),
      expect.objectContaining({ lineId: lineB!.id, onHandBeforeMilli: onHandB, costBeforeMinor: costB, costAfterMinor: costB1 }),
    ]);

    // More than remains is refused, and nothing is written.
    const over = await receive(pdg, order.id, { id: uuidv7(), lines: [{ lineId: lineA!.id, quantityMilli: 6_001, unitCostMinor: 3_000 }] });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'PURCHASE_RECEPTION_EXCEEDS_ORDER', message: fr.errors.PURCHASE_RECEPTION_EXCEEDS_ORDER });
    expect(over.body.error.details.lines).toEqual([{ lineId: lineA!.id, productId: productA, quantityMilli: 6_001, remainingMilli: 6_000 }]);
    expect(await stockAt(ratoma, productA)).toBe(stockA + 4_000);

    // The rest, at a different unit cost: the cost weighs the stock now on hand (the first receipt included).
    const onHandA2 = await companyStock(productA);
    const onHandB2 = await companyStock(productB);
    const rest = await receive(pdg, order.id, {
      id: uuidv7(),
      lines: [{ lineId: lineA!.id, quantityMilli: 6_000, unitCostMinor: 3_600 }, { lineId: lineB!.id, quantityMilli: 3_000, unitCostMinor: 7_300 }],
    });
    expect(rest.status).toBe(201);
    expect(rest.body.order.status).toBe('received');
    expect(await stockAt(ratoma, productA)).toBe(stockA + 10_000);
    expect(await stockAt(ratoma, productB)).toBe(stockB + 4_500);
    expect(await costOf(productA)).toBe(weigh(onHandA2, costA1, 6_000, 3_600));
    expect(await costOf(productB)).toBe(weigh(onHandB2, costB1, 3_000, 7_300));
    expect(rest.body.order.receivedTotalMinor).toBe(4 * 3_000 + 1.5 * 7_300 + 6 * 3_600 + 3 * 7_300);
    expect((await receive(pdg, order.id, { id: uuidv7(), lines: [{ lineId: lineA!.id, quantityMilli: 1, unitCostMinor: 1 }] })).body.error.code).toBe('PURCHASE_ORDER_CANNOT_RECEIVE');

    // Each receipt is one stock movement at the order's boutique, referring to the order.
    const movements = await api.services.databases.withTenant(tenant, async (tx) =>
      (await tx.query<{ kind: string; boutique: string }>(`SELECT doc->>'kind' AS kind, boutique_id AS boutique FROM stock_movements WHERE tenant_id = $1 AND doc->>'refId' = $2`, [tenant, order.id])).rows,
    );
    expect(movements).toHaveLength(4);
    expect(movements.every((m) => m.kind === 'receipt' && m.boutique === ratoma)).toBe(true);
  });

  it('takes a reception sent twice under one id once, and refuses the id for other content', async () => {
    const order = await newOrder(pdg, kaloum, [{ productId: productB, quantityMilli: 5_000, unitCostMinor: 2_000 }]);
    await place(order.id);
    const before = await stockAt(kaloum, productB);
    const body = { id: uuidv7(), lines: [{ lineId: order.lines[0]!.id, quantityMilli: 2_000, unitCostMinor: 2_000 }] };
    const first = await receive(pdg, order.id, body);
    expect(first.status).toBe(201);
    const cost = await costOf(productB);
    const retry = await receive(pdg, order.id, body);
    expect(retry.status).toBe(200);
    expect(retry.body.replayed).toBe(true);
    expect(retry.body.order.lines[0].receivedMilli).toBe(2_000);
    expect(retry.body.order.receptions).toHaveLength(1);
    expect(await stockAt(kaloum, productB)).toBe(before + 2_000);
    expect(await costOf(productB)).toBe(cost);

    const reused = await receive(pdg, order.id, { ...body, lines: [{ ...body.lines[0]!, quantityMilli: 3_000 }] });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('PURCHASE_RECEPTION_ID_REUSED');
    const elsewhere = await newOrder(pdg, kaloum, [{ productId: productA, quantityMilli: 1_000, unitCostMinor: 1_000 }]);
    await place(elsewhere.id);
    expect((await receive(pdg, elsewhere.id, { id: body.id, lines: [{ lineId: elsewhere.lines[0]!.id, quantityMilli: 1_000, unitCostMinor: 1_000 }] })).body.error.code).toBe('PURCHASE_RECEPTION_ID_REUSED');
    expect(await stockAt(kaloum, productB)).toBe(before + 2_000);

    // The same reception sent twice at once (a double press, a retry racing the first): one is
    // recorded, the other finds it.
    const rest = { id: uuidv7(), lines: [{ lineId: order.lines[0]!.id, quantityMilli: 3_000, unitCostMinor: 2_100 }] };
    const both = await Promise.all([receive(pdg, order.id, rest), receive(pdg, order.id, rest)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(both.map((r) => r.body.order.status)).toEqual(['received', 'received']);
    expect(await stockAt(kaloum, productB)).toBe(before + 5_000);
    const movements = await api.services.databases.withTenant(tenant, async (tx) =>
      (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM stock_movements WHERE tenant_id = $1 AND doc->>'refId' = $2`, [tenant, order.id])).rows[0]!.n,
    );
    expect(movements).toBe(2);
  });

  it('lets only one of two racing receptions take what remains', async () => {
    const order = await newOrder(pdg, kaloum, [{ productId: productA, quantityMilli: 10_000, unitCostMinor: 1_500 }]);
    await place(order.id);
    const before = await stockAt(kaloum, productA);
    const lineId = order.lines[0]!.id;
    const results = await Promise.all([1, 2].map(() => receive(pdg, order.id, { id: uuidv7(), lines: [{ lineId, quantityMilli: 6_000, unitCostMinor: 1_500 }] })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('PURCHASE_RECEPTION_EXCEEDS_ORDER');
    expect(await stockAt(kaloum, productA)).toBe(before + 6_000);
    const detail = await api.call('get', t(`/purchase-orders/${order.id}`), { token: pdg });
    expect(detail.body.order.lines[0].receivedMilli).toBe(6_000);
    expect(detail.body.order.receptions).toHaveLength(1);
  });

  it('keeps a dg to the orders of their boutiques', async () => {
    const theirs = await newOrder(dg, kaloum, [{ productId: productA, quantityMilli: 2_000, unitCostMinor: 2_500 }]);
    const notTheirs = await newOrder(pdg, ratoma, [{ productId: productA, quantityMilli: 2_000, unitCostMinor: 2_500 }]);
    await place(notTheirs.id);

    const listed = await api.call('get', t('/purchase-orders?limit=200'), { token: dg });
    const ids = listed.body.orders.map((o: { id: string }) => o.id);
    expect(ids).toContain(theirs.id);
    expect(ids).not.toContain(notTheirs.id);
    expect(listed.body.orders.every((o: { boutiqueId: string }) => o.boutiqueId === kaloum)).toBe(true);

    const read = await api.call('get', t(`/purchase-orders/${notTheirs.id}`), { token: dg });
    expect(read.status).toBe(403);
    expect(read.body.error).toMatchObject({ code: 'BOUTIQUE_OUT_OF_SCOPE', message: fr.errors.BOUTIQUE_OUT_OF_SCOPE });
    const before = await stockAt(ratoma, productA);
    const refused = await receive(dg, notTheirs.id, { id: uuidv7(), lines: [{ lineId: notTheirs.lines[0]!.id, quantityMilli: 1_000, unitCostMinor: 2_500 }] });
    expect(refused.status).toBe(403);
    expect(await stockAt(ratoma, productA)).toBe(before);
    expect((await api.call('post', t('/purchase-orders'), { token: dg, body: { supplierId, boutiqueId: ratoma } })).status).toBe(403);
    expect((await api.call('patch', t(`/purchase-orders/${theirs.id}`), { token: dg, body: { boutiqueId: ratoma } })).status).toBe(403);
    expect((await api.call('post', t(`/purchase-orders/${notTheirs.id}/cancel`), { token: dg })).status).toBe(403);

    // Their own boutique's order, placed and received by them.
    expect((await api.call('post', t(`/purchase-orders/${theirs.id}/order`), { token: dg })).status).toBe(200);
    const received = await receive(dg, theirs.id, { id: uuidv7(), lines: [{ lineId: theirs.lines[0]!.id, quantityMilli: 2_000, unitCostMinor: 2_600 }] });
    expect(received.status).toBe(201);
    expect(received.body.order.status).toBe('received');
    const trail = await api.services.databases.withTenant(tenant, async (tx) =>
      (await tx.query<{ action: string; actor_role: string }>(`SELECT action, actor_role FROM audit_log WHERE tenant_id = $1 AND target = $2 ORDER BY id`, [tenant, theirs.id])).rows,
    );
    expect(trail).toEqual([
      { action: 'purchase_orders.create', actor_role: 'dg' },
      { action: 'purchase_orders.order', actor_role: 'dg' },
      { action: 'purchase_orders.receive', actor_role: 'dg' },
    ]);
  });

  it('refuses another company’s ids', async () => {
    const order = await newOrder(pdg, kaloum, [{ productId: productA, quantityMilli: 1_000, unitCostMinor: 1_000 }]);
    // Another company's pdg, on our company's address or on theirs with our ids.
    expect((await api.call('get', t(`/purchase-orders/${order.id}`), { token: otherPdg })).status).toBe(403);
    expect((await api.call('get', `/api/tenants/${otherTenant}/purchase-orders/${order.id}`, { token: otherPdg })).status).toBe(404);
    expect((await api.call('get', `/api/tenants/${otherTenant}/suppliers/${supplierId}`, { token: otherPdg })).status).toBe(404);
    expect((await api.call('post', `/api/tenants/${otherTenant}/purchase-orders/${order.id}/order`, { token: otherPdg })).status).toBe(404);
    const theirSupplier = await api.call('post', `/api/tenants/${otherTenant}/suppliers`, { token: otherPdg, body: { name: 'Fournisseur Autre' } });
    expect(theirSupplier.status).toBe(201);
    expect((await api.call('get', `/api/tenants/${otherTenant}/suppliers`, { token: otherPdg })).body.suppliers.map((s: { id: string }) => s.id)).toEqual([theirSupplier.body.supplier.id]);
    // Their supplier and our boutique and products, in their company or ours: refused.
    const mixed = await api.call('post', t('/purchase-orders'), { token: pdg, body: { supplierId: theirSupplier.body.supplier.id, boutiqueId: kaloum } });
    expect(mixed.status).toBe(422);
    expect(mixed.body.error.code).toBe('SUPPLIER_NOT_FOUND');
    const ours = await api.call('post', `/api/tenants/${otherTenant}/purchase-orders`, {
      token: otherPdg, body: { supplierId: theirSupplier.body.supplier.id, boutiqueId: kaloum, lines: [] },
    });
    expect(ours.status).toBe(422);
    expect(ours.body.error.code).toBe('BOUTIQUE_NOT_FOUND');
    const product = await api.call('post', t('/purchase-orders'), { token: pdg, body: { supplierId, boutiqueId: kaloum, lines: [{ productId: uuidv7(), quantityMilli: 1_000, unitCostMinor: 1 }] } });
    expect(product.status).toBe(422);
    expect(product.body.error.code).toBe('PRODUCT_NOT_FOUND');
  });
});
