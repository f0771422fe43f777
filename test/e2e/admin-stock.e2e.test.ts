/**
 * The stock in the web admin, in Chromium, against a real API at /app/: a pdg adjusts a product's
 * stock (refused without a reason, then written) and sees it in the matrix, the low-stock view and
 * the product's history; a dg counts their boutique (counts typed on the sheet, others imported
 * from a CSV file, a bad file refused line by line), reads the variance report, applies it after a
 * confirmation, and the boutique's stock then equals the counted quantities. An enrolled till of
 * that boutique receives every adjustment movement through its sync pull.
 * Screenshots (1366×768) land in test/e2e/screenshots/admin-stock-*.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, startTestApi, type TestApi } from '../../cloud/api/test-support.js';
import { uiFr } from '../../cloud/web/admin/src/i18n/fr.js';
import { fr } from '../../shared/i18n/fr.js';
import type { Product } from '../../shared/schema/products.js';
import type { StockMovement } from '../../shared/schema/stock-movements.js';
import { writeDocuments } from '../../sync/server/store.js';
import { buildAdminApp, frenchPage, HAS_CHROMIUM, launchChromium, screenshotter, signInToAdmin } from './support/browser.js';

const WAIT = { timeout: 30_000 };

describe.skipIf(!HAS_CHROMIUM)('stock in the web admin', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let work: string;
  let pdg: string;
  let tenant: string;
  let kal: { id: string; code: string };
  let till: { credential: string };
  let products: Product[];
  let activeTotal: number;

  const byTestId = (id: string) => page.getByTestId(id);
  const shot = (name: string) => screenshotter(page, 'admin-stock')(name);
  const level = async (boutiqueId: string, productId: string) =>
    api.services.databases.withTenant(tenant, async (tx) =>
      Number((await tx.query<{ q: string }>(`SELECT quantity_milli AS q FROM stock_levels WHERE tenant_id = $1 AND boutique_id = $2 AND product_id = $3`, [tenant, boutiqueId, productId])).rows[0]?.q ?? 0),
    );
  /** Every movement the till of Kaloum has pulled, from the start, as a till pulls. */
  const tillMovements = async () => {
    const pulled: StockMovement[] = [];
    for (let seq = 0; ; ) {
      const res = await api.call('get', `/api/sync/stock_movements/pull?seq=${seq}&limit=500`, { token: till.credential });
      expect(res.status).toBe(200);
      if (res.body.documents.length === 0) return pulled;
      pulled.push(...res.body.documents);
      seq = res.body.checkpoint.seq;
    }
  };
  /** The matrix row of a product (rendered: it is the only one its search shows). */
  const matrixQuantity = (barcode: string, boutiqueCode: string) => page.locator(`[data-testid=stock-row][data-barcode="${barcode}"] [data-testid=level-${boutiqueCode}]`).getAttribute('data-milli');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'afrigest-admin-stock-e2e-'));
    const webDir = await buildAdminApp(join(work, 'web-admin'));
    api = await startTestApi({ WEB_ADMIN_DIR: webDir });
    tenant = api.demoTenantId;
    pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    const boutiques = (await api.call('get', `/api/tenants/${tenant}/boutiques`, { token: pdg })).body.boutiques;
    kal = boutiques.find((b: { code: string }) => b.code === 'KAL');
    const list = (await api.call('get', `/api/tenants/${tenant}/products?limit=200`, { token: pdg })).body;
    products = list.products;
    activeTotal = list.total;
    const code = await api.call('post', `/api/tenants/${tenant}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId: kal.id, deviceName: 'Caisse Kaloum 1' } });
    const enrolled = await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: code.body.code } });
    till = { credential: `Device ${enrolled.body.credential}` };
    // Thresholds as the catalogue keeps them: the demo gives every product one; here only four
    // products are to restock, so what the low-stock view must show is known.
    const toRestock = new Set(products.slice(20, 24).map((p) => p.id));
    await api.services.databases.withTenant(tenant, async (tx) => {
      const { rows } = await tx.query<{ doc: Record<string, unknown> & { id: string } }>(`SELECT doc FROM products WHERE tenant_id = $1 AND NOT deleted`, [tenant]);
      await writeDocuments(tx, tenant, 'products', rows.map(({ doc }) => ({ ...doc, lowStockMilli: toRestock.has(doc.id) ? 500_000 : 0, updatedAt: new Date().toISOString() })));
    });
    browser = await launchChromium();
    ({ page } = await frenchPage(browser));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('lets a pdg adjust a product’s stock, with its reason, and see it in the matrix and in its history', { timeout: 180_000 }, async () => {
    const product = products.find((p) => p.unit === 'piece')!;
    const before = await level(kal.id, product.id);
    await page.goto(`${api.url}/app/`);
    await signInToAdmin(page, DEMO_USERS.pdg.email, DEMO_USERS.pdg.password);
    await byTestId('menu-stock').click();
    await byTestId('stock-screen').waitFor();
    expect(await byTestId('menu').locator('a').allTextContents()).toContain(uiFr.nav.stock);
    await expect.poll(() => byTestId('stock-total').getAttribute('data-total'), WAIT).toBe(String(activeTotal));
    await expect.poll(() => byTestId('stock-row').count(), WAIT).toBeGreaterThan(8);
    expect(await page.locator('[role=columnheader]').allTextContents()).toEqual(expect.arrayContaining(['KAL', 'RAT']));
    await shot('matrix');

    // The low-stock view: only the products under their threshold somewhere.
    // A controlled box: it shows checked once the address says so, a moment after the click.
    await byTestId('stock-low').click();
    await expect.poll(() => byTestId('stock-total').getAttribute('data-total'), WAIT).toBe('4');
    expect(page.url()).toContain('bas=1');
    const lowBarcodes = await byTestId('stock-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-barcode')));
    expect(lowBarcodes.sort()).toEqual(products.slice(20, 24).map((p) => p.barcode).sort());
    expect(await page.locator('.qty.low').count()).toBeGreaterThanOrEqual(4);
    await shot('low');
    await byTestId('stock-low').click();
    await expect.poll(() => page.url()).not.toContain('bas=1');

    await byTestId('stock-search').fill(product.barcode);
    await expect.poll(() => byTestId('stock-total').getAttribute('data-total'), WAIT).toBe('1');
    expect(Number(await matrixQuantity(product.barcode, 'KAL'))).toBe(before);
    await byTestId('stock-adjust').click();
    await byTestId('adjust-dialog').waitFor();
    await byTestId('adjust-boutique').selectOption(kal.id);
    await byTestId('adjust-quantity').fill('3');
    await byTestId('adjust-save').click();
    // No reason: said in French, nothing sent.
    expect(await byTestId('adjust-reason-error').textContent()).toBe(fr.errors.STOCK_ADJUST_REASON_REQUIRED);
    await shot('adjust-no-reason');
    await byTestId('adjust-reason').fill('Casse en réserve');
    await byTestId('adjust-save').click();
    await byTestId('stock-flash').waitFor();
    expect(await byTestId('stock-flash').textContent()).toContain(product.name);
    await expect.poll(async () => Number(await matrixQuantity(product.barcode, 'KAL')), WAIT).toBe(before - 3000);
    expect(await level(kal.id, product.id)).toBe(before - 3000);
    await shot('adjusted');

    // The history, from the matrix: the adjustment first, with its reason and its author.
    await page.locator(`[data-testid=stock-row][data-barcode="${product.barcode}"] [data-testid=stock-history-link]`).click();
    await byTestId('history-screen').waitFor();
    await expect.poll(() => byTestId('history-row').count(), WAIT).toBeGreaterThanOrEqual(3);
    const first = byTestId('history-row').first();
    expect(await first.getAttribute('data-kind')).toBe('adjustment');
    expect(await first.textContent()).toContain('Casse en réserve');
    expect(await first.textContent()).toContain('Mamadou Diallo');
    expect(await first.textContent()).toContain('-3');
    // Dates in Conakry time, as dd/mm/yyyy hh:mm.
    expect(await first.locator('[role=cell]').first().textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(await byTestId('history-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toContain('receipt');
    await shot('history');

    // Reachable from the product page too.
    await page.goto(`${api.url}/app/produits/${product.id}`);
    await byTestId('product-stock-history').click();
    await byTestId('history-screen').waitFor();
    expect(page.url()).toBe(`${api.url}/app/stock/produits/${product.id}`);

    // The till of Kaloum receives the adjustment.
    const adjustment = (await tillMovements()).find((m) => m.kind === 'adjustment' && m.productId === product.id);
    expect(adjustment).toMatchObject({ quantityMilli: -3000, reason: 'Casse en réserve', boutiqueId: kal.id });

    await byTestId('sign-out').click();
    await byTestId('signin-form').waitFor();
  });

  it('lets a dg count their boutique, import counts by CSV, read the variance report and apply it once', { timeout: 180_000 }, async () => {
    await signInToAdmin(page, DEMO_USERS.dg.email, DEMO_USERS.dg.password);
    await byTestId('menu-stock').click();
    await byTestId('stock-screen').waitFor();
    // A dg sees their boutique only.
    await expect.poll(() => byTestId('stock-row').count(), WAIT).toBeGreaterThan(5);
    const headers = await page.locator('[role=columnheader]').allTextContents();
    expect(headers).toContain('KAL');
    expect(headers).not.toContain('RAT');

    await byTestId('stock-counts-link').click();
    await byTestId('counts-screen').waitFor();
    expect(await byTestId('count-boutique').locator('option').allTextContents()).toEqual(['AfriGest Kaloum']);
    await byTestId('count-label').fill('Rayon épicerie');
    await byTestId('count-category').selectOption({ label: 'Épicerie' });
    await shot('count-new');
    await byTestId('count-create').click();
    await byTestId('count-screen').waitFor();
    const countId = decodeURIComponent(page.url().split('/').pop()!);
    expect(await byTestId('count-status').textContent()).toBe(uiFr.stock.status.draft);

    // The sheet's lines as the API gives them: the expected quantities are the stock now.
    const sheet = (await api.call('get', `/api/tenants/${tenant}/stock/counts/${countId}/lines?limit=500`, { token: pdg })).body.lines as Array<{ productId: string; barcode: string; unit: string; expectedMilli: number }>;
    const [a, b] = sheet as [typeof sheet[0], typeof sheet[0]];
    for (const line of [a, b]) expect(line.expectedMilli).toBe(await level(kal.id, line.productId));
    const weighed = sheet.find((l) => l.unit === 'kg' && l !== a && l !== b)!;
    const c = sheet.find((l) => l.unit === 'piece' && l !== a && l !== b)!;
    expect(weighed).toBeDefined();

    // Typed on the sheet: a is 2 short, b is as expected; Enter goes to the next line.
    await expect.poll(() => byTestId('line-counted').count(), WAIT).toBeGreaterThan(2);
    const inputA = page.locator(`[data-testid=count-line][data-barcode="${a.barcode}"] [data-testid=line-counted]`);
    await inputA.fill(String(a.expectedMilli / 1000 - 2));
    await inputA.press('Enter');
    const inputB = page.locator(`[data-testid=count-line][data-barcode="${b.barcode}"] [data-testid=line-counted]`);
    await expect.poll(() => inputB.evaluate((el) => el === document.activeElement)).toBe(true);
    await inputB.fill(String(b.expectedMilli / 1000));
    await inputB.press('Enter');
    await expect.poll(() => byTestId('count-progress').textContent(), WAIT).toMatch(/^2 \//);

    // A file with errors: each line said, nothing written.
    const upload = (name: string, text: string) => byTestId('count-import').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    await upload('comptage-faux.csv', `code;quantite\n${c.barcode};x\n0000000000000;4\n`);
    await byTestId('count-import-result').waitFor();
    const refused = await byTestId('count-import-result').textContent();
    expect(refused).toContain('Ligne 2');
    expect(refused).toContain('Ligne 3');
    expect(refused).toContain('rien n’a été enregistré');
    await shot('count-import-errors');
    expect(await byTestId('count-progress').textContent()).toMatch(/^2 \//);

    // The right file: a kilogram product with a fraction, and c.
    await upload('comptage.csv', `code;quantite\r\n${weighed.barcode};12,5\r\n${c.barcode};${c.expectedMilli / 1000 + 4}\r\n`);
    await expect.poll(() => byTestId('count-import-result').textContent(), WAIT).toBe('2 quantités comptées importées.');
    await expect.poll(() => byTestId('count-progress').textContent(), WAIT).toMatch(/^4 \//);
    await shot('count-sheet');

    // The variance report: a −2, c +4, the weighed one 12.5 kg minus its stock; b has none.
    await byTestId('count-view-variance').click();
    await expect.poll(() => byTestId('count-line').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-barcode')).sort()), WAIT).toEqual(
      [a.barcode, c.barcode, ...(weighed.expectedMilli === 12_500 ? [] : [weighed.barcode])].sort(),
    );
    const difference = (barcode: string) => page.locator(`[data-testid=count-line][data-barcode="${barcode}"] [data-testid=line-difference]`).getAttribute('data-milli');
    expect(await difference(a.barcode)).toBe('-2000');
    expect(await difference(c.barcode)).toBe('4000');
    await shot('count-variance');

    // Applied after a confirmation: the stock of each counted line is what was counted.
    await byTestId('count-apply').click();
    await byTestId('apply-dialog').waitFor();
    await shot('count-confirm');
    await byTestId('apply-confirm').click();
    await expect.poll(() => byTestId('count-status').textContent(), WAIT).toBe(uiFr.stock.status.applied);
    await byTestId('count-flash').waitFor();
    await shot('count-applied');
    expect(await level(kal.id, a.productId)).toBe(a.expectedMilli - 2000);
    expect(await level(kal.id, b.productId)).toBe(b.expectedMilli);
    expect(await level(kal.id, c.productId)).toBe(c.expectedMilli + 4000);
    expect(await level(kal.id, weighed.productId)).toBe(12_500);
    expect(await byTestId('line-counted').count()).toBe(0);

    // Applying again (another manager, the same moment or later) writes nothing more.
    const again = await api.call('post', `/api/tenants/${tenant}/stock/counts/${countId}/apply`, { token: pdg });
    expect(again.body).toMatchObject({ applied: false, movements: 0 });

    // The till of Kaloum receives the count's movements, each once.
    const fromCount = (await tillMovements()).filter((m) => m.refId === countId);
    const expectedMoves = weighed.expectedMilli === 12_500 ? 2 : 3;
    expect(fromCount).toHaveLength(expectedMoves);
    expect(fromCount.every((m) => m.kind === 'adjustment' && m.boutiqueId === kal.id && m.reason === 'Inventaire : Rayon épicerie')).toBe(true);
    expect(fromCount.find((m) => m.productId === a.productId)?.quantityMilli).toBe(-2000);

    // The matrix says so too.
    await page.goto(`${api.url}/app/stock?q=${a.barcode}`);
    await expect.poll(async () => Number(await matrixQuantity(a.barcode, 'KAL')), WAIT).toBe(a.expectedMilli - 2000);
    await page.goto(`${api.url}/app/stock/inventaires`);
    await expect.poll(() => byTestId('count-row').count(), WAIT).toBe(1);
    await shot('counts');
  });
});
