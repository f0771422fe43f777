/**
 * Online orders from the customer's phone to the boutique's counter, in Chromium: a customer
 * orders on the storefront (stock shown) and pays by card on the simulated provider page; a pdg
 * finds the order in the admin, starts preparing it, a dg (of the fulfilment boutique) marks it
 * ready, the pdg marks it picked up; the customer's tracking page shows each status in French.
 * The fulfilment boutique's stock is decremented exactly once (stock levels and the movements a
 * till pulls, both through the API). A second paid order is cancelled in the admin: refunded,
 * its stock given back. Screenshots: test/e2e/screenshots/admin-orders-*.png, storefront-orders-*.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, startTestApi, type TestApi } from '../../cloud/api/test-support.js';
import { startPaymentSimulators, type PaymentSimulators } from '../../cloud/payments/simulators/index.js';
import { uiFr } from '../../cloud/web/admin/src/i18n/fr.js';
import { buildAdminApp, frenchPage, HAS_CHROMIUM, launchChromium, screenshotter, signInToAdmin } from './support/browser.js';

const WAIT = { timeout: 30_000 };

describe.skipIf(!HAS_CHROMIUM)('online orders: storefront, payment, preparation in the admin', () => {
  let api: TestApi;
  let sims: PaymentSimulators;
  let browser: Browser;
  let work: string;
  let pdgToken: string;
  let kaloum: string;
  let till: string;
  let customer: { context: BrowserContext; page: Page };
  let pdg: { context: BrowserContext; page: Page };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'afrigest-orders-e2e-'));
    const webDir = await buildAdminApp(join(work, 'web-admin'));
    sims = await startPaymentSimulators({ port: 0 });
    api = await startTestApi({
      WEB_ADMIN_DIR: webDir,
      STRIPE_API_BASE_URL: sims.urls.stripe,
      PAYPAL_API_BASE_URL: sims.urls.paypal,
      MTN_MOMO_BASE_URL: sims.urls.mtnMomo,
      ORANGE_MOMO_BASE_URL: sims.urls.orangeMoney,
      PAYMENT_APPLY_EVERY: '1s',
    });
    sims.sendWebhooksTo(api.url, api.demoTenantId);
    pdgToken = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    const boutiques = (await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdgToken })).body.boutiques as Array<{ id: string; code: string }>;
    kaloum = boutiques.find((b) => b.code === 'KAL')!.id;
    // A till of the fulfilment boutique: the order's movements must reach it.
    const code = await api.call('post', `/api/tenants/${api.demoTenantId}/devices/enrolment-codes`, { token: pdgToken, body: { boutiqueId: kaloum, deviceName: 'Caisse comptoir' } });
    till = `Device ${(await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } })).body.credential}`;
    browser = await launchChromium();
    customer = await frenchPage(browser, { width: 1366, height: 768 });
    pdg = await frenchPage(browser);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await sims?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const stockAtKaloum = async (productId: string) => {
    const answer = await api.call('get', `/api/tenants/${api.demoTenantId}/stock?boutiqueId=${kaloum}&limit=1000`, { token: pdgToken });
    expect(answer.status).toBe(200);
    return Number((answer.body.stock as Array<{ productId: string; quantityMilli: string | number }>).find((s) => s.productId === productId)?.quantityMilli ?? 0);
  };

  /** The stock movements of an order, as the fulfilment boutique's till pulls them. */
  const tillMovements = async (orderId: string) => {
    const found: Array<{ id: string; kind: string; quantityMilli: number; boutiqueId: string }> = [];
    for (let seq = 0; ;) {
      const page = await api.call('get', `/api/sync/stock_movements/pull?seq=${seq}&limit=200`, { token: till });
      expect(page.status).toBe(200);
      if (page.body.documents.length === 0) return found;
      found.push(...page.body.documents.filter((d: { refId?: string }) => d.refId === orderId));
      seq = page.body.checkpoint.seq;
    }
  };

  /** Orders `quantity` of the first product and pays by card; answers the order id and product. */
  async function orderAndPay(quantity: number, shots: boolean) {
    const page = customer.page;
    const shot = screenshotter(page, 'storefront-orders');
    await page.goto(`${api.url}/boutique/demo`);
    const first = page.getByTestId('product').first();
    await first.waitFor();
    const productName = (await first.locator('h3').textContent())!;
    const available = Number(await first.getAttribute('data-available'));
    expect(await first.getByTestId('stock').textContent()).toBe(`En stock : ${available}`);
    for (let i = 0; i < quantity; i++) await first.getByTestId('add').click();
    await expect.poll(() => page.getByTestId('cart').locator('tr').count()).toBe(1);
    if (shots) await shot('catalogue');
    await page.getByLabel('Nom complet').fill('Kadiatou Bah');
    await page.getByLabel('Téléphone').fill('622 45 67 89');
    await page.locator('input[name=provider][value=stripe]').check();
    await page.getByRole('button', { name: 'Commander et payer' }).click();
    await page.waitForURL(new RegExp(`^${sims.urls.stripe}`), WAIT);
    await page.getByRole('button', { name: /Payer/ }).click();
    await page.waitForURL(/\/boutique\/demo\/commande\//, WAIT);
    await expect.poll(() => page.getByTestId('payment-status').getAttribute('data-status'), WAIT).toBe('paid');
    expect(await page.getByTestId('fulfilment-status').textContent()).toBe('Reçue');
    if (shots) await shot('paid');
    const orderId = new URL(page.url()).pathname.split('/').pop()!;
    const shop = (await api.call('get', '/api/storefront/demo?limit=200')).body.products as Array<{ id: string; name: string; available: number }>;
    const product = shop.find((p) => p.name === productName)!;
    expect(product.available).toBe(available - quantity);
    return { orderId, productId: product.id, available };
  }

  /** The customer's tracking page, reloaded: the status it shows in French. */
  async function tracked(orderId: string): Promise<string> {
    await customer.page.goto(`${api.url}/boutique/demo/commande/${orderId}`);
    await customer.page.getByTestId('fulfilment-status').waitFor();
    return (await customer.page.getByTestId('fulfilment-status').textContent()) ?? '';
  }

  async function openOrder(page: Page, number: string) {
    await page.goto(`${api.url}/app/commandes`);
    await page.getByTestId('orders-search').fill(number);
    const row = page.locator(`[data-testid=order-row][data-number="${number}"]`);
    await row.waitFor(WAIT);
    await row.click();
    await expect.poll(() => page.getByTestId('order-number').textContent(), WAIT).toBe(`Commande ${number}`);
  }

  const fulfilmentBadge = (page: Page) => page.getByTestId('order-detail').locator('.statuses [data-testid=fulfilment-badge]').getAttribute('data-status');

  it('takes an order from the storefront to the counter, stock decremented once', async () => {
    const { orderId, productId } = await orderAndPay(2, true);
    const stockBefore = await stockAtKaloum(productId);
    const number = (await api.call('get', `/api/tenants/${api.demoTenantId}/ecommerce/orders/${orderId}`)).body.order.number as string;

    // The pdg finds it in the admin.
    const page = pdg.page;
    const shot = screenshotter(page, 'admin-orders');
    await page.goto(`${api.url}/app/`);
    await signInToAdmin(page, DEMO_USERS.pdg.email, DEMO_USERS.pdg.password);
    await page.getByTestId('menu-ecommerce.orders').click();
    expect(await page.getByTestId('menu-ecommerce.orders').textContent()).toBe(uiFr.orders.menu);
    const row = page.locator(`[data-testid=order-row][data-number="${number}"]`);
    await row.waitFor(WAIT);
    expect(await row.getAttribute('data-status')).toBe('new');
    await expect.poll(() => page.getByTestId('fulfilment-boutique').locator('option:checked').textContent(), WAIT).toBe('AfriGest Kaloum');
    await shot('list');
    await page.getByTestId('orders-status').selectOption('new');
    await row.waitFor(WAIT);
    await page.getByTestId('orders-status').selectOption('');

    await row.click();
    await expect.poll(() => page.getByTestId('order-number').textContent(), WAIT).toBe(`Commande ${number}`);
    expect(await page.getByTestId('order-customer').textContent()).toContain('Kadiatou Bah');
    expect(await page.getByTestId('order-payment').textContent()).toContain('Carte bancaire (Stripe)');
    expect(await page.getByTestId('order-payment').locator('[data-testid=payment-badge]').textContent()).toBe('Payée');
    await shot('detail');

    await page.getByTestId('step-preparing').click();
    await expect.poll(() => fulfilmentBadge(page), WAIT).toBe('preparing');
    await shot('preparing');
    expect(await tracked(orderId)).toBe('En préparation');
    await screenshotter(customer.page, 'storefront-orders')('preparing');

    // The dg of Kaloum, the fulfilment boutique, takes the next step.
    const dg = await frenchPage(browser);
    await dg.page.goto(`${api.url}/app/`);
    await signInToAdmin(dg.page, DEMO_USERS.dg.email, DEMO_USERS.dg.password);
    await dg.page.getByTestId('menu-ecommerce.orders').waitFor();
    // A dg sees the fulfilment boutique but may not change it.
    await dg.page.getByTestId('menu-ecommerce.orders').click();
    await expect.poll(() => dg.page.getByTestId('fulfilment-boutique-name').textContent(), WAIT).toBe('AfriGest Kaloum');
    await openOrder(dg.page, number);
    await dg.page.getByTestId('step-ready').click();
    await expect.poll(() => fulfilmentBadge(dg.page), WAIT).toBe('ready');
    await screenshotter(dg.page, 'admin-orders')('ready-by-dg');
    await dg.context.close();
    expect(await tracked(orderId)).toBe('Prête à retirer');
    await screenshotter(customer.page, 'storefront-orders')('ready');

    await page.reload();
    await expect.poll(() => fulfilmentBadge(page), WAIT).toBe('ready');
    await page.getByTestId('step-picked_up').click();
    await expect.poll(() => fulfilmentBadge(page), WAIT).toBe('picked_up');
    expect(await page.getByTestId('order-actions').count()).toBe(0);
    await shot('picked-up');
    expect(await tracked(orderId)).toBe('Retirée');
    await screenshotter(customer.page, 'storefront-orders')('picked-up');

    // Exactly once: the stock did not move again after the payment, and one sale movement exists.
    expect(await stockAtKaloum(productId)).toBe(stockBefore);
    const movements = await tillMovements(orderId);
    expect(movements).toEqual([expect.objectContaining({ id: `${orderId}-sale-0`, kind: 'sale', quantityMilli: -2000, boutiqueId: kaloum })]);
  }, 180_000);

  it('cancels a paid order in the admin: refunded, its stock given back', async () => {
    const { orderId, productId } = await orderAndPay(1, false);
    const stockPaid = await stockAtKaloum(productId);
    const number = (await api.call('get', `/api/tenants/${api.demoTenantId}/ecommerce/orders/${orderId}`)).body.order.number as string;
    const page = pdg.page;
    await openOrder(page, number);
    await page.getByTestId('step-cancelled').click();
    await page.getByTestId('cancel-reason').fill('Article abîmé en réserve');
    await screenshotter(page, 'admin-orders')('cancel');
    await page.getByTestId('cancel-confirm').click();
    await expect.poll(() => page.getByTestId('order-flash').textContent(), WAIT).toBe(uiFr.orders.detail.cancelledRefunded);
    await expect.poll(() => fulfilmentBadge(page), WAIT).toBe('cancelled');
    await screenshotter(page, 'admin-orders')('cancelled');
    expect(await tracked(orderId)).toBe('Annulée');
    await screenshotter(customer.page, 'storefront-orders')('cancelled');
    expect(await stockAtKaloum(productId)).toBe(stockPaid + 1000);
    const kinds = (await tillMovements(orderId)).map((m) => [m.kind, m.quantityMilli]).sort();
    expect(kinds).toEqual([['return', 1000], ['sale', -1000]]);
  }, 180_000);
});
