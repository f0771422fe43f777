/**
 * The till as a cashier uses it, in Chromium through the browser host, against a real cloud:
 * enrol, sign in, scan, discount (refused above the cap), split tender, receipt; then a cloud
 * outage with 20 sales and a return, the till killed and restarted, the cloud back: every sale
 * and the return reach the cloud exactly once; then a cash session closed with its Z report.
 * Between them, the hardening of the counter: an absurd quantity refused with words, the cart
 * kept through a reload, a failing screen with a way back.
 * Screenshots land in test/e2e/screenshots/.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCatalogue, type DemoProduct } from '../../cloud/api/demo/catalogue.js';
import { DEMO_USERS, startTestApi, type TestApi } from '../../cloud/api/test-support.js';
import { startPaymentSimulators, type PaymentSimulators } from '../../cloud/payments/simulators/index.js';
import { priceCart } from '../../shared/cart.js';
import { fr } from '../../shared/i18n/fr.js';
import { translate } from '../../shared/i18n/index.js';
import { uiFr } from '../../desktop/renderer/src/i18n/fr.js';
import { formatMoney } from '../../shared/money.js';
import { buildTillRenderer, HAS_CHROMIUM, launchChromium, SCREENSHOTS } from './support/browser.js';
import { killTill, startTill, type Till } from './support/till.js';

const WAIT = { timeout: 30_000 };
const gnf = (minor: number) => formatMoney(minor, 'GNF', 'fr-GN');

describe.skipIf(!HAS_CHROMIUM)('the till in Chromium, through the host, with the cloud', () => {
  let api: TestApi;
  let sims: PaymentSimulators;
  let till: Till | undefined;
  let browser: Browser;
  let page: Page;
  let work: string;
  let tillDir: string;
  let rendererDir: string;
  /** Every sale number the screen showed, and the return's sale. */
  const saleNumbers: string[] = [];
  let returnedSale = '';

  const products = demoCatalogue().filter((p) => p.unit === 'piece' && p.priceMinor <= 60_000);
  const [a, b, c] = [products[0]!, products[3]!, products[7]!];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'afrigest-pos-e2e-'));
    tillDir = join(work, 'till');
    rendererDir = join(work, 'renderer');
    sims = await startPaymentSimulators({ port: 0 });
    // The renderer as it is now, built once for this run.
    const [cloud] = await Promise.all([
      startTestApi(
        { MTN_MOMO_BASE_URL: sims.urls.mtnMomo, ORANGE_MOMO_BASE_URL: sims.urls.orangeMoney, STRIPE_API_BASE_URL: sims.urls.stripe, PAYPAL_API_BASE_URL: sims.urls.paypal, PAYMENT_APPLY_EVERY: '1s' },
        { persistent: true },
      ),
      buildTillRenderer(rendererDir),
    ]);
    api = cloud;
    till = await startTill({ TILL_DIR: tillDir, CLOUD_URL: api.url, RENDERER_DIR: rendererDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'fr-FR', timezoneId: 'Africa/Conakry' });
    // The print dialog cannot show headless: count the calls instead.
    await page.addInitScript(() => {
      const w = window as unknown as { __prints: number };
      w.__prints = 0;
      window.print = () => {
        w.__prints++;
      };
    });
    page.setDefaultTimeout(WAIT.timeout);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (till) await killTill(till, 'SIGTERM');
    await api?.close();
    await sims?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const byTestId = (id: string) => page.getByTestId(id);
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

  async function signIn(email: string, password: string) {
    await byTestId('signin-email').fill(email);
    await byTestId('signin-password').fill(password);
    await byTestId('signin-submit').click();
    await byTestId('sale-screen').waitFor();
    await expect.poll(focused).toBe('scan-input');
  }

  /** What a scanner does: digits, then Enter, into whatever has the focus (the scan field). */
  async function scan(product: DemoProduct, expectedQuantity = '1') {
    await page.keyboard.type(product.barcode);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(`[data-testid=cart-line][data-barcode="${product.barcode}"] [data-testid=qty-value]`).textContent(), WAIT).toBe(expectedQuantity);
  }

  /** A sale paid in exact cash; answers the sale number from the receipt. Offline, mobile money is tried first and refused. */
  async function sellCash(items: DemoProduct[], options: { tryMobileOffline?: boolean } = {}): Promise<string> {
    for (const item of items) await scan(item);
    await page.keyboard.press('F12');
    await byTestId('payment-dialog').waitFor();
    if (options.tryMobileOffline) {
      await byTestId('mobile-mtn').click();
      await byTestId('mobile-phone').fill('622 11 22 33');
      await byTestId('mobile-start').click();
      await expect.poll(() => byTestId('payment-error').textContent(), WAIT).toBe(fr.errors.MOBILE_MONEY_OFFLINE);
      await page.screenshot({ path: join(SCREENSHOTS, 'payment-offline.png') });
      await byTestId('offer-cash').click();
    } else {
      await byTestId('cash-exact').click();
    }
    await byTestId('pay-confirm').click();
    await byTestId('receipt-dialog').waitFor();
    const number = (await byTestId('sale-number').textContent())!.trim();
    saleNumbers.push(number);
    await page.keyboard.press('Escape');
    await byTestId('receipt-dialog').waitFor({ state: 'detached' });
    await expect.poll(focused).toBe('scan-input');
    return number;
  }

  async function cloudCount(sql: string, params: unknown[]): Promise<number> {
    return api.services.databases.withTenant(api.demoTenantId, async (tx) => (await tx.query<{ n: number }>(sql, params)).rows[0]!.n);
  }

  it('enrols the till, signs the cashier in, sells three scanned items with a capped discount and split tender, and prints the receipt', { timeout: 240_000 }, async () => {
    // A manager makes the one-time code in the cloud.
    const pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    const boutiques = (await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg })).body.boutiques as Array<{ id: string; code: string }>;
    const kaloum = boutiques.find((x) => x.code === 'KAL') ?? boutiques[0]!;
    const issued = await api.call('post', `/api/tenants/${api.demoTenantId}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId: kaloum.id, deviceName: 'Caisse e2e' } });
    expect(issued.status).toBe(201);

    await page.goto(till!.openUrl);
    await byTestId('enrol-form').waitFor();
    await expect(byTestId('sync-badge').getAttribute('data-state')).resolves.toBe('not-enrolled');
    // A wrong code is refused with the cloud's reason, in French.
    await byTestId('enrol-tenant').fill('demo');
    await byTestId('enrol-code').fill('AAAA-BBBB-CCCC');
    await byTestId('enrol-submit').click();
    await expect.poll(() => byTestId('error').textContent(), WAIT).toBe(fr.errors.ENROLMENT_CODE_INVALID);
    await byTestId('enrol-code').fill(issued.body.code as string);
    await byTestId('enrol-submit').click();

    // The first sync shows its progress, then the sign-in.
    await byTestId('signin-form').waitFor({ timeout: 60_000 });
    await expect.poll(() => byTestId('sync-badge').getAttribute('data-online'), WAIT).toBe('true');
    await expect(byTestId('till-name').textContent()).resolves.toContain('Kaloum');

    await byTestId('signin-email').fill(DEMO_USERS.employee.email);
    await byTestId('signin-password').fill('wrong-password');
    await byTestId('signin-submit').click();
    await expect.poll(() => byTestId('error').textContent(), WAIT).toBe(fr.errors.INVALID_CREDENTIALS);
    await signIn(DEMO_USERS.employee.email, DEMO_USERS.employee.password);

    // Three scans (one twice: its line goes to 2), then search as you type adds nothing by itself.
    await scan(a);
    await scan(b);
    await scan(c);
    await scan(a, '2');
    await page.keyboard.type(c.name.slice(0, 8));
    await byTestId('search-results').waitFor();
    await page.keyboard.press('Escape');
    await byTestId('search-results').waitFor({ state: 'detached' });
    await expect(page.getByTestId('cart-line').count()).resolves.toBe(3);

    // 15 % is above the cashier's 10 % cap: refused with core's message; 10 % goes through.
    await page.keyboard.press('F4');
    await byTestId('discount-dialog').waitFor();
    await byTestId('discount-value').fill('15');
    await page.keyboard.press('Enter');
    await expect.poll(() => byTestId('discount-error').textContent(), WAIT).toBe(fr.errors.DISCOUNT_ABOVE_CAP.replace('{{cap}}', '10'));
    await byTestId('discount-value').fill('10');
    await page.keyboard.press('Enter');
    await byTestId('discount-dialog').waitFor({ state: 'detached' });

    const cart = [
      { product: { ...a, id: a.barcode }, quantityMilli: 2000 },
      { product: { ...b, id: b.barcode }, quantityMilli: 1000 },
      { product: { ...c, id: c.barcode }, quantityMilli: 1000 },
    ];
    const totals = priceCart(cart, { kind: 'percent', rate: 1000 });
    await expect.poll(() => byTestId('grand-total').textContent(), WAIT).toBe(gnf(totals.totalMinor));
    expect(await byTestId('grand-total').textContent()).not.toMatch(/[.,]\d{2}\s?GNF/);
    await page.screenshot({ path: join(SCREENSHOTS, 'sale-screen.png') });

    // Split tender: MTN MoMo approved on the payer's phone, the rest in cash.
    await page.keyboard.press('F12');
    await byTestId('payment-dialog').waitFor();
    await expect(byTestId('payment-total').textContent()).resolves.toBe(gnf(totals.totalMinor));
    const mtnAmount = 10_000;
    await byTestId('mobile-mtn').click();
    await byTestId('mobile-amount').fill(String(mtnAmount));
    await byTestId('mobile-phone').fill('622 11 22 33');
    await byTestId('mobile-start').click();
    await expect.poll(() => byTestId('mobile-payment').getAttribute('data-status'), WAIT).toBe('pending');
    // Not paid until the payer says so.
    await expect(byTestId('pay-confirm').isDisabled()).resolves.toBe(true);
    const handset = await browser.newPage();
    await handset.goto(sims.mtnPhonePageUrl('224622112233'));
    await handset.getByRole('button', { name: /Approuver/ }).first().click();
    await handset.close();
    await expect.poll(() => byTestId('mobile-payment').getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
    const cashDue = totals.totalMinor - mtnAmount;
    await expect(byTestId('payment-remaining').textContent()).resolves.toBe(gnf(cashDue));
    // The customer hands over a round sum: change is due.
    const given = Math.ceil((cashDue + 1) / 5_000) * 5_000;
    await byTestId('cash-given').fill(String(given));
    await expect.poll(() => byTestId('payment-change').textContent()).toBe(gnf(given - cashDue));
    await page.screenshot({ path: join(SCREENSHOTS, 'payment.png') });
    await page.keyboard.press('Enter');

    await byTestId('receipt-dialog').waitFor();
    const number = (await byTestId('sale-number').textContent())!.trim();
    expect(number).toMatch(/^KAL-C\d+-\d{6}$/);
    saleNumbers.push(number);
    const receipt = page.frameLocator('[data-testid=receipt-frame]');
    await expect.poll(() => receipt.locator('body').textContent(), WAIT).toContain(number);
    const receiptText = (await receipt.locator('body').textContent()) ?? '';
    expect(receiptText).toContain(a.name);
    expect(receiptText.replace(/\s/g, '')).toContain(gnf(totals.totalMinor).replace(/\s/g, ''));
    await page.screenshot({ path: join(SCREENSHOTS, 'receipt.png') });
    await byTestId('receipt-print').click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { __prints: number }).__prints)).toBe(1);
    // What the printer gets: the receipt alone.
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(SCREENSHOTS, 'receipt-print.png') });
    await page.emulateMedia({ media: 'screen' });
    // Saved as PDF: the host offers core's PDF as a download.
    const [download] = await Promise.all([page.waitForEvent('download'), byTestId('receipt-pdf').click()]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    expect(readFileSync((await download.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    await byTestId('receipt-close').click();
    await byTestId('receipt-dialog').waitFor({ state: 'detached' });
    await expect.poll(focused).toBe('scan-input');

    // The history reprints it.
    await byTestId('nav-history').click();
    await page.locator('[data-testid=history-row]', { hasText: number }).getByTestId('history-reprint').click();
    await expect.poll(() => page.frameLocator('[data-testid=receipt-frame]').locator('body').textContent(), WAIT).toContain(number);
    await page.keyboard.press('Escape');
    await byTestId('receipt-dialog').waitFor({ state: 'detached' });
    await byTestId('nav-sale').click();
    await expect.poll(focused).toBe('scan-input');
    await expect.poll(async () => Number(await byTestId('sync-waiting').getAttribute('data-count')), WAIT).toBe(0);
  });

  it('refuses a quantity of 999999999999 with a clear message, keeps the cart through a reload of the page, and shows a way back from a failing screen', { timeout: 180_000 }, async () => {
    // The counter's usual screen: a 1366×768 laptop.
    await page.setViewportSize({ width: 1366, height: 768 });
    await byTestId('sale-screen').waitFor();
    await expect(page.getByTestId('cart-line').count()).resolves.toBe(0);
    await scan(a);
    await scan(b);
    await scan(b, '2');
    const lines = () => page.getByTestId('cart-line').evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-barcode')}×${row.querySelector('[data-testid=qty-value]')?.textContent}`));
    const basket = [`${a.barcode}×1`, `${b.barcode}×2`];
    expect(await lines()).toEqual(basket);
    const total = await byTestId('grand-total').textContent();
    expect(total).toBe(gnf(a.priceMinor + 2 * b.priceMinor));

    // The cashier types 999999999999 as the quantity of the first line.
    const tooLarge = (name: string) => translate('fr', 'errors.QUANTITY_TOO_LARGE', { name, max: 9_999 });
    await page.locator(`[data-testid=cart-line][data-barcode="${a.barcode}"] [data-testid=qty-value]`).click();
    await byTestId('qty-input').fill('999999999999');
    await page.keyboard.press('Enter');
    await expect.poll(() => byTestId('sale-error').textContent(), WAIT).toBe(tooLarge(a.name));
    expect(await byTestId('sale-error').textContent()).toContain('9\u202f999 au plus par ligne');
    expect(await lines()).toEqual(basket);
    expect(await byTestId('grand-total').textContent()).toBe(total);
    await expect.poll(focused).toBe('scan-input');
    await page.screenshot({ path: join(SCREENSHOTS, 'quantity-refused.png') });

    // The same at the scan field ("quantity*code"), and half a piece.
    await page.keyboard.type(`999999999999*${b.barcode}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => byTestId('sale-error').textContent(), WAIT).toBe(tooLarge(b.name));
    await page.keyboard.type(`0,5*${c.barcode}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => byTestId('sale-error').textContent(), WAIT).toBe(translate('fr', 'errors.QUANTITY_NOT_WHOLE', { name: c.name }));
    expect(await lines()).toEqual(basket);
    expect(await byTestId('grand-total').textContent()).toBe(total);

    // The page is reloaded (a crash of the window, F5): core gives the basket back.
    await page.reload();
    await byTestId('sale-screen').waitFor();
    await expect.poll(lines, WAIT).toEqual(basket);
    expect(await byTestId('grand-total').textContent()).toBe(total);
    await expect.poll(focused).toBe('scan-input');
    await page.screenshot({ path: join(SCREENSHOTS, 'cart-after-reload.png') });

    // A screen that fails (here the history, fed a broken answer) shows words and a way back; the cart stays.
    const second = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'fr-FR', timezoneId: 'Africa/Conakry' });
    await second.routeWebSocket(/\/bridge\?token=/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const request = JSON.parse(String(message)) as { id: number; method: string };
        if (request.method === 'sales.recent') ws.send(JSON.stringify({ id: request.id, ok: true, output: [{ id: 'broken' }] }));
        else server.send(message);
      });
    });
    await second.goto(till!.openUrl);
    await second.getByTestId('sale-screen').waitFor();
    await expect.poll(() => second.getByTestId('cart-line').count(), WAIT).toBe(2);
    await second.getByTestId('nav-history').click();
    await second.getByTestId('screen-error').waitFor();
    expect(await second.getByTestId('screen-error').textContent()).toContain(uiFr.failure.screenTitle);
    expect(await second.getByTestId('screen-error').textContent()).toContain(uiFr.failure.cartKept);
    // The tabs and the top bar are still there.
    await second.getByTestId('nav-sale').waitFor();
    await second.screenshot({ path: join(SCREENSHOTS, 'screen-error.png') });
    await second.getByTestId('screen-error-back').click();
    await second.getByTestId('sale-screen').waitFor();
    expect(await second.getByTestId('grand-total').textContent()).toBe(total);
    await second.close();

    // The sale is called off: the next tests start from an empty cart, and so would a reload.
    await page.keyboard.press('Escape');
    await byTestId('cancel-confirm').click();
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(0);
    await page.reload();
    await byTestId('sale-screen').waitFor();
    await expect(page.getByTestId('cart-line').count()).resolves.toBe(0);
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('sells 20 times and takes a return with the cloud down, survives a killed till, and delivers each exactly once', { timeout: 300_000 }, async () => {
    expect(saleNumbers).toHaveLength(1);
    await api.stop();
    await expect.poll(() => byTestId('sync-badge').getAttribute('data-online'), WAIT).toBe('false');

    for (let i = 0; i < 20; i++) await sellCash(i % 2 ? [products[10 + i]!] : [products[10 + i]!, products[40 + i]!], { tryMobileOffline: i === 0 });
    expect(new Set(saleNumbers).size).toBe(21);

    // A return against one of the offline sales, found by its number (F8).
    returnedSale = saleNumbers[2]!;
    await page.keyboard.press('F8');
    await byTestId('returns-screen').waitFor();
    await byTestId('return-sale-number').fill(returnedSale);
    await page.keyboard.press('Enter');
    await byTestId('return-form').waitFor();
    await byTestId('return-all').first().click();
    await byTestId('return-reason').fill('Emballage abîmé');
    await byTestId('return-submit').click();
    await byTestId('return-done').waitFor();
    await page.keyboard.press('Escape');
    // The badge counts the documents waiting to go, every collection's.
    await expect.poll(async () => Number(await byTestId('sync-waiting').getAttribute('data-count')), WAIT).toBeGreaterThan(0);

    // The till dies (no goodbye), comes back on the same data, and the page opens it again.
    await killTill(till!, 'SIGKILL');
    till = await startTill({ TILL_DIR: tillDir, CLOUD_URL: api.url, RENDERER_DIR: rendererDir });
    await page.goto(till.openUrl);
    await byTestId('signin-form').waitFor();
    await signIn(DEMO_USERS.employee.email, DEMO_USERS.employee.password);
    await expect.poll(() => byTestId('sync-badge').getAttribute('data-online'), WAIT).toBe('false');
    await expect.poll(async () => Number(await byTestId('sync-waiting').getAttribute('data-count')), WAIT).toBeGreaterThan(0);

    await api.restart();
    await expect.poll(() => byTestId('sync-badge').getAttribute('data-online'), { timeout: 60_000 }).toBe('true');
    await expect.poll(async () => Number(await byTestId('sync-waiting').getAttribute('data-count')), { timeout: 60_000 }).toBe(0);

    const numbers = await api.services.databases.withTenant(api.demoTenantId, async (tx) =>
      (await tx.query<{ number: string; n: number }>(`SELECT doc->>'number' AS number, count(*)::int AS n FROM sales WHERE doc->>'number' = ANY($1) GROUP BY 1`, [saleNumbers])).rows,
    );
    expect(numbers.map((r) => r.number).sort()).toEqual([...saleNumbers].sort());
    expect(numbers.every((r) => r.n === 1)).toBe(true);
    const deviceId = await api.services.databases.withTenant(api.demoTenantId, async (tx) =>
      (await tx.query<{ d: string }>(`SELECT doc->>'deviceId' AS d FROM sales WHERE doc->>'number' = $1`, [saleNumbers[0]])).rows[0]!.d,
    );
    // Nothing more than what the screen sold: no duplicate under another id.
    expect(await cloudCount(`SELECT count(*)::int AS n FROM sales WHERE doc->>'deviceId' = $1`, [deviceId])).toBe(saleNumbers.length);
    // The badge reached 0 only once every collection, returns included, had delivered.
    expect(
      await cloudCount(`SELECT count(*)::int AS n FROM returns r JOIN sales s ON s.tenant_id = r.tenant_id AND s.id = r.doc->>'saleId' WHERE s.doc->>'number' = $1`, [returnedSale]),
    ).toBe(1);
  });

  it('opens and closes a cash session whose Z report matches the sales, the cash moves and the count; adjusts stock with a reason; switches back by PIN', { timeout: 180_000 }, async () => {
    // The drawer is a manager's: the cashier is told so, the dg opens it.
    await page.keyboard.press('F9');
    await byTestId('cash-screen').waitFor();
    await byTestId('cash-closed').waitFor();
    // The cashier sets a PIN to come back quickly later.
    await byTestId('set-pin').click();
    await byTestId('new-pin').fill('4826');
    await byTestId('new-pin-again').fill('4826');
    await byTestId('set-pin-submit').click();
    await byTestId('notice').waitFor();
    await page.keyboard.press('Escape');
    await byTestId('sign-out').click();
    await byTestId('signin-form').waitFor();
    await signIn(DEMO_USERS.dg.email, DEMO_USERS.dg.password);

    const float = 200_000;
    await page.keyboard.press('F9');
    await byTestId('cash-float').fill(String(float));
    await byTestId('cash-open').click();
    await byTestId('cash-session').waitFor();

    await page.keyboard.press('Escape');
    await byTestId('sale-screen').waitFor();
    const sold = [products[80]!, products[81]!, products[82]!];
    await sellCash([sold[0]!, sold[1]!]);
    await sellCash([sold[2]!]);
    const salesTotal = priceCart([{ product: { ...sold[0]!, id: '1' }, quantityMilli: 1000 }, { product: { ...sold[1]!, id: '2' }, quantityMilli: 1000 }]).totalMinor + sold[2]!.priceMinor;

    await page.keyboard.press('F9');
    await byTestId('cash-session').waitFor();
    await byTestId('cash-move-in').check();
    await byTestId('cash-move-amount').fill('50000');
    await byTestId('cash-move-reason').fill('Appoint de monnaie');
    await byTestId('cash-move-submit').click();
    await expect.poll(() => byTestId('cash-session-in').textContent(), WAIT).toBe(gnf(50_000));
    await byTestId('cash-move-out').check();
    await byTestId('cash-move-amount').fill('20000');
    await byTestId('cash-move-reason').fill('Achat de sacs');
    await byTestId('cash-move-submit').click();
    await expect.poll(() => byTestId('cash-session-out').textContent(), WAIT).toBe(gnf(20_000));
    const expectedCash = float + salesTotal + 50_000 - 20_000;
    await expect.poll(() => byTestId('cash-session-expected').textContent(), WAIT).toBe(gnf(expectedCash));

    await byTestId('cash-close-open').click();
    await byTestId('cash-counted-cash').fill(String(expectedCash));
    await byTestId('cash-close-submit').click();
    await byTestId('z-report').waitFor();
    await expect(byTestId('z-sales-count').textContent()).resolves.toBe('2');
    await expect(byTestId('z-sales-total').getAttribute('data-minor')).resolves.toBe(String(salesTotal));
    await expect(byTestId('z-method-cash').getAttribute('data-expected')).resolves.toBe(String(expectedCash));
    await expect(byTestId('z-method-cash').getAttribute('data-counted')).resolves.toBe(String(expectedCash));
    await expect(byTestId('z-difference').getAttribute('data-minor')).resolves.toBe('0');
    await expect.poll(async () => ((await page.frameLocator('[data-testid=z-document-frame]').locator('body').textContent()) ?? '').trim().length, WAIT).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'z-report.png'), fullPage: true });
    await byTestId('z-document-print').click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { __prints: number }).__prints)).toBeGreaterThanOrEqual(1);
    await page.keyboard.press('Escape');
    await byTestId('z-report').waitFor({ state: 'detached' });

    // Stock: the dg adjusts with a reason, never without one.
    await byTestId('nav-stock').click();
    await byTestId('stock-search').fill(sold[0]!.name);
    const row = page.locator(`[data-testid=stock-row][data-barcode="${sold[0]!.barcode}"]`);
    const before = Number(await row.getAttribute('data-on-hand'));
    await row.getByTestId('stock-adjust').click();
    await byTestId('stock-quantity').fill('5');
    await byTestId('stock-adjust-submit').click();
    await byTestId('stock-adjust-error').waitFor();
    await byTestId('stock-reason').fill('Livraison fournisseur');
    await byTestId('stock-adjust-submit').click();
    await expect.poll(async () => Number(await row.getAttribute('data-on-hand')), WAIT).toBe(before + 5_000);

    // The cashier comes back with the PIN.
    await byTestId('sign-out').click();
    await page.getByRole('button', { name: /Ibrahima Sow/ }).click();
    await byTestId('pin-input').fill('4826');
    await byTestId('pin-submit').click();
    await byTestId('sale-screen').waitFor();
    await expect(byTestId('current-user').textContent()).resolves.toContain('Ibrahima Sow');
  });

  it('shows Orange Money\'s payment page as a QR code at the counter and completes once the customer has paid on it', { timeout: 120_000 }, async () => {
    await byTestId('sale-screen').waitFor();
    await expect.poll(focused).toBe('scan-input');
    const item = products[90]!;
    await scan(item);
    await page.keyboard.press('F12');
    await byTestId('payment-dialog').waitFor();
    await byTestId('mobile-orange').click();
    await byTestId('mobile-amount').fill(String(item.priceMinor));
    await byTestId('mobile-start').click();
    const qr = byTestId('orange-qr');
    await qr.locator('img').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'payment-orange-qr.png') });
    // The customer's phone opens the QR code's address and pays there.
    const phone = await browser.newPage();
    await phone.goto((await qr.getAttribute('data-url'))!);
    await phone.getByRole('button', { name: /Payer/ }).click();
    await phone.close();
    await expect.poll(() => byTestId('mobile-payment').getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
    await byTestId('pay-confirm').click();
    await byTestId('receipt-dialog').waitFor();
  });
});
