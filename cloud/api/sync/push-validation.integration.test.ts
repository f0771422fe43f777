import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TILL_COLLECTIONS } from '../../../shared/schema/index.js';
import { TILL_WRITTEN, tillDocumentRuleBroken, type TillWrittenCollection } from '../../../shared/schema/validate.js';
import { REPLICATED_COLLECTIONS } from '../../../sync/collections.js';
import { contentOf } from '../../../sync/server/handlers.js';
import { REJECTED_DOCUMENT_MAX } from '../../../sync/server/store.js';
import { findUnsafeValue } from '../../../shared/text.js';
import { hostileDocumentArb, validCashEvent, validCustomer, validDocumentArb, validMovement, validReturn, validSale, type Writer } from '../../../test/sync/support/documents.js';
import { DEMO_USERS, startTestApi, type TestApi } from '../test-support.js';

type Device = Writer & { credential: string };
type Doc = Record<string, unknown>;

/**
 * The cloud trusts no pushed document (ARCHITECTURE §5): each is checked against its collection's
 * full schema and rules, an invalid one is set aside in sync_rejections with its reason, the valid
 * ones of the same request are stored, and no document, however hostile, makes a 5xx.
 */
describe('sync push validation', () => {
  let api: TestApi;
  let tillA: Device;
  let tillB: Device;

  async function enrol(pdg: string, boutiqueId: string, name: string): Promise<Device> {
    const code = await api.call('post', `/api/tenants/${api.demoTenantId}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId, deviceName: name } });
    const enrolled = await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } });
    return { credential: `Device ${enrolled.body.credential}`, tenantId: api.demoTenantId, deviceId: enrolled.body.deviceId, boutiqueId };
  }
  const push = (till: Device, collection: string, docs: unknown[]) =>
    api.call('post', `/api/sync/${collection}/push`, { token: till.credential, body: { rows: docs.map((d) => ({ newDocumentState: d })) } });
  const tableOf = (collection: string) => REPLICATED_COLLECTIONS.find((c) => c.name === collection)!.table;
  const storedDocs = (collection: string, ids: string[]) =>
    api.services.databases.withTenant(api.demoTenantId, async (tx) =>
      new Map((await tx.query<{ id: string; doc: Doc }>(`SELECT id, doc FROM ${tableOf(collection)} WHERE id = ANY($1)`, [ids])).rows.map((r) => [r.id, r.doc])),
    );
  const rejectionsOf = (documentId: string | null, since: number) =>
    api.services.databases.withTenant(api.demoTenantId, async (tx) =>
      (await tx.query<{ reason: string; document: unknown; device_id: string }>(
        `SELECT reason, document, device_id FROM sync_rejections WHERE id > $1 AND document_id IS NOT DISTINCT FROM $2 ORDER BY id`, [since, documentId],
      )).rows,
    );
  const lastRejection = () =>
    api.services.databases.withTenant(api.demoTenantId, async (tx) => Number((await tx.query<{ id: string | null }>('SELECT max(id) AS id FROM sync_rejections')).rows[0]!.id ?? 0));

  beforeAll(async () => {
    api = await startTestApi();
    const pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    const boutiques = (await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg })).body.boutiques;
    const kaloum = boutiques.find((b: { code: string }) => b.code === 'KAL').id;
    tillA = await enrol(pdg, kaloum, 'Caisse 1');
    tillB = await enrol(pdg, kaloum, 'Caisse 2');
  });
  afterAll(async () => api?.close());

  const deep = (levels: number): unknown => (levels === 0 ? 'fond' : [deep(levels - 1)]);
  const megabyte = 'x'.repeat(1024 * 1024);

  /** One finding each: the bad document, pushed after a good one, and what its reason must say. */
  const findings: Array<[string, TillWrittenCollection, (till: Device) => { good: Doc; bad: Doc }, RegExp]> = [
    ['a bare sale (id, tenant and boutique only)', 'sales', (t) => ({ good: validSale(t), bad: { id: validSale(t).id, tenantId: t.tenantId, boutiqueId: t.boutiqueId } }), /^invalid document: must have required property/],
    ['a sale whose totalMinor is "abc"', 'sales', (t) => ({ good: validSale(t), bad: { ...validSale(t), totalMinor: 'abc' } }), /^invalid document: totalMinor must be integer/],
    ['a sale whose totalMinor is 0.5', 'sales', (t) => ({ good: validSale(t), bad: { ...validSale(t), totalMinor: 0.5 } }), /^invalid document: totalMinor must be integer/],
    ['a sale whose totalMinor is 1e300', 'sales', (t) => ({ good: validSale(t), bad: { ...validSale(t), totalMinor: 1e300 } }), /^invalid document: totalMinor must be <= 1000000000000000/],
    ['a sale whose lines are "garbage"', 'sales', (t) => ({ good: validSale(t), bad: { ...validSale(t), lines: 'garbage' } }), /^invalid document: lines must be array/],
    ['a sale without lines', 'sales', (t) => ({ good: validSale(t), bad: { ...validSale(t), lines: [], subtotalMinor: 0, discountMinor: 0, vatMinor: 0, totalMinor: 0, tenders: [] } }), /^invalid sale: a sale has at least one line/],
    ['a sale whose total is not its lines’', 'sales', (t) => ({ good: validSale(t), bad: { ...validSale(t), totalMinor: 1, tenders: [{ method: 'cash', amountMinor: 1 }] } }), /^invalid sale: totalMinor is not the sum of the lines/],
    ['a sale with a negative tender', 'sales', (t) => {
      const sale = validSale(t);
      return { good: validSale(t), bad: { ...sale, tenders: [{ method: 'cash', amountMinor: -5_000 }, { method: 'cash', amountMinor: sale.totalMinor + 5_000 }] } };
    }, /^invalid sale: tenders\.0\.amountMinor must be positive/],
    ['a sale its tenders do not pay', 'sales', (t) => ({ good: validSale(t), bad: { ...validSale(t), tenders: [{ method: 'cash', amountMinor: 100 }] } }), /^invalid sale: tenders \(less change\) 100 do not pay the total 12500/],
    ['a sale naming another till as deviceId', 'sales', (t) => ({ good: validSale(t), bad: validSale({ ...t, deviceId: tillB.deviceId }) }), /^document of another till$/],
    ['a sale with a 1 MB extra field', 'sales', (t) => ({ good: validSale(t), bad: { ...validSale(t), note: megabyte } }), /^invalid document: must NOT have additional properties \(note\)/],
    ['a sale with a 1 MB line name', 'sales', (t) => {
      const sale = validSale(t);
      return { good: validSale(t), bad: { ...sale, lines: [{ ...sale.lines[0]!, name: megabyte }] } };
    }, /^invalid document: lines\.0\.name must NOT have more than 300 characters/],
    ['a sale with a 3,000-deep extra field', 'sales', (t) => ({ good: validSale(t), bad: { ...validSale(t), extra: deep(3_000) } }), /^invalid document: extra(\.0)* is nested too deep/],
    ['a sale with a NUL byte', 'sales', (t) => ({ good: validSale(t), bad: { ...validSale(t), cashierId: 'caissier\u0000' } }), /^invalid document: cashierId holds a NUL byte or a lone surrogate/],
    ['a sale with a __proto__ key', 'sales', (t) => ({ good: validSale(t), bad: { ...validSale(t), lines: [JSON.parse('{"__proto__":{"admin":true}}')] } }), /^invalid document: lines\.0\.__proto__ has a forbidden key/],
    ['a stock movement of kind gift', 'stock_movements', (t) => ({ good: validMovement(t), bad: { ...validMovement(t), kind: 'gift' } }), /^invalid document: kind must be equal to one of the allowed values/],
    ['a stock movement whose quantityMilli is "abc"', 'stock_movements', (t) => ({ good: validMovement(t), bad: { ...validMovement(t), quantityMilli: 'abc' } }), /^invalid document: quantityMilli must be integer/],
    ['a stock movement without productId', 'stock_movements', (t) => {
      const bad: Doc = validMovement(t);
      delete bad.productId;
      return { good: validMovement(t), bad };
    }, /^invalid document: must have required property 'productId'/],
    ['a stock movement with a NUL byte', 'stock_movements', (t) => ({ good: validMovement(t), bad: { ...validMovement(t), reason: 'casse\u0000' } }), /^invalid document: reason holds a NUL byte/],
    ['a sale movement that adds stock', 'stock_movements', (t) => ({ good: validMovement(t), bad: validMovement(t, 1000, 'sale') }), /^invalid stock movement: a sale movement must be negative/],
    ['a return whose refunds do not pay back its total', 'returns', (t) => ({ good: validReturn(t), bad: { ...validReturn(t), refunds: [{ method: 'cash', amountMinor: 1 }] } }), /^invalid return: the refunds do not pay back the total/],
    ['a cash-out of a negative amount', 'cash_session_events', (t) => ({ good: validCashEvent(t), bad: validCashEvent(t, 'cash_out', -1_000) }), /^invalid cash session event: amountMinor must not be negative/],
    ['a customer with a lone surrogate', 'customers', (t) => ({ good: validCustomer(t.tenantId), bad: validCustomer(t.tenantId, 'Awa \ud800Bah') }), /^invalid document: name holds a NUL byte or a lone surrogate/],
    ['a customer named {"$ne":1}', 'customers', (t) => ({ good: validCustomer(t.tenantId), bad: { ...validCustomer(t.tenantId), name: { $ne: 1 } } }), /^invalid document: name must be string/],
  ];

  it.each(findings)('stores the good document and sets aside %s with its reason', async (_finding, collection, make, reason) => {
    const { good, bad } = make(tillA);
    const since = await lastRejection();
    const res = await push(tillA, collection, [good, bad]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ conflicts: [], rejected: [{ id: bad.id, reason: expect.stringMatching(reason) }], accepted: 1 });
    const stored = await storedDocs(collection, [good.id as string, bad.id as string]);
    expect(contentOf(stored.get(good.id as string)!)).toBe(contentOf(good));
    expect(stored.has(bad.id as string)).toBe(false);
    const filed = await rejectionsOf(bad.id as string, since);
    expect(filed).toEqual([expect.objectContaining({ device_id: tillA.deviceId, reason: expect.stringMatching(reason) })]);
    // Kept whole when it can be stored and read back; a hostile or huge one by its id and reason only.
    const keepable = findUnsafeValue(bad) === null && JSON.stringify(bad).length <= REJECTED_DOCUMENT_MAX;
    expect(filed[0]!.document).toEqual(keepable ? JSON.parse(JSON.stringify(bad)) : null);
  });

  it('keeps a stock level to the movements actually stored', async () => {
    const productId = `level-${Date.now()}`;
    const res = await push(tillA, 'stock_movements', [
      validMovement(tillA, 5_000, 'receipt', productId),
      { ...validMovement(tillA, -1_000, 'sale', productId), quantityMilli: 'abc' },
      { ...validMovement(tillA, -2_000, 'sale', productId), reason: '\u0000' },
      validMovement(tillA, -1_000, 'sale', productId),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    const level = await api.services.databases.withTenant(api.demoTenantId, async (tx) =>
      (await tx.query<{ q: string }>('SELECT quantity_milli AS q FROM stock_levels WHERE product_id = $1', [productId])).rows[0]?.q);
    expect(Number(level)).toBe(4_000);
  });

  it('answers a body that is not a push with a 4xx in the error format, never a 5xx', async () => {
    const bodies: unknown[] = ['"une vente"', '[]', 'null', '{"rows":', '{"rows":"non"}', '{"rows":[1,2]}', JSON.stringify({ rows: Array.from({ length: 1_001 }, () => ({ newDocumentState: {} })) })];
    for (const body of bodies) {
      const res = await api.call('post', '/api/sync/sales/push', { token: tillA.credential, body: body as string });
      expect(res.status, String(body).slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.status, String(body).slice(0, 40)).toBeLessThan(500);
      expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
    // Rows that are no documents at all are a push still: each is set aside, the request answered.
    const odd = await push(tillA, 'sales', [null, 12, 'vente', [], { id: '\u0000' }]);
    expect(odd.status).toBe(200);
    expect(odd.body.rejected).toHaveLength(5);
    expect(odd.body.rejected.every((r: { id: unknown }) => r.id === null)).toBe(true);
  });

  // ---------------------------------------------------------------------------------------------
  // Property: hostile documents mixed with valid ones, over every collection tills sync.
  // ---------------------------------------------------------------------------------------------

  const TILL_WRITTEN_NAMES = Object.keys(TILL_WRITTEN) as TillWrittenCollection[];
  const CLOUD_OWNED = REPLICATED_COLLECTIONS.filter((c) => c.rule === 'cloud-owned').map((c) => c.name);

  it('never answers 5xx to hostile documents, stores every valid one whole and sets every invalid one aside', async () => {
    let runs = 0;
    let hostile = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TILL_WRITTEN_NAMES).chain((collection) => {
          const valid = validDocumentArb(collection, tillA);
          const bad = hostileDocumentArb(valid, (TILL_COLLECTIONS[collection].schema.required ?? []) as readonly string[]);
          const row = fc.oneof(valid.map((doc) => ({ doc, ok: true })), bad.map((doc) => ({ doc, ok: false })));
          return fc.tuple(fc.constant(collection), fc.array(row, { minLength: 1, maxLength: 6 }));
        }),
        async ([collection, rows]) => {
          runs += 1;
          hostile += rows.filter((r) => !r.ok).length;
          // The check the cloud runs says the same as the generator.
          for (const row of rows) expect(tillDocumentRuleBroken(collection, row.doc, tillA) === null).toBe(row.ok);
          const since = await lastRejection();
          const res = await push(tillA, collection, rows.map((r) => r.doc));
          expect(res.status).toBe(200);
          const good = rows.filter((r) => r.ok).map((r) => r.doc);
          expect(res.body.accepted).toBe(good.length);
          expect(res.body.rejected).toHaveLength(rows.length - good.length);
          const ids = rows.map((r) => r.doc.id).filter((id): id is string => typeof id === 'string' && id.length <= 64);
          const stored = await storedDocs(collection, ids);
          for (const doc of good) expect(contentOf(stored.get(doc.id as string)!)).toBe(contentOf(doc));
          // A hostile document that kept a valid id of its own was not stored under it.
          const goodIds = new Set(good.map((d) => d.id));
          for (const row of rows.filter((r) => !r.ok)) if (!goodIds.has(row.doc.id)) expect(stored.has(row.doc.id as string)).toBe(false);
          expect(stored.size).toBe(good.length);
          const filed = await api.services.databases.withTenant(api.demoTenantId, async (tx) => (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM sync_rejections WHERE id > $1', [since])).rows[0]!.n);
          expect(filed).toBe(rows.length - good.length);
          if (collection === 'stock_movements') {
            // Each valid movement has a product of its own: its level is that movement, nothing else.
            const levels = await api.services.databases.withTenant(api.demoTenantId, async (tx) =>
              new Map((await tx.query<{ p: string; q: string }>('SELECT product_id AS p, quantity_milli AS q FROM stock_levels WHERE product_id = ANY($1)', [rows.map((r) => String(r.doc.productId))])).rows.map((r) => [r.p, Number(r.q)])));
            for (const doc of good) expect(levels.get(doc.productId as string)).toBe(doc.quantityMilli);
            for (const row of rows.filter((r) => !r.ok)) if (typeof row.doc.productId === 'string' && !good.some((g) => g.productId === row.doc.productId)) expect(levels.has(row.doc.productId)).toBe(false);
          }
        },
      ),
      { numRuns: 60, seed: Number(process.env.FC_SEED ?? 20261125) },
    );
    expect(runs).toBe(60);
    expect(hostile).toBeGreaterThan(30);
  });

  it('never takes a cloud-owned document from a till, however hostile, and never answers 5xx', async () => {
    const products = (await api.call('get', '/api/sync/products/pull?seq=0&limit=5', { token: tillA.credential })).body.documents as Doc[];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CLOUD_OWNED),
        fc.array(fc.oneof(fc.constantFrom(...products).map((p) => ({ ...p, priceMinor: 1 })), fc.constantFrom<unknown>({ id: 'x\u0000' }, { id: 'p', tenantId: api.demoTenantId, name: '\ud800' }, { id: 'p2', tenantId: api.demoTenantId, extra: deep(3_000) }, 'garbage', null)), { minLength: 1, maxLength: 4 }),
        async (collection, docs) => {
          const res = await push(tillA, collection, docs);
          expect(res.status).toBe(200);
          expect(res.body.accepted).toBe(0);
          expect(res.body.rejected.length).toBe(new Set(docs.map((d) => (d && typeof d === 'object' && 'priceMinor' in d ? (d as Doc).id : Symbol('bad')))).size);
        },
      ),
      { numRuns: 15, seed: 20261125 },
    );
    // The catalogue is as the cloud wrote it.
    const after = (await api.call('get', '/api/sync/products/pull?seq=0&limit=5', { token: tillA.credential })).body.documents as Doc[];
    expect(after.map((p) => p.priceMinor)).toEqual(products.map((p) => p.priceMinor));
  });
});
