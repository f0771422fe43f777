import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StockMovement } from '../../../shared/schema/stock-movements.js';
import { transferMovementId, type Transfer } from '../../../shared/schema/transfers.js';
import { DEMO_USERS, startTestApi, type TestApi } from '../test-support.js';

type Till = { credential: string; deviceId: string; boutiqueId: string };

/**
 * Transfers between boutiques: a state machine whose steps are facts. Sending writes the source's
 * transfer_out movements once; receiving (by a manager, or by the destination's till through the
 * sync) writes the destination's transfer_in movements once, whoever comes first.
 */
describe('transfers between boutiques', () => {
  let api: TestApi;
  let tenant: string;
  let pdg: string;
  let dg: string;
  let otherPdg: string;
  let otherTenant: string;
  let kaloum: string;
  let ratoma: string;
  let products: Array<{ id: string; name: string }>;
  let tillRatoma: Till;
  let tillKaloum: Till;
  const base = () => `/api/tenants/${tenant}/transfers`;

  async function enrol(boutiqueId: string, name: string): Promise<Till> {
    const code = await api.call('post', `/api/tenants/${tenant}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId, deviceName: name } });
    const enrolled = await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } });
    return { credential: `Device ${enrolled.body.credential}`, deviceId: enrolled.body.deviceId, boutiqueId };
  }
  const level = async (boutiqueId: string, productId: string) =>
    api.services.databases.withTenant(tenant, async (tx) =>
      Number((await tx.query<{ q: string }>('SELECT quantity_milli AS q FROM stock_levels WHERE tenant_id = $1 AND boutique_id = $2 AND product_id = $3', [tenant, boutiqueId, productId])).rows[0]?.q ?? 0),
    );
  const movementsOf = async (transferId: string) =>
    api.services.databases.withTenant(tenant, async (tx) =>
      (await tx.query<{ doc: StockMovement }>(`SELECT doc FROM stock_movements WHERE tenant_id = $1 AND doc->>'refId' = $2 ORDER BY id`, [tenant, transferId])).rows.map((r) => r.doc),
    );
  const rejections = async (documentId: string) =>
    api.services.databases.withTenant(tenant, async (tx) =>
      (await tx.query<{ reason: string }>('SELECT reason FROM sync_rejections WHERE tenant_id = $1 AND document_id = $2 ORDER BY id', [tenant, documentId])).rows.map((r) => r.reason),
    );
  const push = (till: Till, docs: unknown[]) => api.call('post', '/api/sync/stock_movements/push', { token: till.credential, body: { rows: docs.map((d) => ({ newDocumentState: d })) } });

  /** A transfer_in movement as the destination's till writes it on reception. */
  function tillReception(till: Till, transfer: Transfer, index: number, quantityMilli: number, reason?: string): StockMovement {
    return {
      id: transferMovementId(transfer.id, 'in', index), tenantId: tenant, boutiqueId: till.boutiqueId, productId: transfer.lines[index]!.productId,
      quantityMilli, kind: 'transfer_in', ...(reason ? { reason } : {}), refId: transfer.id, deviceId: till.deviceId, createdAt: new Date().toISOString(),
    };
  }

  async function sentTransfer(quantities: number[] = [4_000, 2_000]): Promise<Transfer> {
    const created = await api.call('post', base(), {
      token: pdg, body: { fromBoutiqueId: kaloum, toBoutiqueId: ratoma, lines: quantities.map((q, i) => ({ productId: products[i]!.id, quantityMilli: q })) },
    });
    expect(created.status).toBe(201);
    const sent = await api.call('post', `${base()}/${created.body.transfer.id}/send`, { token: pdg });
    expect(sent.status).toBe(200);
    return sent.body.transfer;
  }

  beforeAll(async () => {
    api = await startTestApi();
    tenant = api.demoTenantId;
    pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    dg = (await api.login(DEMO_USERS.dg.email, DEMO_USERS.dg.password)).accessToken;
    const admin = (await api.login(DEMO_USERS.admin.email, DEMO_USERS.admin.password)).accessToken;
    await api.call('post', '/api/admin/tenants', {
      token: admin, body: { code: 'autre', name: 'Autre SARL', owner: { email: 'pdg@autre.gn', name: 'Awa Bah', password: 'AutrePass2026' } },
    });
    const otherLogin = await api.login('pdg@autre.gn', 'AutrePass2026', 'autre');
    otherPdg = otherLogin.accessToken;
    otherTenant = otherLogin.user.tenantId;
    const boutiques = (await api.call('get', `/api/tenants/${tenant}/boutiques`, { token: pdg })).body.boutiques as Array<{ id: string; code: string }>;
    kaloum = boutiques.find((b) => b.code === 'KAL')!.id;
    ratoma = boutiques.find((b) => b.code === 'RAT')!.id;
    products = (await api.call('get', `/api/tenants/${tenant}/products?limit=5`, { token: pdg })).body.products;
    tillRatoma = await enrol(ratoma, 'Caisse Ratoma');
    tillKaloum = await enrol(kaloum, 'Caisse Kaloum');
  });
  afterAll(async () => api?.close());

  it('goes draft → sent → received, each step once, with the refusals in French', async () => {
    const [p0, p1] = [products[0]!, products[1]!];
    const before = { k0: await level(kaloum, p0.id), k1: await level(kaloum, p1.id), r0: await level(ratoma, p0.id), r1: await level(ratoma, p1.id) };

    const same = await api.call('post', base(), { token: pdg, body: { fromBoutiqueId: kaloum, toBoutiqueId: kaloum, lines: [{ productId: p0.id, quantityMilli: 1000 }] } });
    expect(same.status).toBe(422);
    expect(same.body.error).toMatchObject({ code: 'TRANSFER_SAME_BOUTIQUE', message: 'La boutique de départ et celle d’arrivée doivent être différentes.' });
    const empty = await api.call('post', base(), { token: pdg, body: { fromBoutiqueId: kaloum, toBoutiqueId: ratoma, lines: [] } });
    expect(empty.body.error.code).toBe('TRANSFER_LINES_REQUIRED');
    const twice = await api.call('post', base(), { token: pdg, body: { fromBoutiqueId: kaloum, toBoutiqueId: ratoma, lines: [{ productId: p0.id, quantityMilli: 1000 }, { productId: p0.id, quantityMilli: 2000 }] } });
    expect(twice.body.error.code).toBe('TRANSFER_DUPLICATE_PRODUCT');

    const created = await api.call('post', base(), { token: pdg, body: { fromBoutiqueId: kaloum, toBoutiqueId: ratoma, lines: [{ productId: p0.id, quantityMilli: 1000 }], note: 'Réassort' } });
    expect(created.status).toBe(201);
    const draft = created.body.transfer as Transfer;
    expect(draft).toMatchObject({ status: 'draft', boutiqueId: ratoma, fromBoutiqueId: kaloum, toBoutiqueId: ratoma, note: 'Réassort' });
    expect(draft.number).toMatch(/^TR-\d{6}$/);
    expect(draft.lines[0]!.name).toBe((products[0] as { name: string }).name);

    const early = await api.call('post', `${base()}/${draft.id}/receive`, { token: pdg, body: { lines: [{ productId: p0.id, receivedMilli: 1000 }] } });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'TRANSFER_NOT_SENT', message: 'Ce transfert n’est pas en cours d’acheminement : il ne peut pas être réceptionné.' });

    const edited = await api.call('put', `${base()}/${draft.id}`, {
      token: pdg, body: { fromBoutiqueId: kaloum, toBoutiqueId: ratoma, lines: [{ productId: p0.id, quantityMilli: 5_000 }, { productId: p1.id, quantityMilli: 3_000 }] },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.transfer.lines).toHaveLength(2);
    expect(edited.body.transfer.note).toBeUndefined();

    // Sent twice at once, then once more: one send, one set of movements.
    const sends = await Promise.all([1, 2].map(() => api.call('post', `${base()}/${draft.id}/send`, { token: pdg })));
    expect(sends.map((s) => s.status).sort()).toEqual([200, 409]);
    const again = await api.call('post', `${base()}/${draft.id}/send`, { token: pdg });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TRANSFER_NOT_DRAFT');
    expect(await level(kaloum, p0.id)).toBe(before.k0 - 5_000);
    expect(await level(kaloum, p1.id)).toBe(before.k1 - 3_000);
    expect((await movementsOf(draft.id)).map((m) => [m.id, m.kind, m.quantityMilli])).toEqual([
      [transferMovementId(draft.id, 'out', 0), 'transfer_out', -5_000],
      [transferMovementId(draft.id, 'out', 1), 'transfer_out', -3_000],
    ]);
    const cancel = await api.call('post', `${base()}/${draft.id}/cancel`, { token: pdg });
    expect(cancel.body.error.code).toBe('TRANSFER_NOT_DRAFT');
    const edit = await api.call('put', `${base()}/${draft.id}`, { token: pdg, body: { fromBoutiqueId: kaloum, toBoutiqueId: ratoma, lines: [{ productId: p0.id, quantityMilli: 1 }] } });
    expect(edit.body.error.code).toBe('TRANSFER_NOT_DRAFT');

    const noReason = await api.call('post', `${base()}/${draft.id}/receive`, { token: pdg, body: { lines: [{ productId: p0.id, receivedMilli: 4_000 }, { productId: p1.id, receivedMilli: 3_000 }] } });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error).toMatchObject({ code: 'TRANSFER_REASON_REQUIRED', details: { productId: p0.id } });
    const wrongLines = await api.call('post', `${base()}/${draft.id}/receive`, { token: pdg, body: { lines: [{ productId: p1.id, receivedMilli: 3_000 }] } });
    expect(wrongLines.body.error.code).toBe('TRANSFER_RECEPTION_LINES');

    const received = await api.call('post', `${base()}/${draft.id}/receive`, {
      token: pdg, body: { lines: [{ productId: p0.id, receivedMilli: 4_000, reason: 'Un carton abîmé' }, { productId: p1.id, receivedMilli: 3_000 }] },
    });
    expect(received.status).toBe(200);
    expect(received.body.transfer).toMatchObject({ status: 'received', receivedVia: 'admin' });
    expect(received.body.transfer.lines.map((l: { receivedMilli: number; reason: string | null }) => [l.receivedMilli, l.reason])).toEqual([[4_000, 'Un carton abîmé'], [3_000, null]]);
    expect(await level(ratoma, p0.id)).toBe(before.r0 + 4_000);
    expect(await level(ratoma, p1.id)).toBe(before.r1 + 3_000);
    const once = await api.call('post', `${base()}/${draft.id}/receive`, { token: pdg, body: { lines: [{ productId: p0.id, receivedMilli: 5_000 }, { productId: p1.id, receivedMilli: 3_000 }] } });
    expect(once.status).toBe(409);
    expect(once.body.error.code).toBe('TRANSFER_ALREADY_RECEIVED');
    expect(await level(ratoma, p0.id)).toBe(before.r0 + 4_000);

    // Every step is in the audit log with its author.
    const audit = await api.services.databases.withTenant(tenant, async (tx) =>
      (await tx.query<{ action: string }>(`SELECT action FROM audit_log WHERE tenant_id = $1 AND target = $2 ORDER BY at, id`, [tenant, draft.id])).rows.map((r) => r.action),
    );
    expect(audit).toEqual(['transfers.create', 'transfers.update', 'transfers.send', 'transfers.receive']);

    const list = await api.call('get', `${base()}?status=received&boutiqueId=${ratoma}`, { token: pdg });
    expect(list.body.transfers.map((t: Transfer) => t.id)).toContain(draft.id);
    expect((await api.call('get', `${base()}?status=draft`, { token: pdg })).body.transfers.map((t: Transfer) => t.id)).not.toContain(draft.id);
  });

  it('cancels a draft, and lets a dg act only from and into their own boutique', async () => {
    const p0 = products[0]!;
    const draft = (await api.call('post', base(), { token: pdg, body: { fromBoutiqueId: kaloum, toBoutiqueId: ratoma, lines: [{ productId: p0.id, quantityMilli: 1000 }] } })).body.transfer as Transfer;
    const cancelled = await api.call('post', `${base()}/${draft.id}/cancel`, { token: pdg });
    expect(cancelled.body.transfer.status).toBe('cancelled');
    expect((await api.call('post', `${base()}/${draft.id}/send`, { token: pdg })).body.error.code).toBe('TRANSFER_NOT_DRAFT');

    // The demo dg runs Kaloum: may send from it, not from Ratoma, and may not receive into Ratoma.
    const fromRatoma = await api.call('post', base(), { token: dg, body: { fromBoutiqueId: ratoma, toBoutiqueId: kaloum, lines: [{ productId: p0.id, quantityMilli: 1000 }] } });
    expect(fromRatoma.status).toBe(403);
    expect(fromRatoma.body.error.code).toBe('TRANSFER_BOUTIQUE_FORBIDDEN');
    const own = await api.call('post', base(), { token: dg, body: { fromBoutiqueId: kaloum, toBoutiqueId: ratoma, lines: [{ productId: p0.id, quantityMilli: 1000 }] } });
    expect(own.status).toBe(201);
    expect((await api.call('post', `${base()}/${own.body.transfer.id}/send`, { token: dg })).status).toBe(200);
    const intoRatoma = await api.call('post', `${base()}/${own.body.transfer.id}/receive`, { token: dg, body: { lines: [{ productId: p0.id, receivedMilli: 1000 }] } });
    expect(intoRatoma.status).toBe(403);

    // Another company sees none of it, whatever id it names.
    expect((await api.call('get', `${base()}/${own.body.transfer.id}`, { token: otherPdg })).status).toBeGreaterThanOrEqual(403);
    const theirs = await api.call('get', `/api/tenants/${otherTenant}/transfers/${own.body.transfer.id}`, { token: otherPdg });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('TRANSFER_NOT_FOUND');
  });

  it('takes a reception pushed by the destination till, once, and refuses movements that do not match the transfer', async () => {
    const transfer = await sentTransfer([4_000, 2_000]);
    const [p0, p1] = transfer.lines.map((l) => l.productId) as [string, string];
    const before = { r0: await level(ratoma, p0), r1: await level(ratoma, p1) };

    // Refused: the wrong product for the line, another boutique's till, an id not derived from the transfer, a transfer_out.
    const wrongProduct = { ...tillReception(tillRatoma, transfer, 0, 4_000), productId: p1 };
    const otherBoutique = tillReception(tillKaloum, transfer, 1, 2_000);
    const freeId = { ...tillReception(tillRatoma, transfer, 1, 2_000), id: 'a-random-id-0001' };
    const outward = { ...tillReception(tillRatoma, transfer, 0, 4_000), id: transferMovementId(transfer.id, 'out', 0), kind: 'transfer_out', quantityMilli: -4_000 };
    const unknown = { ...tillReception(tillRatoma, transfer, 0, 4_000), id: transferMovementId('0190aaaa-0000-7000-8000-000000000000', 'in', 0), refId: '0190aaaa-0000-7000-8000-000000000000' };
    const refusedA = await push(tillRatoma, [wrongProduct, freeId, outward, unknown]);
    expect(refusedA.status).toBe(200);
    expect(refusedA.body.rejected.map((r: { reason: string }) => r.reason)).toEqual([
      'invalid stock movement: not a product of the transfer',
      'invalid stock movement: a transfer movement has the id derived from its transfer and line',
      'invalid stock movement: a till writes only the reception of a transfer',
      'invalid stock movement: unknown transfer',
    ]);
    expect((await push(tillKaloum, [otherBoutique])).body.rejected[0].reason).toBe('invalid stock movement: transfer of another boutique');
    expect(await rejections(freeId.id)).toEqual(['invalid stock movement: a transfer movement has the id derived from its transfer and line']);
    expect((await api.call('get', `${base()}/${transfer.id}`, { token: pdg })).body.transfer.status).toBe('sent');

    // The till received 3 of 4 (a reason) and both of the second line, offline; pushed twice.
    const reception = [tillReception(tillRatoma, transfer, 0, 3_000, 'Carton manquant'), tillReception(tillRatoma, transfer, 1, 2_000)];
    const first = await push(tillRatoma, reception);
    expect(first.body).toMatchObject({ accepted: 2, rejected: [], conflicts: [] });
    const retry = await push(tillRatoma, reception);
    expect(retry.body).toMatchObject({ accepted: 0, rejected: [], conflicts: [] });
    const stored = (await api.call('get', `${base()}/${transfer.id}`, { token: pdg })).body.transfer as Transfer;
    expect(stored).toMatchObject({ status: 'received', receivedVia: 'till', receivedBy: tillRatoma.deviceId, receivedAt: reception[0]!.createdAt });
    expect(stored.lines.map((l) => [l.receivedMilli, l.reason])).toEqual([[3_000, 'Carton manquant'], [2_000, null]]);
    expect(await level(ratoma, p0)).toBe(before.r0 + 3_000);
    expect(await level(ratoma, p1)).toBe(before.r1 + 2_000);
    const late = await api.call('post', `${base()}/${transfer.id}/receive`, { token: pdg, body: { lines: [{ productId: p0, receivedMilli: 4_000 }, { productId: p1, receivedMilli: 2_000 }] } });
    expect(late.body.error.code).toBe('TRANSFER_ALREADY_RECEIVED');
    expect(await level(ratoma, p0)).toBe(before.r0 + 3_000);

    // The destination till pulls the received transfer (boutique-scoped to the destination); Kaloum's does not.
    const pulled = await api.call('get', '/api/sync/transfers/pull?seq=0&limit=100', { token: tillRatoma.credential });
    expect(pulled.body.documents.find((d: Transfer) => d.id === transfer.id)?.status).toBe('received');
    const notKaloum = await api.call('get', '/api/sync/transfers/pull?seq=0&limit=100', { token: tillKaloum.credential });
    expect(notKaloum.body.documents.map((d: Transfer) => d.id)).not.toContain(transfer.id);
  });

  it('keeps a manager’s reception when the till’s comes after it, and completes a till’s reception that came in two pushes', async () => {
    // The manager first: the till's later facts change nothing and are answered with the stored ones.
    const first = await sentTransfer([2_000, 1_000]);
    const [p0, p1] = first.lines.map((l) => l.productId) as [string, string];
    const before = { r0: await level(ratoma, p0), r1: await level(ratoma, p1) };
    const byAdmin = await api.call('post', `${base()}/${first.id}/receive`, { token: pdg, body: { lines: [{ productId: p0, receivedMilli: 2_000 }, { productId: p1, receivedMilli: 1_000 }] } });
    expect(byAdmin.status).toBe(200);
    const late = await push(tillRatoma, [tillReception(tillRatoma, first, 0, 1_500, 'Casse'), tillReception(tillRatoma, first, 1, 1_000)]);
    expect(late.body).toMatchObject({ accepted: 0, rejected: [] });
    expect(late.body.conflicts.map((c: StockMovement) => [c.id, c.quantityMilli, c.deviceId])).toEqual([
      [transferMovementId(first.id, 'in', 0), 2_000, null],
      [transferMovementId(first.id, 'in', 1), 1_000, null],
    ]);
    const kept = (await api.call('get', `${base()}/${first.id}`, { token: pdg })).body.transfer as Transfer;
    expect(kept).toMatchObject({ status: 'received', receivedVia: 'admin', updatedAt: byAdmin.body.transfer.updatedAt });
    expect([await level(ratoma, p0), await level(ratoma, p1)]).toEqual([before.r0 + 2_000, before.r1 + 1_000]);

    // A till's reception split over two pushes: the first marks the transfer received, the second completes its lines.
    const split = await sentTransfer([2_000, 1_000]);
    expect((await push(tillRatoma, [tillReception(tillRatoma, split, 0, 2_000)])).body.accepted).toBe(1);
    let stored = (await api.call('get', `${base()}/${split.id}`, { token: pdg })).body.transfer as Transfer;
    expect(stored.lines.map((l) => l.receivedMilli)).toEqual([2_000, null]);
    // Nothing of the second line arrived: a movement of nothing, with its reason, that moves no stock.
    const p1Before = await level(ratoma, p1);
    expect((await push(tillRatoma, [tillReception(tillRatoma, split, 1, 0, 'Sac perdu')])).body).toMatchObject({ accepted: 1, rejected: [] });
    stored = (await api.call('get', `${base()}/${split.id}`, { token: pdg })).body.transfer as Transfer;
    expect(stored).toMatchObject({ status: 'received', receivedVia: 'till', receivedBy: tillRatoma.deviceId });
    expect(stored.lines.map((l) => [l.receivedMilli, l.reason])).toEqual([[2_000, null], [0, 'Sac perdu']]);
    expect(await level(ratoma, p1)).toBe(p1Before);
    // A movement of nothing is a transfer's reception only: of another kind, or naming no transfer, it is refused.
    const nothing = { ...tillReception(tillRatoma, split, 0, 0), id: 'nothing-sold-0001', kind: 'sale', refId: null };
    const unknownRef = { ...tillReception(tillRatoma, split, 0, 0), id: 'nothing-in-0001', refId: 'not-a-transfer' };
    expect((await push(tillRatoma, [nothing, unknownRef])).body.rejected.map((r: { reason: string }) => r.reason)).toEqual([
      'invalid stock movement: quantityMilli out of bounds',
      'invalid stock movement: unknown transfer',
    ]);
  });

  it('counts a reception once when the manager and the till receive the same transfer at the same moment', async () => {
    for (let round = 0; round < 4; round++) {
      const transfer = await sentTransfer([2_000]);
      const p0 = transfer.lines[0]!.productId;
      const before = await level(ratoma, p0);
      const [admin, till] = await Promise.all([
        api.call('post', `${base()}/${transfer.id}/receive`, { token: pdg, body: { lines: [{ productId: p0, receivedMilli: 2_000 }] } }),
        push(tillRatoma, [tillReception(tillRatoma, transfer, 0, 1_000, 'Casse')]),
      ]);
      expect(till.status).toBe(200);
      expect(till.body.rejected).toEqual([]);
      const stored = (await api.call('get', `${base()}/${transfer.id}`, { token: pdg })).body.transfer as Transfer;
      const movements = (await movementsOf(transfer.id)).filter((m) => m.kind === 'transfer_in');
      expect(movements).toHaveLength(1);
      if (admin.status === 200) {
        // The manager came first: the till's fact is a conflict answered with the stored one.
        expect(stored).toMatchObject({ receivedVia: 'admin' });
        expect(till.body.conflicts.map((c: StockMovement) => c.quantityMilli)).toEqual([2_000]);
        expect(await level(ratoma, p0)).toBe(before + 2_000);
      } else {
        expect(admin.body.error.code).toBe('TRANSFER_ALREADY_RECEIVED');
        expect(stored).toMatchObject({ receivedVia: 'till' });
        expect(await level(ratoma, p0)).toBe(before + 1_000);
      }
      expect(stored.status).toBe('received');
    }
  });
});
