/**
 * A transfer between two boutiques, from the back office to the receiving boutique's till: a pdg
 * creates and sends it in the admin (Kaloum → Ratoma); the Ratoma till has it by the sync, then
 * the cloud goes down and the till confirms the reception offline, one line short with its
 * reason; its stock moves at once. The cloud comes back, the till syncs: both boutiques' stock in
 * the cloud and the till's stock screen are right, each movement exactly once, and the admin
 * shows the transfer received with the difference.
 * Screenshots land in test/e2e/screenshots/admin-transfers-*.png and till-transfers-*.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCatalogue } from '../../cloud/api/demo/catalogue.js';
import { DEMO_USERS, startTestApi, type TestApi } from '../../cloud/api/test-support.js';
import { uiFr } from '../../cloud/web/admin/src/i18n/fr.js';
import type { StockMovement } from '../../shared/schema/stock-movements.js';
import type { Transfer } from '../../shared/schema/transfers.js';
import { buildAdminApp, buildTillRenderer, frenchPage, HAS_CHROMIUM, launchChromium, screenshotter, signInToAdmin } from './support/browser.js';
import { killTill, startTill, type Till } from './support/till.js';

const WAIT = { timeout: 30_000 };

describe.skipIf(!HAS_CHROMIUM)('a transfer from the admin to the receiving till, received offline', () => {
  let api: TestApi;
  let till: Till | undefined;
  let browser: Browser;
  let admin: Page;
  let counter: Page;
  let work: string;
  let kaloum: string;
  let ratoma: string;
  let productIds: string[];
  let before: { kaloum: number[]; ratoma: number[] };
  let transferId = '';
  let transferNumber = '';

  // Two products sold by the piece, 5 and 3 of them sent; 4 and 3 arrive.
  const [first, second] = demoCatalogue().filter((p) => p.unit === 'piece').slice(2, 4) as [ReturnType<typeof demoCatalogue>[number], ReturnType<typeof demoCatalogue>[number]];
  const SENT = [5_000, 3_000];
  const RECEIVED = [4_000, 3_000];
  const REASON = 'Un carton écrasé pendant le transport';

  const level = (boutiqueId: string, productId: string) =>
    api.services.databases.withTenant(api.demoTenantId, async (tx) =>
      Number((await tx.query<{ q: string }>('SELECT quantity_milli AS q FROM stock_levels WHERE tenant_id = $1 AND boutique_id = $2 AND product_id = $3', [api.demoTenantId, boutiqueId, productId])).rows[0]?.q ?? 0),
    );
  const levels = async (boutiqueId: string) => Promise.all(productIds.map((id) => level(boutiqueId, id)));

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'afrigest-transfers-e2e-'));
    const [webDir, rendererDir] = await Promise.all([buildAdminApp(join(work, 'web-admin')), buildTillRenderer(join(work, 'renderer'))]);
    api = await startTestApi({ WEB_ADMIN_DIR: webDir }, { persistent: true });
    till = await startTill({ TILL_DIR: join(work, 'till'), CLOUD_URL: api.url, RENDERER_DIR: rendererDir });
    browser = await launchChromium();
    ({ page: admin } = await frenchPage(browser));
    ({ page: counter } = await frenchPage(browser));
    const pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    const boutiques = (await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg })).body.boutiques as Array<{ id: string; code: string }>;
    kaloum = boutiques.find((b) => b.code === 'KAL')!.id;
    ratoma = boutiques.find((b) => b.code === 'RAT')!.id;
    const byBarcode = await api.services.databases.withTenant(api.demoTenantId, async (tx) =>
      (await tx.query<{ id: string; barcode: string }>(`SELECT id, doc->>'barcode' AS barcode FROM products WHERE tenant_id = $1 AND doc->>'barcode' = ANY($2)`, [api.demoTenantId, [first.barcode, second.barcode]])).rows,
    );
    productIds = [first, second].map((p) => byBarcode.find((r) => r.barcode === p.barcode)!.id);

    // The Ratoma till is enrolled as pos.e2e does it, and a pdg signs in at the counter.
    const issued = await api.call('post', `/api/tenants/${api.demoTenantId}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId: ratoma, deviceName: 'Caisse Ratoma' } });
    await counter.goto(till.openUrl);
    await counter.getByTestId('enrol-form').waitFor();
    await counter.getByTestId('enrol-tenant').fill('demo');
    await counter.getByTestId('enrol-code').fill(issued.body.code as string);
    await counter.getByTestId('enrol-submit').click();
    await counter.getByTestId('signin-form').waitFor({ timeout: 60_000 });
    await counter.getByTestId('signin-email').fill(DEMO_USERS.pdg.email);
    await counter.getByTestId('signin-password').fill(DEMO_USERS.pdg.password);
    await counter.getByTestId('signin-submit').click();
    await counter.getByTestId('sale-screen').waitFor();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (till) await killTill(till, 'SIGTERM');
    await api?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const adminShot = (name: string) => screenshotter(admin, 'admin-transfers')(name);
  const tillShot = (name: string) => screenshotter(counter, 'till-transfers')(name);

  it('creates and sends a transfer from Kaloum to Ratoma in the admin, and the source’s stock leaves once', { timeout: 180_000 }, async () => {
    before = { kaloum: await levels(kaloum), ratoma: await levels(ratoma) };
    await admin.goto(`${api.url}/app/`);
    await signInToAdmin(admin, DEMO_USERS.pdg.email, DEMO_USERS.pdg.password);
    await admin.getByTestId('menu-transfers').click();
    await admin.getByTestId('transfers-screen').waitFor();
    await expect.poll(() => admin.getByTestId('transfers-empty').textContent(), WAIT).toBe(uiFr.transfers.emptyAll);
    await adminShot('list-empty');

    await admin.getByTestId('transfer-new').click();
    await admin.getByTestId('transfer-form').waitFor();
    await admin.getByTestId('transfer-from').selectOption(kaloum);
    await admin.getByTestId('transfer-to').selectOption(ratoma);
    // Refused before anything is sent: no line yet.
    await admin.getByTestId('transfer-save').click();
    await expect.poll(() => admin.getByTestId('transfer-form-error').textContent(), WAIT).toBe(uiFr.transfers.linesRequired);
    // By the keyboard: the barcode in the search, Enter picks it, the quantity, Enter back to the search.
    for (const [i, product] of [first, second].entries()) {
      await admin.getByTestId('transfer-product-search').fill(product.barcode);
      await admin.getByTestId('transfer-product-result').first().waitFor();
      await admin.keyboard.press('Enter');
      await expect.poll(() => admin.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('transfer-line-quantity');
      await admin.keyboard.type(String(SENT[i]! / 1000));
      await admin.keyboard.press('Enter');
    }
    await admin.getByTestId('transfer-note').fill('Réassort du week-end');
    await expect(admin.getByTestId('transfer-line').count()).resolves.toBe(2);
    await adminShot('form');
    await admin.getByTestId('transfer-save').click();

    await admin.getByTestId('transfer-detail').waitFor();
    await expect.poll(() => admin.getByTestId('transfer-status').textContent(), WAIT).toBe(uiFr.transfers.status.draft);
    transferId = decodeURIComponent(new URL(admin.url()).pathname.split('/').pop()!);
    await admin.getByTestId('transfer-send').click();
    await expect.poll(() => admin.getByTestId('transfer-status').textContent(), WAIT).toBe(uiFr.transfers.status.sent);
    await adminShot('sent');
    const stored = (await api.call('get', `/api/tenants/${api.demoTenantId}/transfers/${transferId}`, { token: (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken })).body.transfer as Transfer;
    transferNumber = stored.number;
    expect(stored).toMatchObject({ status: 'sent', fromBoutiqueId: kaloum, toBoutiqueId: ratoma, note: 'Réassort du week-end' });
    expect(stored.lines.map((l) => [l.productId, l.quantityMilli])).toEqual(productIds.map((id, i) => [id, SENT[i]]));
    expect(await levels(kaloum)).toEqual(before.kaloum.map((q, i) => q - SENT[i]!));
    expect(await levels(ratoma)).toEqual(before.ratoma);

    await admin.getByTestId('menu-transfers').click();
    await expect.poll(() => admin.locator(`[data-testid=transfer-row][data-number="${transferNumber}"]`).getAttribute('data-status'), WAIT).toBe('sent');
    await adminShot('list');
  });

  it('receives it at the Ratoma till with the cloud down, one line short with its reason, and the till’s stock moves at once', { timeout: 180_000 }, async () => {
    // The transfer reached the till by the sync while the cloud was up (F7: the transfers screen).
    await counter.keyboard.press('F7');
    await counter.getByTestId('transfers-screen').waitFor();
    const row = counter.locator(`[data-testid=transfer-row][data-number="${transferNumber}"]`);
    await expect.poll(() => row.getAttribute('data-status'), WAIT).toBe('sent');

    await api.stop();
    await expect.poll(() => counter.getByTestId('sync-badge').getAttribute('data-online'), WAIT).toBe('false');
    const tillBefore = await tillStock();
    await tillShot('list-offline');

    await row.getByTestId('transfer-receive').click();
    await counter.getByTestId('transfer-receive-dialog').waitFor();
    const quantities = counter.getByTestId('transfer-line-received');
    await quantities.first().fill(String(RECEIVED[0]! / 1000));
    // A difference without its reason is refused, in French.
    await counter.getByTestId('transfer-receive-submit').click();
    await expect.poll(() => counter.getByTestId('transfer-receive-error').textContent(), WAIT).toContain(first.name);
    await counter.getByTestId('transfer-line-reason').first().fill(REASON);
    await tillShot('reception');
    await counter.getByTestId('transfer-receive-submit').click();
    await counter.getByTestId('transfer-receive-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => row.getAttribute('data-status'), WAIT).toBe('received');
    await counter.getByTestId('transfers-notice').waitFor();
    await tillShot('received-offline');
    // Offline still: the stock screen already counts what arrived.
    expect(await tillStock()).toEqual(tillBefore.map((q, i) => q + RECEIVED[i]!));
    await expect.poll(async () => Number(await counter.getByTestId('sync-waiting').getAttribute('data-count')), WAIT).toBeGreaterThan(0);
  });

  it('syncs once the cloud is back: both boutiques’ stock right, each movement once, and the admin shows the difference', { timeout: 180_000 }, async () => {
    await api.restart();
    await expect.poll(() => counter.getByTestId('sync-badge').getAttribute('data-online'), { timeout: 60_000 }).toBe('true');
    await expect.poll(async () => Number(await counter.getByTestId('sync-waiting').getAttribute('data-count')), { timeout: 60_000 }).toBe(0);

    const pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    await expect
      .poll(async () => (await api.call('get', `/api/tenants/${api.demoTenantId}/transfers/${transferId}`, { token: pdg })).body.transfer as Transfer, WAIT)
      .toMatchObject({ status: 'received', receivedVia: 'till' });
    const transfer = (await api.call('get', `/api/tenants/${api.demoTenantId}/transfers/${transferId}`, { token: pdg })).body.transfer as Transfer;
    expect(transfer.lines.map((l) => [l.receivedMilli, l.reason ?? null])).toEqual([[RECEIVED[0], REASON], [RECEIVED[1], null]]);
    expect(await levels(kaloum)).toEqual(before.kaloum.map((q, i) => q - SENT[i]!));
    expect(await levels(ratoma)).toEqual(before.ratoma.map((q, i) => q + RECEIVED[i]!));
    const movements = await api.services.databases.withTenant(api.demoTenantId, async (tx) =>
      (await tx.query<{ doc: StockMovement }>(`SELECT doc FROM stock_movements WHERE tenant_id = $1 AND doc->>'refId' = $2 ORDER BY id`, [api.demoTenantId, transferId])).rows.map((r) => r.doc),
    );
    expect(movements.map((m) => [m.kind, m.boutiqueId, m.quantityMilli])).toEqual([
      ['transfer_in', ratoma, RECEIVED[0]], ['transfer_in', ratoma, RECEIVED[1]], ['transfer_out', kaloum, -SENT[0]!], ['transfer_out', kaloum, -SENT[1]!],
    ]);
    // The till's stock screen agrees with the cloud; the till shows the cloud's word (no longer waiting).
    expect(await tillStock()).toEqual(await levels(ratoma));
    await counter.keyboard.press('F7');
    await counter.getByTestId('transfers-screen').waitFor();
    await expect.poll(() => counter.locator(`[data-testid=transfer-row][data-number="${transferNumber}"]`).textContent(), WAIT).toContain('avec écarts');
    await expect.poll(() => counter.locator(`[data-testid=transfer-row][data-number="${transferNumber}"]`).textContent(), WAIT).not.toContain('en attente');
    await tillShot('received-synced');

    await admin.goto(`${api.url}/app/transferts/${transferId}`);
    await admin.getByTestId('transfer-detail').waitFor();
    await expect.poll(() => admin.getByTestId('transfer-status').textContent(), WAIT).toBe(uiFr.transfers.status.received);
    await expect(admin.getByTestId('transfer-line-reason').first().textContent()).resolves.toBe(REASON);
    await expect(admin.getByTestId('transfer-line-difference').first().textContent()).resolves.toBe('−1');
    await expect(admin.getByTestId('transfer-received-at').textContent()).resolves.toContain(uiFr.transfers.via.till);
    await admin.getByTestId('transfer-differences').waitFor();
    await adminShot('received');
    await admin.goto(`${api.url}/app/transferts?statut=received`);
    await expect.poll(() => admin.getByTestId('transfer-row').count(), WAIT).toBe(1);
    await adminShot('list-received');
  });

  it('receives another transfer in the admin itself, nothing of one line arrived, with the reason required first', { timeout: 120_000 }, async () => {
    const pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    const created = await api.call('post', `/api/tenants/${api.demoTenantId}/transfers`, {
      token: pdg, body: { fromBoutiqueId: kaloum, toBoutiqueId: ratoma, lines: productIds.map((productId) => ({ productId, quantityMilli: 2_000 })) },
    });
    const id = created.body.transfer.id as string;
    expect((await api.call('post', `/api/tenants/${api.demoTenantId}/transfers/${id}/send`, { token: pdg })).status).toBe(200);
    const ratomaBefore = await levels(ratoma);

    await admin.goto(`${api.url}/app/transferts/${id}`);
    await admin.getByTestId('transfer-receive').click();
    await admin.getByTestId('transfer-reception').waitFor();
    await admin.getByTestId('transfer-reception-quantity').nth(1).fill('0');
    await admin.getByTestId('transfer-reception-submit').click();
    await expect.poll(() => admin.getByTestId('transfer-reception-error').textContent(), WAIT).toBe(uiFr.transfers.reasonRequired.replace('{{name}}', second.name));
    await admin.getByTestId('transfer-reception-reason').nth(1).fill('Colis absent à l’arrivée');
    await adminShot('reception');
    await admin.getByTestId('transfer-reception-submit').click();
    await expect.poll(() => admin.getByTestId('transfer-status').textContent(), WAIT).toBe(uiFr.transfers.status.received);
    await expect(admin.getByTestId('transfer-line-difference').nth(1).textContent()).resolves.toBe('−2');
    expect(await levels(ratoma)).toEqual([ratomaBefore[0]! + 2_000, ratomaBefore[1]!]);
    // The till pulls the manager's reception: its movements and the transfer, received.
    await expect.poll(async () => (await tillStock())[0], WAIT).toBe(ratomaBefore[0]! + 2_000);
    const number = created.body.transfer.number as string;
    await expect.poll(() => counter.locator(`[data-testid=transfer-row][data-number="${number}"]`).getAttribute('data-status'), WAIT).toBe('received');
  });

  /** The till's stock screen, as the counter shows it, for the transfer's two products. */
  async function tillStock(): Promise<number[]> {
    await counter.getByTestId('nav-stock').click();
    await counter.getByTestId('stock-screen').waitFor();
    const out: number[] = [];
    for (const product of [first, second]) {
      await counter.getByTestId('stock-search').fill(product.name);
      const row = counter.locator(`[data-testid=stock-row][data-barcode="${product.barcode}"]`);
      await row.waitFor();
      out.push(Number(await row.getAttribute('data-on-hand')));
    }
    await counter.getByTestId('stock-search').fill('');
    await counter.keyboard.press('F7');
    await counter.getByTestId('transfers-screen').waitFor();
    return out;
  }
});
