/**
 * Purchasing in the web admin, in Chromium against a real API: a pdg creates a supplier, orders
 * two products for a boutique, places the order, receives part of it then the rest at another
 * unit cost, and sees the status, the stock (read through the stock API) and each product's
 * weighted average cost (before → after) on the order; a dg receives an order of their own
 * boutique and does not see another boutique's. Screenshots (1366×768) land in
 * test/e2e/screenshots/admin-purchasing-*.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, startTestApi, type TestApi } from '../../cloud/api/test-support.js';
import { uiFr } from '../../cloud/web/admin/src/i18n/fr.js';
import { fr } from '../../shared/i18n/fr.js';
import { formatMoney } from '../../shared/money.js';
import { buildAdminApp, frenchPage, HAS_CHROMIUM, launchChromium, screenshotter, signInToAdmin } from './support/browser.js';

const WAIT = { timeout: 30_000 };
const gnf = (minor: number) => formatMoney(minor, 'GNF', 'fr-GN');
/** The weighted average as the costing rule states it (shared/costing.ts), for positive values. */
const weigh = (onHand: number, cost: number | null, qty: number, unit: number) => (cost === null || onHand <= 0 ? unit : Math.round((onHand * cost + qty * unit) / (onHand + qty)));

type ApiProduct = { id: string; name: string; barcode: string; unit: string };

