import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRxDatabase, type RxDatabase } from 'rxdb';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, startTestApi, type TestApi } from '../../cloud/api/test-support.js';
import { getRxStorageSQLite } from '../../desktop/core/db/index.js';
import { TILL_COLLECTIONS } from '../../shared/schema/index.js';
import { startSync, type FetchLike, type SyncHandle } from '../../sync/client/replication.js';
import { writeDocuments } from '../../sync/server/store.js';
import { waitFor } from '../support/wait-for.js';

/** A 1 000 GNF line as the till's checkout prices it (VAT included at 18 %: 153). */
const WATER = { productId: 'p1', name: 'Eau minérale 1,5 L', barcode: '6111234500017', unitPriceMinor: 1000, quantityMilli: 1000, discountMinor: 0, vatRateBp: 1800, totalMinor: 1000, vatMinor: 153 };

const TILL = ['products', 'categories', 'settings', 'users', 'boutiques', 'sales', 'returns', 'stock_movements', 'cash_session_events', 'customers'];

describe('a till and the cloud', () => {
  let api: TestApi;
  let directory: string;
  let db: RxDatabase;
  let credential: string;
  let deviceId: string;
  let boutiqueId: string;
  /** Sales documents the till received in pull responses, by id. */
  const pulledSales: string[] = [];
  const recordingFetch: FetchLike = async (url, init) => {
    const response = await (fetch as unknown as FetchLike)(url, init);
    if (!url.includes('/api/sync/sales/pull') || !response.ok) return response;
    const body = (await response.json()) as { documents: Array<{ id: string }> };
    pulledSales.push(...body.documents.map((d) => d.id));
    return { status: response.status, ok: response.ok, json: async () => body };
  };
  const sync = (link: FetchLike = recordingFetch): SyncHandle =>
    startSync({ db, baseUrl: api.url, credential, fetch: link, collections: TILL, retryTime: 200, pollInterval: 60_000, setInterval, clearInterval: (h) => clearInterval(h as never) });

  beforeAll(async () => {
    api = await startTestApi();
    const pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    boutiqueId = (await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg })).body.boutiques[0].id;
    // As for a tenant older than the tills' boutiques view: the enrolment fills it.
    await api.services.databases.withTenant(api.demoTenantId, (tx) => tx.query('DELETE FROM till_boutiques'));
    const code = await api.call('post', `/api/tenants/${api.demoTenantId}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId, deviceName: 'Caisse 1' } });
    const enrolled = await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } });
    credential = enrolled.body.credential;
    deviceId = enrolled.body.deviceId;
    directory = mkdtempSync(join(tmpdir(), 'afrigest-till-'));
    db = await createRxDatabase({ name: 'till', storage: getRxStorageSQLite({ directory }), multiInstance: false });
    await db.addCollections(TILL_COLLECTIONS as never);
  });
  afterAll(async () => {
    await db?.close();
    await api?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('pulls the catalogue, pushes offline sales exactly once, and receives a price change while online', async () => {
    // Offline: 200 sales written locally before the till ever reaches the cloud.
    const sales = Array.from({ length: 200 }, (_, i) => ({
      id: uuidv7(), tenantId: api.demoTenantId, boutiqueId, deviceId, cashierId: 'c', number: `KAL-C01-${i + 1}`,
      lines: [WATER], tenders: [{ method: 'cash', amountMinor: 1000 }], subtotalMinor: 1000, discountMinor: 0, vatMinor: 153, totalMinor: 1000,
      createdAt: new Date().toISOString(),
    }));
    await db.collections.sales!.bulkInsert(sales);

    const handle = sync();
    await handle.awaitInSync();
    expect(await db.collections.products!.count().exec()).toBe(243);
    expect((await db.collections.users!.find().exec()).map((u) => u.email).sort()).toEqual(['dg@demo.local', 'employe@demo.local', 'pdg@demo.local']);
    const cloudSales = await api.services.databases.withTenant(api.demoTenantId, async (tx) => (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM sales WHERE doc->>'deviceId' = $1`, [deviceId])).rows[0]!.n);
    expect(cloudSales).toBe(200);
    expect(handle.status()).toMatchObject({ online: true, revoked: false, lastError: null });
    // The tenant's boutiques, with what a receipt prints.
    const boutiques = (await db.collections.boutiques!.find().exec()).map((doc) => doc.toJSON() as { id: string; code: string; phone: string });
    expect(boutiques.map((b) => b.code).sort()).toEqual(['KAL', 'RAT']);
    expect(boutiques.find((b) => b.id === boutiqueId)?.phone).toBe('+224 620 00 00 01');

    // A boutique opened in the cloud reaches the till.
    const pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    const opened = await api.call('post', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg, body: { code: 'MAT', name: 'AfriGest Matoto', phone: '+224 620 00 00 03' } });
    expect(opened.status).toBe(201);
    await waitFor(async () => (await db.collections.boutiques!.findOne(opened.body.id).exec())?.phone === '+224 620 00 00 03', 5_000);

    // A price changed in the cloud reaches the online till.
    const product = (await db.collections.products!.findOne().exec())!.toJSON() as Record<string, unknown>;
    await api.services.databases.withTenant(api.demoTenantId, (tx) =>
      writeDocuments(tx, api.demoTenantId, 'products', [{ ...product, priceMinor: 99_500, updatedAt: new Date().toISOString() } as never]),
    );
    const elapsed = await waitFor(async () => (await db.collections.products!.findOne(product.id as string).exec())?.priceMinor === 99_500, 5_000);
    // Only the live stream can bring it this fast: the safety-net poll is a minute here.
    expect(elapsed).toBeLessThan(1_000);
    await handle.stop();

    // A second start pushes nothing twice.
    const again = sync();
    await again.awaitInSync();
    const after = await api.services.databases.withTenant(api.demoTenantId, async (tx) => (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM sales WHERE doc->>'deviceId' = $1`, [deviceId])).rows[0]!.n);
    expect(after).toBe(200);
    await again.stop();
  });

  it('pushes a backlog of large sales, more than one request may carry, all of them exactly once', async () => {
    // A week offline at a busy counter: 500 baskets of 40 lines, some 6 MB of JSON in all.
    const line = (i: number) => ({
      productId: `p-${i}`, name: `Riz parfumé Belle Rose 25 kg sac n° ${i}`, barcode: '6111234567893', unitPriceMinor: 12_500,
      quantityMilli: 1000, discountMinor: 0, vatRateBp: 1800, totalMinor: 12_500, vatMinor: 1_907,
    });
    const sales = Array.from({ length: 500 }, (_, i) => ({
      id: uuidv7(), tenantId: api.demoTenantId, boutiqueId, deviceId, cashierId: 'c', number: `KAL-C01-B${i + 1}`,
      lines: Array.from({ length: 40 }, (_, j) => line(j)), tenders: [{ method: 'cash', amountMinor: 500_000 }],
      subtotalMinor: 500_000, discountMinor: 0, vatMinor: 76_280, totalMinor: 500_000, createdAt: new Date().toISOString(),
    }));
    expect(JSON.stringify(sales).length).toBeGreaterThan(4_000_000);
    await db.collections.sales!.bulkInsert(sales);
    // Each push request is handed to fetch and given a turn of the event loop to go out before
    // the next one is made: otherwise making the next (tens of milliseconds) holds it back.
    let pushes = 0;
    let previous = { wentOut: true };
    const heldBack: number[] = [];
    const handle = sync(async (url, init) => {
      if (url.includes('/api/sync/sales/push')) {
        if (!previous.wentOut) heldBack.push(pushes);
        const request = { wentOut: false };
        setTimeout(() => (request.wentOut = true), 0);
        previous = request;
        pushes += 1;
      }
      return recordingFetch(url, init);
    });
    await handle.awaitInSync();
    expect(pushes).toBeGreaterThan(2);
    expect(heldBack).toEqual([]);
    const inCloud = await api.services.databases.withTenant(api.demoTenantId, async (tx) =>
      (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM sales WHERE doc->>'number' LIKE 'KAL-C01-B%'`)).rows[0]!.n);
    expect(inCloud).toBe(500);
    expect(handle.status()).toMatchObject({ waiting: 0, lastError: null });
    // Its own sales do not come back down: at most one carries the checkpoint.
    const mine = new Set(sales.map((sale) => sale.id));
    expect(pulledSales.filter((id) => mine.has(id)).length).toBeLessThanOrEqual(1);
    // Another till's sale, numbered after all of them, still arrives.
    const other = { ...sales[0]!, id: uuidv7(), deviceId: 'autre-caisse', number: 'KAL-C02-1', lines: [] };
    await api.services.databases.withTenant(api.demoTenantId, (tx) => writeDocuments(tx, api.demoTenantId, 'sales', [other as never]));
    await waitFor(async () => (await db.collections.sales!.findOne(other.id).exec()) !== null, 5_000);
    await handle.stop();

    // The till's database is lost and rebuilt from the cloud: its own sales come back with the rest.
    const rebuiltDir = mkdtempSync(join(tmpdir(), 'afrigest-till-rebuilt-'));
    const rebuilt = await createRxDatabase({ name: 'till-rebuilt', storage: getRxStorageSQLite({ directory: rebuiltDir }), multiInstance: false });
    try {
      await rebuilt.addCollections({ sales: (TILL_COLLECTIONS as Record<string, unknown>).sales } as never);
      const again = startSync({ db: rebuilt, baseUrl: api.url, credential, fetch: fetch as unknown as FetchLike, collections: ['sales'], retryTime: 200, pollInterval: 60_000, setInterval, clearInterval: (h) => clearInterval(h as never) });
      await again.awaitInSync();
      await again.stop();
      const restored = await rebuilt.collections.sales!.find({ selector: { id: { $in: [...mine] } } }).exec();
      expect(restored).toHaveLength(500);
    } finally {
      await rebuilt.close();
      rmSync(rebuiltDir, { recursive: true, force: true });
    }
  });

  it('counts in its status the documents the cloud refused', async () => {
    // A sale written for another boutique (a till moved between boutiques with unsent sales).
    const stray = {
      id: uuidv7(), tenantId: api.demoTenantId, boutiqueId: 'autre-boutique', deviceId, cashierId: 'c', number: 'KAL-C01-X1',
      lines: [WATER], tenders: [{ method: 'cash', amountMinor: 1000 }], subtotalMinor: 1000, discountMinor: 0, vatMinor: 153, totalMinor: 1000,
      createdAt: new Date().toISOString(),
    };
    await db.collections.sales!.insert(stray);
    const handle = sync();
    await handle.awaitInSync();
    expect(handle.status()).toMatchObject({ rejected: 1, waiting: 0 });
    await handle.stop();
  });

  it('counts every document waiting to go while the cloud is unreachable, counts them down as requests go through, and sends none twice', async () => {
    const createdAt = new Date().toISOString();
    const sales = Array.from({ length: 2_500 }, (_, i) => ({
      id: uuidv7(), tenantId: api.demoTenantId, boutiqueId, deviceId, cashierId: 'c', number: `KAL-C01-W${i + 1}`,
      lines: [WATER], tenders: [{ method: 'cash', amountMinor: 1000 }], subtotalMinor: 1000, discountMinor: 0, vatMinor: 153, totalMinor: 1000, createdAt,
    }));
    const movements = Array.from({ length: 3 }, () => ({ id: uuidv7(), tenantId: api.demoTenantId, boutiqueId, productId: 'p', quantityMilli: -1000, kind: 'adjustment', reason: 'casse', deviceId, createdAt }));
    await db.collections.sales!.bulkInsert(sales);
    await db.collections.stock_movements!.bulkInsert(movements);
    // The link is dead, then lets through one push request of sales, then dies again.
    let pushesAllowed = 0;
    const sent: string[] = [];
    const link: FetchLike = async (url, init) => {
      if (url.includes('/push')) {
        if (pushesAllowed === 0 || (pushesAllowed === 1 && !url.includes('/sales/'))) throw new Error('connect ECONNREFUSED');
        pushesAllowed--;
        if (url.includes('/sales/')) sent.push(...(JSON.parse(init!.body!) as { rows: Array<{ newDocumentState: { id: string } }> }).rows.map((r) => r.newDocumentState.id));
      }
      return (fetch as unknown as FetchLike)(url, init);
    };
    const handle = startSync({ db, baseUrl: api.url, credential, fetch: link, collections: TILL, retryTime: 200, pollInterval: 60_000, setInterval, clearInterval: (h) => clearInterval(h as never) });
    await waitFor(() => handle.status().waiting === 2_503, 10_000);
    // Failed requests are retried with the same documents: the count does not grow.
    await new Promise((r) => setTimeout(r, 600));
    expect(handle.status().waiting).toBe(2_503);
    pushesAllowed = 1;
    await waitFor(() => handle.status().waiting === 1_503, 10_000);
    // RxDB retries the whole batch: what the cloud took is neither counted nor sent again.
    await new Promise((r) => setTimeout(r, 600));
    expect(handle.status().waiting).toBe(1_503);
    pushesAllowed = Infinity;
    await handle.awaitInSync();
    await waitFor(() => handle.status().waiting === 0, 5_000);
    await handle.stop();
    const delivered = await api.services.databases.withTenant(api.demoTenantId, async (tx) =>
      (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM sales WHERE id = ANY($1)`, [sales.map((s) => s.id)])).rows[0]!.n,
    );
    expect(delivered).toBe(2_500);
    expect(sent.length).toBe(2_500);
    expect(new Set(sent).size).toBe(2_500);
  });

  it('stops with a clear status when the till is revoked', async () => {
    const pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    await api.call('post', `/api/tenants/${api.demoTenantId}/devices/${deviceId}/revoke`, { token: pdg });
    const handle = sync();
    await waitFor(() => handle.status().revoked, 5_000);
    expect(handle.status().lastError).toMatch(/révoqué/);
    await handle.stop();
  });
});
