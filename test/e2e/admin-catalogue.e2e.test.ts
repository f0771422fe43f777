/**
 * The catalogue's new fields and its file, in Chromium against a real API at /app/ and a real
 * till (its core on SQLite, in this process through the browser host, enrolled at the Ratoma
 * boutique): a pdg creates a product with an SKU, two barcodes, a cost and Ratoma's own price, and
 * the till finds it by its second barcode, at Ratoma's price, within a second of the save's
 * answer; the pdg imports a 100,000-line file through the screen and sees the progress bar move,
 * then a file with errors is refused line by line and writes nothing; a dg reads the catalogue.
 * Screenshots (1366×768) land in test/e2e/screenshots/admin-catalogue-*.png.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEMO_USERS, startTestApi, type TestApi } from '../../cloud/api/test-support.js';
import { uiFr } from '../../cloud/web/admin/src/i18n/fr.js';
import { createBridgeClient, webSocketTransport, type WebSocketLike } from '../../desktop/bridge/client.js';
import type { BridgeApi } from '../../desktop/bridge/contract.js';
import { BRIDGE_PATH, startHost, type RunningHost } from '../../desktop/host/host.js';
import { formatMoney } from '../../shared/money.js';
import { waitFor } from '../support/wait-for.js';
import { buildAdminApp, frenchPage, HAS_CHROMIUM, launchChromium, screenshotter, signInToAdmin } from './support/browser.js';

const IMPORT_LINES = 100_000;
const WAIT = { timeout: 30_000 };
const gnf = (minor: number) => formatMoney(minor, 'GNF', 'fr-GN');

describe.skipIf(!HAS_CHROMIUM)('the catalogue in the web admin: new fields to the till, and the CSV file', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let work: string;
  let host: RunningHost;
  let bridge: BridgeApi;
  let closeBridge: () => void;
  let pdgToken: string;
  let boutiques: Array<{ id: string; code: string; name: string }>;

  const byTestId = (id: string) => page.getByTestId(id);
  const shot = (name: string, fullPage = false) => screenshotter(page, 'admin-catalogue')(name, { fullPage });
  const productCount = () =>
    api.services.databases.withTenant(api.demoTenantId, async (tx) =>
      (await tx.query<{ count: number }>(`SELECT count(*)::int AS count FROM products WHERE tenant_id = $1 AND NOT deleted`, [api.demoTenantId])).rows[0]!.count,
    );

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'afrigest-admin-catalogue-e2e-'));
    const webDir = await buildAdminApp(join(work, 'web-admin'));
    api = await startTestApi({ WEB_ADMIN_DIR: webDir });
    pdgToken = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    boutiques = (await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdgToken })).body.boutiques;

    // A till of the Ratoma boutique, enrolled with a code the pdg made. Its safety-net poll is a
    // minute: only the live change stream can bring a product within a second.
    host = await startHost({
      port: 0, dataDirectory: join(work, 'till'), cloudUrl: api.url, rendererDirectory: work, sync: { retryTime: 200, pollInterval: 60_000 }, log: () => undefined,
    });
    const origin = host.url.replace(/\/$/, '');
    const transport = webSocketTransport(() => new WebSocket(`${origin.replace('http', 'ws')}${BRIDGE_PATH}?token=${host.token}`, { origin }) as unknown as WebSocketLike, { reconnectMs: 0 });
    bridge = createBridgeClient(transport);
    closeBridge = () => transport.close();
    const ratoma = boutiques.find((b) => b.code === 'RAT')!;
    const code = await api.call('post', `/api/tenants/${api.demoTenantId}/devices/enrolment-codes`, { token: pdgToken, body: { boutiqueId: ratoma.id, deviceName: 'Caisse Ratoma' } });
    await bridge.call('device.enrol', { tenant: 'demo', code: code.body.code });
    await waitFor(async () => (await bridge.call('sync.status', {})).state === 'in-sync', 60_000);
    // The catalogue is read by someone signed in at the till: the pdg works at every boutique.
    await bridge.call('auth.signIn', { email: DEMO_USERS.pdg.email, password: DEMO_USERS.pdg.password });

    browser = await launchChromium();
    ({ page } = await frenchPage(browser));
  }, 300_000);

  afterAll(async () => {
    closeBridge?.();
    await host?.close();
    await browser?.close();
    await api?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('creates a product with its SKU, two barcodes, a cost and Ratoma’s price; the Ratoma till sells it by its second code within a second', { timeout: 120_000 }, async () => {
    await page.goto(`${api.url}/app/`);
    await signInToAdmin(page, DEMO_USERS.pdg.email, DEMO_USERS.pdg.password);
    await byTestId('products-screen').waitFor();
    await byTestId('product-new').click();
    await byTestId('product-form').waitFor();
    const stamp = Date.now().toString().slice(-8);
    const main = `21${stamp}001`;
    const carton = `29${stamp}002`;
    await byTestId('product-barcode').fill(main);
    await byTestId('product-sku').fill(`ATT-${stamp}`);
    await byTestId('product-barcodes').fill(carton);
    await byTestId('product-name').fill('Attiéké de Coyah 1 kg');
    await byTestId('product-category').selectOption({ label: 'Épicerie' });
    await byTestId('product-price').fill('15 000');
    await byTestId('product-cost').fill('11 000');
    await byTestId('product-low-stock').fill('12');
    await byTestId('product-boutique-price-RAT').fill('16 000');
    await expect.poll(() => byTestId('product-cost-hint').textContent()).toContain(gnf(11_000));
    await shot('form', true);

    const saved = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/products'));
    await byTestId('product-save').click();
    const answer = await saved;
    const answeredAt = performance.now();
    expect(answer.status()).toBe(201);
    // From the save's answer to the till having it, found by its carton's code, at Ratoma's price.
    let onTill: unknown = null;
    while (performance.now() - answeredAt < 5_000) {
      onTill = await bridge.call('catalog.byBarcode', { barcode: carton });
      if (onTill) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const elapsed = performance.now() - answeredAt;
    console.info(`admin-catalogue e2e: product on the Ratoma till ${elapsed.toFixed(0)} ms after the save's answer`);
    expect(onTill).toMatchObject({ barcode: main, name: 'Attiéké de Coyah 1 kg', priceMinor: 16_000 });
    expect(elapsed).toBeLessThan(1_000);

    // In the list, with its cost for the pdg, found by its SKU.
    await byTestId('products-flash').waitFor();
    await byTestId('products-search').fill(`ATT-${stamp}`);
    await expect.poll(() => byTestId('products-total').getAttribute('data-total'), WAIT).toBe('1');
    const row = page.locator(`[data-testid=product-row][data-barcode="${main}"]`);
    await expect.poll(() => row.locator('.col-costMinor').textContent(), WAIT).toBe(gnf(11_000));
    expect(await row.locator('.col-priceMinor').textContent()).toBe(gnf(15_000));
    await shot('list-cost');
    const created = (await answer.json()).product;
    expect(created).toMatchObject({ sku: `ATT-${stamp}`, barcodes: [main, carton], costMinor: 11_000, lowStockMilli: 12_000 });
  });

  it('imports 100,000 lines with a moving progress bar, then refuses a file with errors line by line and writes nothing', { timeout: 600_000 }, async () => {
    const categories = (await api.call('get', `/api/tenants/${api.demoTenantId}/categories`, { token: pdgToken })).body.categories as Array<{ name: string }>;
    const header = 'sku;code_barres;nom;categorie;unite;prix_vente;prix_achat;tva;seuil_stock;actif;prix_RAT';
    const lines = Array.from({ length: IMPORT_LINES }, (_, i) => {
      const code = String(3_900_000_000_000 + i);
      return `IMP-${i};${code}${i % 10 === 0 ? `|${4_900_000_000_000 + i}` : ''};Article importé n° ${i};${categories[i % categories.length]!.name};${i % 7 === 0 ? 'kg' : 'piece'};${500 + (i % 1000) * 25};${400 + (i % 1000) * 20};18;${i % 5};oui;${i % 4 === 0 ? 600 + (i % 1000) * 25 : ''}`;
    });
    const bigFile = join(work, 'catalogue-100000.csv');
    writeFileSync(bigFile, `\uFEFF${header}\r\n${lines.join('\r\n')}\r\n`);
    const before = await productCount();

    await page.goto(`${api.url}/app/produits`);
    await byTestId('catalogue-file-link').click();
    await byTestId('catalogue-file-screen').waitFor();
    await byTestId('catalogue-file').setInputFiles(bigFile);
    // Every value the bar takes, recorded in the page as it changes: this test's process also
    // runs the API, whose embedded database holds its event loop while a batch is written, so
    // polling from here could miss what the manager saw.
    await page.evaluate(() => {
      const values: string[] = [];
      (window as unknown as { barValues: string[] }).barValues = values;
      new MutationObserver(() => {
        const value = document.querySelector('[data-testid=import-progress]')?.getAttribute('data-value');
        if (value && values.at(-1) !== value) values.push(value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-value'] });
    });
    const started = performance.now();
    await byTestId('catalogue-import').click();
    // A picture of the bar on its way, when this process gets a turn before the end.
    let progressShot = false;
    while (!(await byTestId('import-result').isVisible())) {
      const value = Number((await byTestId('import-progress').getAttribute('data-value', { timeout: 1_000 }).catch(() => '')) || 0);
      if (!progressShot && value > 0 && value < 100) {
        await shot('import-progress');
        progressShot = true;
      }
      expect(performance.now() - started).toBeLessThan(540_000);
      await page.waitForTimeout(20);
    }
    const values = (await page.evaluate(() => (window as unknown as { barValues: string[] }).barValues)).map(Number);
    console.info(
      `admin-catalogue e2e: ${IMPORT_LINES.toLocaleString('fr-FR')} lines imported in ${((performance.now() - started) / 1000).toFixed(1)} s; bar values shown: ${values.join(', ')}${progressShot ? '' : ' (no turn for a picture mid-way)'}`,
    );
    expect(values.some((v) => v > 0 && v < 100)).toBe(true);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    const result = byTestId('import-result');
    expect(await result.getAttribute('data-created')).toBe(String(IMPORT_LINES));
    expect(await result.getAttribute('data-errors')).toBe('0');
    expect(await byTestId('import-counts').textContent()).toMatch(/100[\s\u202f\u00a0]000/u);
    await shot('import-done');
    expect(await productCount()).toBe(before + IMPORT_LINES);
    const one = (await api.call('get', `/api/tenants/${api.demoTenantId}/products?q=4900000000040`, { token: pdgToken })).body.products[0];
    expect(one).toMatchObject({ sku: 'IMP-40', barcodes: ['3900000000040', '4900000000040'], costMinor: 400 + 40 * 20, priceMinor: 500 + 40 * 25 });
    expect(one.boutiquePrices).toEqual([{ boutiqueId: boutiques.find((b) => b.code === 'RAT')!.id, priceMinor: 600 + 40 * 25 }]);

    // A file with errors, all or nothing: its lines and French reasons, nothing written.
    const category = categories[0]!.name;
    const bad = [
      header,
      `NEW-1;3950000000001;Bon produit;${category};piece;1000;;18;;oui;`,
      `NEW-2;3950000000002;Prix faux;${category};piece;12,50;;18;;oui;`,
      `NEW-3;3900000000007;Code d’un autre;${category};piece;1000;;18;;oui;`,
      `NEW-4;3950000000004;Rayon fantôme;Rayon fantôme;piece;1000;;18;;oui;`,
    ].join('\r\n');
    const badFile = join(work, 'catalogue-erreurs.csv');
    writeFileSync(badFile, bad);
    const beforeBad = await productCount();
    await page.reload();
    await byTestId('catalogue-file-screen').waitFor();
    await byTestId('catalogue-file').setInputFiles(badFile);
    await byTestId('import-mode-all').check();
    await byTestId('catalogue-import').click();
    await byTestId('import-refused').waitFor({ timeout: 180_000 });
    const rows = await page.locator('[data-testid=import-error-row]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-line'), tr.querySelectorAll('td')[1]?.textContent]));
    expect(rows).toEqual([
      ['3', 'prix_vente : montant entier attendu (unités mineures, sans décimales) « 12,50 »'],
      ['5', 'categorie : catégorie inconnue « Rayon fantôme » (créez-la d’abord)'],
    ]);
    expect(await byTestId('import-refused').textContent()).toBe('2 lignes sont fausses : rien n’a été enregistré. Corrigez-les, ou importez seulement les lignes valides.');
    await shot('import-errors');
    expect(await productCount()).toBe(beforeBad);

    // Fixed, the file's other fault shows: a code another product holds, named with its holder.
    // (The till is meanwhile pulling the 100,000 new products from this same process: more time.)
    const fixedFile = join(work, 'catalogue-corrige.csv');
    writeFileSync(fixedFile, bad.replace(';12,50;', ';1250;').replace(';Rayon fantôme;Rayon fantôme;', `;Rayon fantôme;${category};`));
    await byTestId('catalogue-file').setInputFiles(fixedFile);
    await byTestId('catalogue-import').click();
    await expect
      .poll(() => page.locator('[data-testid=import-error-row]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-line'))), { timeout: 180_000 })
      .toEqual(['4']);
    expect(await page.locator('[data-testid=import-error-row] td').nth(1).textContent()).toBe('code_barres : « 3900000000007 » est déjà celui du produit « Article importé n° 7 » (sku « IMP-7 »)');
    expect(await productCount()).toBe(beforeBad);
    // Only the valid lines, when the manager says so.
    await byTestId('import-mode-valid').check();
    await byTestId('catalogue-import').click();
    await expect.poll(() => byTestId('import-result').getAttribute('data-created'), { timeout: 180_000 }).toBe('3');
    expect(await productCount()).toBe(beforeBad + 3);
  });

  it('shows a dg the catalogue with costs, and the price of their own boutique only to set', { timeout: 120_000 }, async () => {
    await page.goto(`${api.url}/app/produits`);
    await byTestId('sign-out').click();
    await signInToAdmin(page, DEMO_USERS.dg.email, DEMO_USERS.dg.password);
    await byTestId('products-screen').waitFor();
    const total = (await api.call('get', `/api/tenants/${api.demoTenantId}/products?limit=1`, { token: pdgToken })).body.total as number;
    await expect.poll(() => byTestId('products-total').getAttribute('data-total'), WAIT).toBe(String(total));
    expect(await byTestId('user').textContent()).toContain(uiFr.roles.dg);
    await byTestId('products-search').fill('IMP-40');
    await expect.poll(() => byTestId('products-total').getAttribute('data-total'), WAIT).toBe('1');
    const row = page.locator('[data-testid=product-row][data-barcode="3900000000040"]');
    await expect.poll(() => row.locator('.col-costMinor').textContent(), WAIT).toBe(gnf(1_200));
    await shot('dg-list');
    await row.locator('.col-name a').click();
    await byTestId('product-form').waitFor();
    await expect.poll(() => byTestId('product-sku').inputValue(), WAIT).toBe('IMP-40');
    expect(await byTestId('product-barcodes').inputValue()).toBe('4900000000040');
    // The dg runs Kaloum: its price is theirs to set, Ratoma's is not.
    expect(await byTestId('product-boutique-price-KAL').isEnabled()).toBe(true);
    expect(await byTestId('product-boutique-price-RAT').isDisabled()).toBe(true);
    expect(await byTestId('product-boutique-price-RAT').inputValue()).toBe(String(600 + 40 * 25));
    await shot('dg-form', true);
    await page.goto(`${api.url}/app/produits/fichier`);
    await byTestId('catalogue-file-screen').waitFor();
    expect(await byTestId('catalogue-export').textContent()).toBe(uiFr.catalogueFile.export);
  });
});