describe.skipIf(!HAS_CHROMIUM)('purchasing in the web admin', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let work: string;
  let pdgToken: string;
  let tenant: string;
  let kaloum: string;
  let ratoma: string;
  let productA: ApiProduct;
  let productB: ApiProduct;
  let orderId: string;
  let supplierId: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'afrigest-purchasing-e2e-'));
    const webDir = await buildAdminApp(join(work, 'web-admin'));
    api = await startTestApi({ WEB_ADMIN_DIR: webDir });
    tenant = api.demoTenantId;
    pdgToken = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    const boutiques = (await api.call('get', `/api/tenants/${tenant}/boutiques`, { token: pdgToken })).body.boutiques as Array<{ id: string; code: string }>;
    kaloum = boutiques.find((b) => b.code === 'KAL')!.id;
    ratoma = boutiques.find((b) => b.code === 'RAT')!.id;
    const pieces = ((await api.call('get', `/api/tenants/${tenant}/products?limit=200&sort=barcode`, { token: pdgToken })).body.products as ApiProduct[]).filter((p) => p.unit === 'piece');
    [productA, productB] = [pieces[0]!, pieces[1]!];
    // Product A has a cost from earlier purchases, product B none yet: both cases of the rule show.
    await api.services.databases.withTenant(tenant, (tx) =>
      tx.query(`UPDATE products SET cost_minor = CASE id WHEN $2 THEN 1800 END WHERE tenant_id = $1 AND id IN ($2, $3)`, [tenant, productA.id, productB.id]),
    );
    browser = await launchChromium();
    ({ page } = await frenchPage(browser));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const byTestId = (id: string) => page.getByTestId(id);
  const shot = (name: string, fullPage = false) => screenshotter(page, 'admin-purchasing')(name, { fullPage });
  const stockAt = async (boutiqueId: string, productId: string) => {
    const res = await api.call('get', `/api/tenants/${tenant}/stock?boutiqueId=${boutiqueId}&limit=1000`, { token: pdgToken });
    return Number(res.body.stock.find((s: { productId: string }) => s.productId === productId)?.quantityMilli ?? 0);
  };
  const companyStock = async (productId: string) => (await stockAt(kaloum, productId)) + (await stockAt(ratoma, productId));
  const costOf = (productId: string) =>
    api.services.databases.withTenant(tenant, async (tx) => {
      const { rows } = await tx.query<{ cost: string | null }>(`SELECT cost_minor AS cost FROM products WHERE tenant_id = $1 AND id = $2`, [tenant, productId]);
      return rows[0]!.cost === null ? null : Number(rows[0]!.cost);
    });
  const row = (testId: string, barcode: string) => page.locator(`[data-testid=${testId}][data-barcode="${barcode}"]`);
  async function signOut() {
    await byTestId('sign-out').click();
    await byTestId('signin-form').waitFor();
  }

  it('as a pdg: a supplier, an order of two products, placed, received in two parts at two costs', { timeout: 300_000 }, async () => {
    await page.goto(`${api.url}/app/`);
    await signInToAdmin(page, DEMO_USERS.pdg.email, DEMO_USERS.pdg.password);
    await byTestId('menu').waitFor();
    const menu = await byTestId('menu').locator('a').allTextContents();
    expect(menu).toEqual(expect.arrayContaining([uiFr.suppliers.title, uiFr.purchaseOrders.title]));

    // A supplier: the form refuses an empty name in French, then saves.
    await byTestId('menu-suppliers').click();
    await byTestId('suppliers-screen').waitFor();
    await byTestId('supplier-new').click();
    await byTestId('supplier-save').click();
    await expect.poll(() => byTestId('supplier-name-error').textContent()).toBe(uiFr.supplierForm.nameRequired);
    await byTestId('supplier-name').fill('Sodiak Distribution');
    await byTestId('supplier-contact').fill('Alpha Condé');
    await byTestId('supplier-phone').fill('+224 622 11 22 33');
    await byTestId('supplier-email').fill('ventes@sodiak.gn');
    await byTestId('supplier-address').fill('Zone industrielle, Matoto, Conakry');
    await shot('supplier-form');
    await byTestId('supplier-save').click();
    await expect.poll(() => byTestId('suppliers-flash').textContent(), WAIT).toBe(uiFr.suppliers.saved.replace('{{name}}', 'Sodiak Distribution'));
    await expect.poll(() => page.locator('[data-testid=supplier-row]').count()).toBe(1);
    await byTestId('suppliers-search').fill('sodiak');
    await expect.poll(() => page.url()).toContain('q=sodiak');
    await shot('suppliers');
    const suppliers = await api.call('get', `/api/tenants/${tenant}/suppliers?q=sodiak`, { token: pdgToken });
    supplierId = suppliers.body.suppliers[0].id;

    // An order for Ratoma: products found by the catalogue's search, added with Enter.
    await byTestId('menu-purchase-orders').click();
    await byTestId('purchase-orders-screen').waitFor();
    await byTestId('purchase-order-new').click();
    await byTestId('order-form-screen').waitFor();
    await byTestId('order-supplier').selectOption({ label: 'Sodiak Distribution' });
    await byTestId('order-boutique').selectOption(ratoma);
    for (const [product, quantity, cost] of [[productA, '10', '2000'], [productB, '6', '3000']] as const) {
      await byTestId('order-product-search').fill(product.barcode);
      await row('order-product-hit', product.barcode).waitFor();
      await byTestId('order-product-search').press('Enter');
      await row('order-line', product.barcode).waitFor();
      // The new line's quantity has the focus: typed straight away.
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('order-line-quantity');
      await row('order-line', product.barcode).getByTestId('order-line-quantity').fill(quantity);
      await row('order-line', product.barcode).getByTestId('order-line-cost').fill(cost);
    }
    await expect.poll(() => byTestId('order-total').textContent()).toBe(gnf(10 * 2000 + 6 * 3000));
    await shot('order-form');
    await byTestId('order-save').click();
    await byTestId('order-screen').waitFor();
    orderId = decodeURIComponent(page.url().split('/commandes-achat/')[1]!);
    await expect.poll(() => byTestId('order-status').textContent()).toBe(uiFr.purchaseOrders.statuses.draft);
    await byTestId('order-place').click();
    await expect.poll(() => byTestId('order-status').textContent(), WAIT).toBe(uiFr.purchaseOrders.statuses.ordered);
    await shot('order-ordered');

    // Part: 4 of A at the ordered cost, nothing of B.
    const stockA = await stockAt(ratoma, productA.id);
    const stockB = await stockAt(ratoma, productB.id);
    const onHandA1 = await companyStock(productA.id);
    await byTestId('order-receive').click();
    await byTestId('reception-screen').waitFor();
    expect(await row('reception-row', productA.barcode).getByTestId('reception-quantity').inputValue()).toBe('10');
    expect(await row('reception-row', productA.barcode).getByTestId('reception-cost').inputValue()).toBe('2000');
    expect(await row('reception-row', productB.barcode).getByTestId('reception-quantity').inputValue()).toBe('6');
    expect(await row('reception-row', productB.barcode).getByTestId('reception-cost').inputValue()).toBe('3000');
    // More than remains is refused on the screen, before any call.
    await row('reception-row', productA.barcode).getByTestId('reception-quantity').fill('11');
    await byTestId('reception-submit').click();
    await expect.poll(() => byTestId('reception-error').textContent()).toBe(uiFr.reception.fix);
    await row('reception-row', productA.barcode).getByTestId('reception-quantity').fill('4');
    await row('reception-row', productB.barcode).getByTestId('reception-quantity').fill('0');
    await shot('reception-form');
    await byTestId('reception-submit').click();
    await byTestId('order-screen').waitFor();
    await expect.poll(() => byTestId('order-status').textContent(), WAIT).toBe(uiFr.purchaseOrders.statuses.partly_received);
    expect(await byTestId('order-flash').textContent()).toBe(uiFr.purchaseOrder.received);
    expect(await stockAt(ratoma, productA.id)).toBe(stockA + 4_000);
    expect(await stockAt(ratoma, productB.id)).toBe(stockB);
    const costA1 = weigh(onHandA1, 1800, 4_000, 2000);
    expect(await costOf(productA.id)).toBe(costA1);
    const firstChange = page.locator('[data-testid=order-reception]').nth(0).locator(`[data-testid=reception-line][data-barcode="${productA.barcode}"] [data-testid=cost-change]`);
    expect(await firstChange.textContent()).toBe(`${gnf(1800)} → ${gnf(costA1)}`);
    expect(await row('order-detail-line', productA.barcode).getByTestId('line-cost').textContent()).toBe(gnf(costA1));
    await shot('order-partly-received', true);

    // The rest, A at a new cost: the average weighs the stock now on hand, the first receipt included.
    const onHandA2 = await companyStock(productA.id);
    const onHandB2 = await companyStock(productB.id);
    await byTestId('order-receive').click();
    await byTestId('reception-screen').waitFor();
    expect(await row('reception-row', productA.barcode).getByTestId('reception-quantity').inputValue()).toBe('6');
    await row('reception-row', productA.barcode).getByTestId('reception-cost').fill('2 600');
    await byTestId('reception-submit').click();
    await byTestId('order-screen').waitFor();
    await expect.poll(() => byTestId('order-status').textContent(), WAIT).toBe(uiFr.purchaseOrders.statuses.received);
    expect(await stockAt(ratoma, productA.id)).toBe(stockA + 10_000);
    expect(await stockAt(ratoma, productB.id)).toBe(stockB + 6_000);
    const costA2 = weigh(onHandA2, costA1, 6_000, 2600);
    const costB2 = weigh(onHandB2, null, 6_000, 3000);
    expect(await costOf(productA.id)).toBe(costA2);
    expect(await costOf(productB.id)).toBe(costB2);
    const second = page.locator('[data-testid=order-reception]').nth(1);
    expect(await second.locator(`[data-testid=reception-line][data-barcode="${productA.barcode}"] [data-testid=cost-change]`).textContent()).toBe(`${gnf(costA1)} → ${gnf(costA2)}`);
    expect(await second.locator(`[data-testid=reception-line][data-barcode="${productB.barcode}"] [data-testid=cost-change]`).textContent()).toBe(`${uiFr.purchaseOrder.noCost} → ${gnf(costB2)}`);
    expect(await row('order-detail-line', productA.barcode).getByTestId('line-cost').textContent()).toBe(gnf(costA2));
    expect(await row('order-detail-line', productB.barcode).getByTestId('line-cost').textContent()).toBe(gnf(costB2));
    expect(await row('order-detail-line', productA.barcode).getByTestId('line-received').textContent()).toBe('10 pièces');
    expect(await byTestId('order-received-amount').textContent()).toBe(gnf(4 * 2000 + 6 * 2600 + 6 * 3000));
    expect(await page.locator('[data-testid=order-receive]').count()).toBe(0);
    await shot('order-received', true);

    // The list, filtered by status and supplier.
    await byTestId('menu-purchase-orders').click();
    await byTestId('purchase-orders-screen').waitFor();
    await byTestId('orders-status').selectOption('received');
    await byTestId('orders-supplier').selectOption(supplierId);
    await expect.poll(() => page.locator('[data-testid=purchase-order-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).toEqual(['received']);
    await shot('orders-list');
    await signOut();
  });

  it('as a dg: receives an order of their boutique, and does not see another boutique’s', { timeout: 120_000 }, async () => {
    const created = await api.call('post', `/api/tenants/${tenant}/purchase-orders`, {
      token: pdgToken, body: { supplierId, boutiqueId: kaloum, lines: [{ productId: productB.id, quantityMilli: 5_000, unitCostMinor: 3_200 }] },
    });
    expect(created.status).toBe(201);
    expect((await api.call('post', `/api/tenants/${tenant}/purchase-orders/${created.body.order.id}/order`, { token: pdgToken })).status).toBe(200);
    const before = await stockAt(kaloum, productB.id);
    const onHand = await companyStock(productB.id);
    const cost = await costOf(productB.id);

    await signInToAdmin(page, DEMO_USERS.dg.email, DEMO_USERS.dg.password);
    await byTestId('menu-purchase-orders').click();
    await byTestId('purchase-orders-screen').waitFor();
    await expect.poll(() => page.locator('[data-testid=purchase-order-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number'))), WAIT).toEqual([created.body.order.number]);
    await shot('dg-orders');
    await page.locator('[data-testid=purchase-order-row]').first().click();
    await byTestId('order-receive').click();
    await byTestId('reception-screen').waitFor();
    await shot('dg-reception');
    await byTestId('reception-submit').click();
    await byTestId('order-screen').waitFor();
    await expect.poll(() => byTestId('order-status').textContent(), WAIT).toBe(uiFr.purchaseOrders.statuses.received);
    expect(await stockAt(kaloum, productB.id)).toBe(before + 5_000);
    const after = weigh(onHand, cost, 5_000, 3_200);
    expect(await costOf(productB.id)).toBe(after);
    expect(await row('order-detail-line', productB.barcode).getByTestId('line-cost').textContent()).toBe(gnf(after));

    // Another boutique's order, by its address: refused in French.
    await page.goto(`${api.url}/app/commandes-achat/${encodeURIComponent(orderId)}`);
    await expect.poll(() => byTestId('order-error').textContent(), WAIT).toBe(fr.errors.BOUTIQUE_OUT_OF_SCOPE);
    await shot('dg-refused');
  });
});
