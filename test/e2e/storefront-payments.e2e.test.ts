/**
 * The storefront in Chromium: a customer orders, pays on the provider's (simulated) page, and the
 * order page shows it paid — moved only by the verified callback and the apply job.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../cloud/api/test-support.js';
import { startPaymentSimulators, type PaymentSimulators } from '../../cloud/payments/simulators/index.js';
import { launchChromium, SCREENSHOTS } from './support/browser.js';

let api: TestApi;
let sims: PaymentSimulators;
let browser: Browser;

beforeAll(async () => {
  sims = await startPaymentSimulators({ port: 0 });
  api = await startTestApi({
    STRIPE_API_BASE_URL: sims.urls.stripe,
    PAYPAL_API_BASE_URL: sims.urls.paypal,
    MTN_MOMO_BASE_URL: sims.urls.mtnMomo,
    ORANGE_MOMO_BASE_URL: sims.urls.orangeMoney,
    PAYMENT_APPLY_EVERY: '1s',
  });
  sims.sendWebhooksTo(api.url, api.demoTenantId);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await sims?.close();
});

async function orderTwoProducts(page: Page, provider: 'mtn-momo' | 'orange-money' | 'stripe', phone: string) {
  await page.goto(`${api.url}/boutique/demo`);
  await page.getByTestId('add').nth(0).click();
  await page.getByTestId('add').nth(1).click();
  await expect.poll(() => page.getByTestId('cart').locator('tr').count()).toBe(2);
  await page.getByLabel('Nom complet').fill('Mamadou Diallo');
  await page.getByLabel('Téléphone').fill(phone);
  await page.locator(`input[name=provider][value=${provider}]`).check();
  await page.getByRole('button', { name: 'Commander et payer' }).click();
}

async function expectPaid(page: Page, name: string) {
  await page.waitForURL(/\/boutique\/demo\/commande\//);
  await expect.poll(() => page.getByTestId('payment-status').getAttribute('data-status'), { timeout: 20_000 }).toBe('paid');
  await expect.poll(() => page.getByTestId('payment-status').textContent()).toBe('Payée');
  await page.screenshot({ path: join(SCREENSHOTS, `storefront-${name}-paid.png`), fullPage: true });
}

describe('storefront payments in Chromium', () => {
  it('pays an order with MTN MoMo: the payer approves on the phone page, the order shows paid', async () => {
    const page = await browser.newPage();
    await orderTwoProducts(page, 'mtn-momo', '622 11 22 33');
    await page.waitForURL(/\/boutique\/demo\/commande\//);
    await expect.poll(() => page.getByTestId('payment-status').getAttribute('data-status')).toBe('pending');
    // The payer's phone: the simulator's page standing in for the USSD prompt.
    const phone = await browser.newPage();
    await phone.goto(sims.mtnPhonePageUrl('224622112233'));
    await phone.getByRole('button', { name: /Approuver/ }).first().click();
    await phone.close();
    await expectPaid(page, 'mtn');
    await page.close();
  });

  it('pays an order with Orange Money on its payment page and comes back to the order, paid', async () => {
    const page = await browser.newPage();
    await orderTwoProducts(page, 'orange-money', '655 44 33 22');
    await page.waitForURL(new RegExp(`^${sims.urls.orangeMoney}`));
    await page.getByRole('button', { name: /Payer/ }).click();
    await expectPaid(page, 'orange');
    await page.close();
  });

  it('pays an order by card on the card page', async () => {
    const page = await browser.newPage();
    await orderTwoProducts(page, 'stripe', '622 00 00 09');
    await page.waitForURL(new RegExp(`^${sims.urls.stripe}`));
    await page.getByRole('button', { name: /Payer/ }).click();
    await expectPaid(page, 'card');
    await page.close();
  });
});
