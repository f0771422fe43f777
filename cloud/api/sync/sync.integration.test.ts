import { scryptSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { PUSH_MAX_BODY_BYTES, PUSH_MAX_ROWS } from '../../../sync/protocol.js';
import type { StockMovement } from '../../../shared/schema/index.js';
import { writeDocuments } from '../../../sync/server/store.js';
import { validMovement, validSale } from '../../../test/sync/support/documents.js';
import { DEMO_USERS, startTestApi, type TestApi } from '../test-support.js';

type Device = { credential: string; deviceId: string; boutiqueId: string };

describe('sync endpoints', () => {
  let api: TestApi;
  let pdg: string;
  let kaloum: string;
  let ratoma: string;
  let tillA: Device;
  let tillB: Device;
  let tillRatoma: Device;

  async function enrol(boutiqueId: string, name: string): Promise<Device> {
    const code = await api.call('post', `/api/tenants/${api.demoTenantId}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId, deviceName: name } });
    const enrolled = await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } });
    return { credential: `Device ${enrolled.body.credential}`, deviceId: enrolled.body.deviceId, boutiqueId };
  }
  const pushRows = (till: Device, collection: string, docs: unknown[]) =>
    api.call('post', `/api/sync/${collection}/push`, { token: till.credential, body: { rows: docs.map((d) => ({ newDocumentState: d })) } });
  const pullAll = async (till: Device, collection: string, own: 'include' | 'skip' = 'include') => {
    const docs: Array<Record<string, unknown>> = [];
    let seq = 0;
    for (;;) {
      const page = await api.call('get', `/api/sync/${collection}/pull?seq=${seq}&limit=100&own=${own}`, { token: till.credential });
      expect(page.status).toBe(200);
      if (page.body.documents.length === 0) return docs;
      docs.push(...page.body.documents);
      seq = page.body.checkpoint.seq;
    }
  };
  const sale = (till: Device, n: number, total = 10_000) =>
    validSale({ tenantId: api.demoTenantId, boutiqueId: till.boutiqueId, deviceId: till.deviceId }, [{ priceMinor: total, quantityMilli: 1000 }], { number: `KAL-C01-${n}` });

  beforeAll(async () => {
    api = await startTestApi();
    pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    const boutiques = (await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg })).body.boutiques;
    kaloum = boutiques.find((b: { code: string }) => b.code === 'KAL').id;
    ratoma = boutiques.find((b: { code: string }) => b.code === 'RAT').id;
    tillA = await enrol(kaloum, 'Caisse 1');
    tillB = await enrol(kaloum, 'Caisse 2');
    tillRatoma = await enrol(ratoma, 'Caisse Ratoma');
  });
  afterAll(async () => api?.close());

  // First of the suite: this API process has no live stream yet, so subscribing this one opens
  // the process's LISTEN connection.
  it('announces a change committed as soon as the live stream has sent its first event', async () => {
    const abort = new AbortController();
    const response = await fetch(`${api.url}/api/sync/stream`, { headers: { authorization: tillB.credential, accept: 'text/event-stream' }, signal: abort.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toContain('data: RESYNC');
    // Committed the moment the till has its catch-up event, as its catch-up pull could read.
    const price = { id: uuidv7(), tenantId: api.demoTenantId, barcode: '6111234500017', name: 'Sucre en morceaux 1 kg', priceMinor: 15_000, vatRateBp: 1800, active: true };
    await api.services.databases.withTenant(api.demoTenantId, (tx) => writeDocuments(tx, api.demoTenantId, 'products', [price]));
    const next = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 3_000))]);
    expect(next ? decoder.decode(next.value) : 'nothing within 3 s').toContain('data: RESYNC');
    abort.abort();
  });

  it('stores each pushed sale exactly once, however often it is pushed', async () => {
    const sales = Array.from({ length: 50 }, (_, i) => sale(tillA, i));
    const first = await pushRows(tillA, 'sales', sales);
    expect(first.body).toEqual({ conflicts: [], rejected: [], accepted: 50 });
    const retry = await pushRows(tillA, 'sales', sales.map((s) => ({ ...s, _rev: '2-other', _meta: { lwt: 1 } })));
    expect(retry.body).toEqual({ conflicts: [], rejected: [], accepted: 0 });
    // Each once, to another till of the boutique and to the till that sold them (a rebuilt
    // database); a till that asks to skip its own gets them back at most once, for the checkpoint.
    for (const till of [tillB, tillA]) {
      const pulled = await pullAll(till, 'sales');
      expect(pulled.filter((d) => sales.some((s) => s.id === d.id))).toHaveLength(50);
      expect(new Set(pulled.map((d) => d.id)).size).toBe(pulled.length);
    }
    expect((await pullAll(tillA, 'sales', 'skip')).filter((d) => sales.some((s) => s.id === d.id)).length).toBeLessThanOrEqual(1);
  });

  it('skips a till’s own facts without ever ending a pull before another till’s change', async () => {
    // 600 of its own sales, more than a page may look through (100 × 5), then one from till B.
    const own = Array.from({ length: 600 }, (_, i) => sale(tillA, 2000 + i));
    for (let i = 0; i < own.length; i += 300) await pushRows(tillA, 'sales', own.slice(i, i + 300));
    const fromB = sale(tillB, 1);
    await pushRows(tillB, 'sales', [fromB]);
    // RxDB's rule: keep asking while a page is full, keep the checkpoint of any non-empty page.
    let seq = 0;
    const received: string[] = [];
    for (let pages = 0; pages < 100; pages++) {
      const page = (await api.call('get', `/api/sync/sales/pull?seq=${seq}&limit=100&own=skip`, { token: tillA.credential })).body;
      if (page.documents.length > 0) seq = page.checkpoint.seq;
      received.push(...page.documents.map((d: { id: string }) => d.id));
      if (page.documents.length < 100) break;
    }
    expect(received).toContain(fromB.id);
    const ownIds = new Set(own.map((s) => s.id));
    expect(received.filter((id) => ownIds.has(id)).length).toBeLessThanOrEqual(100);
    expect(new Set(received).size).toBe(received.length);
  });

  it('refuses to overwrite a fact with other content, and answers with the stored one', async () => {
    const original = sale(tillA, 900, 5_000);
    await pushRows(tillA, 'sales', [original]);
    // Other content that is a valid sale still: an invalid one would be set aside before.
    const altered = await pushRows(tillA, 'sales', [{ ...original, cashierId: 'quelqu-un-d-autre' }]);
    expect(altered.body).toMatchObject({ accepted: 0, rejected: [] });
    expect(altered.body.conflicts).toEqual([expect.objectContaining({ id: original.id, totalMinor: 5_000, cashierId: original.cashierId })]);
    const stored = (await pullAll(tillA, 'sales')).find((d) => d.id === original.id);
    expect(stored?.totalMinor).toBe(5_000);
  });

  it('gives a till its own boutique’s facts only, and every till the catalogue', async () => {
    await pushRows(tillRatoma, 'sales', [sale(tillRatoma, 1)]);
    const ratomaSales = await pullAll(tillRatoma, 'sales');
    expect(ratomaSales.length).toBe(1);
    expect(ratomaSales.every((d) => d.boutiqueId === ratoma)).toBe(true);
    expect((await pullAll(tillA, 'sales')).every((d) => d.boutiqueId === kaloum)).toBe(true);
    const products = await pullAll(tillRatoma, 'products');
    expect(products.length).toBeGreaterThanOrEqual(200);
  });

  it('sets bad documents aside with their reason without blocking the rest', async () => {
    const good = sale(tillA, 1000);
    const res = await pushRows(tillA, 'sales', [
      { ...sale(tillA, 1001), tenantId: 'another-tenant' },
      { ...sale(tillA, 1002), boutiqueId: ratoma },
      { nothing: 'here' },
      good,
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: { reason: string }) => r.reason)).toEqual([
      'document of another tenant',
      'document of another boutique',
      expect.stringContaining('invalid document'),
    ]);
    const product = (await pullAll(tillA, 'products'))[0]!;
    const cloudOwned = await pushRows(tillA, 'products', [{ ...product, priceMinor: 1 }]);
    expect(cloudOwned.body.accepted).toBe(0);
    expect(cloudOwned.body.conflicts[0]).toMatchObject({ id: product.id, priceMinor: product.priceMinor });
    const stored = await api.services.databases.withTenant(api.demoTenantId, async (tx) => (await tx.query('SELECT reason FROM sync_rejections')).rows);
    expect(stored.length).toBe(4);
    // Managers see them, newest first, with the till and the reason; cashiers do not.
    const dg = (await api.login(DEMO_USERS.dg.email, DEMO_USERS.dg.password)).accessToken;
    const listed = await api.call('get', `/api/tenants/${api.demoTenantId}/sync/rejections?limit=2`, { token: dg });
    expect(listed.status).toBe(200);
    expect(listed.body.rejections).toHaveLength(2);
    expect(listed.body.rejections[0]).toMatchObject({ deviceId: tillA.deviceId, deviceName: 'Caisse 1', collection: 'products' });
    expect(listed.body.rejections[1]).toMatchObject({ collection: 'sales', reason: expect.stringContaining('invalid document') });
    const older = await api.call('get', `/api/tenants/${api.demoTenantId}/sync/rejections?before=${listed.body.rejections[1].id}`, { token: dg });
    expect(older.body.rejections.map((r: { reason: string }) => r.reason)).toEqual(['document of another boutique', 'document of another tenant']);
    const employee = (await api.login(DEMO_USERS.employee.email, DEMO_USERS.employee.password)).accessToken;
    expect((await api.call('get', `/api/tenants/${api.demoTenantId}/sync/rejections`, { token: employee })).status).toBe(403);
  });

  it('lets two tills sell the last unit offline: both sales land and stock shows -1', async () => {
    const productId = uuidv7();
    const movement = (till: Device, quantityMilli: number, kind: StockMovement['kind']) =>
      validMovement({ tenantId: api.demoTenantId, boutiqueId: till.boutiqueId, deviceId: till.deviceId }, quantityMilli, kind, productId);
    await pushRows(tillA, 'stock_movements', [movement(tillA, 1000, 'receipt')]);
    const [a, b] = await Promise.all([
      pushRows(tillA, 'stock_movements', [movement(tillA, -1000, 'sale')]),
      pushRows(tillB, 'stock_movements', [movement(tillB, -1000, 'sale')]),
    ]);
    expect(a.body.accepted + b.body.accepted).toBe(2);
    const level = await api.services.databases.withTenant(api.demoTenantId, async (tx) =>
      (await tx.query<{ q: number }>(`SELECT quantity_milli::int AS q FROM stock_levels WHERE boutique_id = $1 AND product_id = $2`, [kaloum, productId])).rows[0]?.q,
    );
    expect(level).toBe(-1000);
  });

  it('merges customers field by field, the latest write of each field winning', async () => {
    const id = uuidv7();
    const base = { id, tenantId: api.demoTenantId, name: 'Awa Bah', phone: '620000001', fieldUpdatedAt: { name: '2026-11-01T10:00:00Z', phone: '2026-11-01T10:00:00Z' } };
    await pushRows(tillA, 'customers', [base]);
    await pushRows(tillB, 'customers', [{ ...base, phone: '620000002', fieldUpdatedAt: { name: '2026-11-01T10:00:00Z', phone: '2026-11-02T09:00:00Z' } }]);
    const late = await pushRows(tillA, 'customers', [{ ...base, name: 'Awa Bah Diallo', phone: '620000009', fieldUpdatedAt: { name: '2026-11-03T08:00:00Z', phone: '2026-11-01T12:00:00Z' } }]);
    expect(late.body.conflicts[0]).toMatchObject({ name: 'Awa Bah Diallo', phone: '620000002' });
    const stored = (await pullAll(tillA, 'customers')).find((c) => c.id === id);
    expect(stored).toMatchObject({ name: 'Awa Bah Diallo', phone: '620000002' });
  });

  it('gives tills the staff with offline verifiers, never the online password hash, and follows changes', async () => {
    const staff = await pullAll(tillA, 'users');
    const employee = staff.find((u) => u.email === DEMO_USERS.employee.email)!;
    expect(employee).toMatchObject({ role: 'employee', active: true, _deleted: false });
    expect(JSON.stringify(staff)).not.toContain('argon2');
    const verifier = employee.offlineVerifier as { salt: string; N: number; r: number; p: number; keyLength: number; hash: string };
    const derive = (password: string) => scryptSync(password, Buffer.from(verifier.salt, 'base64'), verifier.keyLength, { N: verifier.N, r: verifier.r, p: verifier.p }).toString('base64');
    expect(derive(DEMO_USERS.employee.password)).toBe(verifier.hash);
    expect(derive('mauvais')).not.toBe(verifier.hash);

    const admin = (await api.login(DEMO_USERS.admin.email, DEMO_USERS.admin.password)).accessToken;
    const reset = await api.call('post', `/api/tenants/${api.demoTenantId}/users/${employee.id}/reset-password`, { token: admin, body: { reason: 'oubli signalé par la gérante' } });
    const after = (await pullAll(tillA, 'users')).find((u) => u.id === employee.id)!;
    const next = after.offlineVerifier as typeof verifier;
    expect(scryptSync(reset.body.temporaryPassword, Buffer.from(next.salt, 'base64'), next.keyLength, { N: next.N, r: next.r, p: next.p }).toString('base64')).toBe(next.hash);

    await api.call('post', `/api/tenants/${api.demoTenantId}/users/${employee.id}/anonymise`, { token: pdg });
    const gone = (await pullAll(tillA, 'users')).filter((u) => u.id === employee.id).at(-1)!;
    expect(gone).toMatchObject({ _deleted: true, offlineVerifier: null });
  });

  it('tells every till of the tenant about a change on its live stream, except the till that pushed it', async () => {
    const listen = async (till: Device) => {
      const abort = new AbortController();
      const response = await fetch(`${api.url}/api/sync/stream`, { headers: { authorization: till.credential, accept: 'text/event-stream' }, signal: abort.signal });
      expect(response.status).toBe(200);
      const stream = { resyncs: 0, stop: () => abort.abort() };
      void (async () => {
        const decoder = new TextDecoder();
        const reader = response.body!.getReader();
        try {
          for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
            stream.resyncs += decoder.decode(chunk.value).split('data: RESYNC').length - 1;
          }
        } catch {
          // aborted
        }
      })();
      return stream;
    };
    const until = async (check: () => boolean) => {
      for (let waited = 0; !check(); waited += 20) {
        if (waited > 5_000) throw new Error('no RESYNC within 5 s');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const pusher = await listen(tillA);
    const other = await listen(tillB);
    // Each connection starts with a RESYNC: the till catches up from its checkpoint.
    await until(() => pusher.resyncs === 1 && other.resyncs === 1);
    expect((await pushRows(tillA, 'sales', [sale(tillA, 900)])).body.accepted).toBe(1);
    await until(() => other.resyncs === 2);
    // The pusher has those documents: waking it would only make it pull and re-read its own push.
    await new Promise((r) => setTimeout(r, 300));
    expect(pusher.resyncs).toBe(1);
    // A change made in the cloud reaches both.
    await api.call('post', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg, body: { code: 'DIX', name: 'AfriGest Dixinn' } });
    await until(() => pusher.resyncs === 2 && other.resyncs === 3);
    pusher.stop();
    other.stop();
  });

  it('stops a revoked till at its next call', async () => {
    const till = await enrol(kaloum, 'Caisse volée');
    expect((await api.call('get', '/api/sync/products/pull?seq=0&limit=1', { token: till.credential })).status).toBe(200);
    await api.call('post', `/api/tenants/${api.demoTenantId}/devices/${till.deviceId}/revoke`, { token: pdg });
    const refused = await api.call('get', '/api/sync/products/pull?seq=0&limit=1', { token: till.credential });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('DEVICE_REVOKED');
    const pushRefused = await pushRows(till, 'sales', [sale(till, 1)]);
    expect(pushRefused.status).toBe(401);
  });

  it('refuses unknown collections and malformed pushes with 400', async () => {
    expect((await api.call('get', '/api/sync/passwords/pull', { token: tillA.credential })).status).toBe(400);
    expect((await api.call('post', '/api/sync/sales/push', { token: tillA.credential, body: { rows: 'non' } })).status).toBe(400);
    expect((await api.call('get', '/api/sync/sales/pull?seq=-1', { token: tillA.credential })).status).toBe(400);
  });

  it('reads a push body up to the sync protocol’s limit, to the byte, and refuses a larger one with 413', async () => {
    // Valid sales with accented names (two bytes each in UTF-8), the last bytes made up with
    // whitespace between JSON tokens: every document is one a till could send.
    const body = (bytes: number) => {
      const line = { priceMinor: 10_000, quantityMilli: 1000, name: `Thé à la menthe ${'é'.repeat(280)}` };
      const rows: string[] = [];
      let used = Buffer.byteLength('{"rows":[]}');
      for (;;) {
        const row = JSON.stringify({ newDocumentState: validSale({ tenantId: api.demoTenantId, ...tillA }, [line, line, line, line, line]) });
        const more = Buffer.byteLength(row) + (rows.length > 0 ? 1 : 0);
        if (used + more > bytes) break;
        rows.push(row);
        used += more;
      }
      const json = `{"rows":[${rows.join(',')}]${' '.repeat(bytes - used)}}`;
      expect(Buffer.byteLength(json)).toBe(bytes);
      expect(rows.length).toBeLessThanOrEqual(PUSH_MAX_ROWS);
      return { json, count: rows.length };
    };
    const send = (json: string) => api.call('post', '/api/sync/sales/push', { token: tillA.credential, body: json });
    const full = body(PUSH_MAX_BODY_BYTES);
    const atLimit = await send(full.json);
    expect(atLimit.status).toBe(200);
    expect(atLimit.body).toMatchObject({ accepted: full.count, rejected: [] });
    const over = await send(body(PUSH_MAX_BODY_BYTES + 1).json);
    expect(over.status).toBe(413);
    expect(over.body.error).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });
});
