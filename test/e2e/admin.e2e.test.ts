/**
 * The managers' web admin in Chromium, served by a real API at /app/: a pdg signs in and reads
 * the catalogue (search, filters, order, 100,000 rows scrolled), a product is refused with
 * French reasons then created; a reload keeps the session (the refresh cookie), logout ends it;
 * a temporary password forces its change first; a cashier sees none of the admin.
 * Screenshots (1366×768) land in test/e2e/screenshots/admin-*.png.
 *
 * The catalogue API (products and categories) is built beside this app. While the API does not
 * answer its contract yet, this file alone answers those two routes inside the browser with
 * 100,000 generated products; once it does, the same steps run against it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, startTestApi, type TestApi } from '../../cloud/api/test-support.js';
import { uiFr } from '../../cloud/web/admin/src/i18n/fr.js';
import { fr } from '../../shared/i18n/fr.js';
import { formatMoney } from '../../shared/money.js';
import type { Category } from '../../shared/schema/categories.js';
import type { Product } from '../../shared/schema/products.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(ROOT, 'test', 'e2e', 'screenshots');
const WAIT = { timeout: 30_000 };
const gnf = (minor: number) => formatMoney(minor, 'GNF', 'fr-GN');

/** The contract's answers, for as long as the API does not give them itself. */
function contractStub(tenantId: string, count: number) {
  const names = ['Riz parfumé', 'Huile d’arachide', 'Sucre en poudre', 'Lait concentré', 'Savon de Marseille', 'Tomate concentrée', 'Café soluble', 'Farine de blé', 'Sardines à l’huile', 'Eau minérale'];
  const categories: Category[] = ['Épicerie', 'Boissons', 'Hygiène', 'Conserves', 'Produits laitiers', 'Entretien'].map((name, i) => ({ id: `cat-${i + 1}`, tenantId, code: `C${i + 1}`, name, updatedAt: '2026-01-05T10:00:00.000Z' }));
  const products: Product[] = Array.from({ length: count }, (_, i) => {
    const name = `${names[i % names.length]} n° ${i + 1}`;
    return {
      id: `p-${String(i + 1).padStart(6, '0')}`,
      tenantId,
      barcode: `619${String(1_000_000_000 + i * 7919).padStart(10, '0')}`,
      name,
      searchName: name.toLowerCase().normalize('NFD').replace(/\p{M}/gu, ''),
      categoryId: categories[i % categories.length]!.id,
      priceMinor: 500 + ((i * 2_371) % 250_000),
      vatRateBp: i % 9 === 0 ? 0 : 1800,
      unit: i % 11 === 0 ? 'kg' : i % 13 === 0 ? 'l' : 'piece',
      active: i % 17 !== 0,
      updatedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    };
  });
  const sorted = new Map<string, Product[]>();
  const byKey = (key: string) => {
    let list = sorted.get(key);
    if (!list) {
      const k = key as 'name' | 'barcode' | 'priceMinor' | 'updatedAt';
      list = [...products].sort((a, b) => (a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : a.id < b.id ? -1 : 1));
      sorted.set(key, list);
    }
    return list;
  };
  const json = (route: Route, status: number, body: unknown) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  const requests: string[] = [];
  return {
    requests,
    async handle(route: Route) {
      const request = route.request();
      const url = new URL(request.url());
      requests.push(`${request.method()} ${url.pathname}${url.search}`);
      if (!request.headers().authorization?.startsWith('Bearer ')) return json(route, 401, { error: { code: 'UNAUTHENTICATED', message: fr.errors.UNAUTHENTICATED } });
      if (url.pathname.endsWith('/categories')) return json(route, 200, { categories });
      const one = url.pathname.match(/\/products\/([^/]+)$/);
      if (request.method() === 'POST') {
        const body = JSON.parse(request.postData() ?? '{}') as Product;
        const product = { ...body, id: `p-new-${products.length + 1}`, tenantId, searchName: body.name.toLowerCase(), active: body.active ?? true, updatedAt: new Date().toISOString() };
        products.push(product);
        sorted.clear();
        return json(route, 201, { product });
      }
      if (one) {
        const found = products.find((p) => p.id === decodeURIComponent(one[1]!));
        if (!found) return json(route, 404, { error: { code: 'PRODUCT_NOT_FOUND', message: 'Produit introuvable.' } });
        if (request.method() === 'PATCH') Object.assign(found, JSON.parse(request.postData() ?? '{}'), { updatedAt: new Date().toISOString() });
        return json(route, 200, { product: found });
      }
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      const categoryId = url.searchParams.get('categoryId') ?? '';
      const status = url.searchParams.get('status') ?? 'active';
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const offset = Number(url.searchParams.get('after') ?? 0);
      let list = byKey(url.searchParams.get('sort') ?? 'name');
      if (url.searchParams.get('dir') === 'desc') list = [...list].reverse();
      list = list.filter((p) => (status === 'all' || p.active === (status === 'active')) && (!categoryId || p.categoryId === categoryId) && (!q || p.searchName.includes(q) || p.barcode === q));
      const page = list.slice(offset, offset + limit);
      return json(route, 200, { products: page, nextCursor: offset + limit < list.length ? String(offset + limit) : null, total: list.length });
    },
  };
}

describe.skipIf(!existsSync(CHROMIUM))('the web admin in Chromium, served by the API', () => {
  let api: TestApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let work: string;
  let stub: ReturnType<typeof contractStub> | null = null;
  let pdgToken: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'afrigest-admin-e2e-'));
    const webDir = join(work, 'web-admin');
    // The admin as it is now, built once for this run and served by the API at /app/.
    await build({ configFile: join(ROOT, 'cloud', 'web', 'admin', 'vite.config.ts'), logLevel: 'warn', build: { outDir: webDir, emptyOutDir: true, sourcemap: false } });
    api = await startTestApi({ WEB_ADMIN_DIR: webDir });
    pdgToken = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    const probe = await api.call('get', `/api/tenants/${api.demoTenantId}/products?limit=1&status=all&sort=name&dir=asc`, { token: pdgToken });
    const categories = await api.call('get', `/api/tenants/${api.demoTenantId}/categories`, { token: pdgToken });
    const contractServed = probe.status === 200 && typeof probe.body?.total === 'number' && 'nextCursor' in probe.body && categories.status === 200;
    if (!contractServed) stub = contractStub(api.demoTenantId, 100_000);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'fr-FR', timezoneId: 'Africa/Conakry' });
    if (stub) await context.route((url) => /\/api\/tenants\/[^/]+\/(products|categories)(\/|$)/.test(url.pathname), (route) => stub!.handle(route));
    page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const byTestId = (id: string) => page.getByTestId(id);
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `admin-${name}.png`) });

  async function signIn(email: string, password: string) {
    await byTestId('signin-form').waitFor();
    await byTestId('signin-tenant').fill('demo');
    await byTestId('signin-email').fill(email);
    await byTestId('signin-password').fill(password);
    await byTestId('signin-submit').click();
  }

  async function signOut() {
    await byTestId('sign-out').click();
    await byTestId('signin-form').waitFor();
  }

  it('signs a pdg in, shows the menu and the catalogue: total, GNF prices, filters, order and 100,000 rows scrolled', { timeout: 180_000 }, async () => {
    await page.goto(`${api.url}/app/`);
    await byTestId('signin-form').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    // Empty fields are named in French before any call.
    await byTestId('signin-submit').click();
    await expect.poll(() => byTestId('signin-tenant-error').textContent()).toBe(uiFr.signIn.tenantRequired);
    await byTestId('signin-tenant').fill('demo');
    await byTestId('signin-email').fill(DEMO_USERS.pdg.email);
    await byTestId('signin-password').fill('pas-le-bon');
    await byTestId('signin-submit').click();
    await expect.poll(() => byTestId('signin-error').textContent(), WAIT).toBe(fr.errors.INVALID_CREDENTIALS);
    await shot('signin-error');

    await signIn(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password);
    await byTestId('products-screen').waitFor();
    expect(page.url()).toBe(`${api.url}/app/produits`);
    expect(await byTestId('menu').locator('a').allTextContents()).toEqual([uiFr.nav.products]);
    expect(await byTestId('user').textContent()).toContain('PDG');

    // The refresh token never reaches the page: only the httpOnly cookie holds it.
    const cookies = await context.cookies(`${api.url}/api/auth/refresh`);
    const refresh = cookies.find((c) => c.name === 'afrigest_refresh')!;
    expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/auth' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(refresh.value);

    const expectedTotal = stub ? 100_000 - Math.ceil(100_000 / 17) : (await api.call('get', `/api/tenants/${api.demoTenantId}/products?limit=1&status=active`, { token: pdgToken })).body.total;
    await expect.poll(() => byTestId('products-total').getAttribute('data-total'), WAIT).toBe(String(expectedTotal));
    const first = byTestId('product-row').first();
    await first.waitFor();
    // Prices in GNF, without decimals, as the till shows them.
    const priceText = (await first.locator('.col-priceMinor').textContent())!;
    expect(priceText).toMatch(/^[\d\u202f\u00a0 ]+GNF$/);
    await shot('products');

    // Order by price, descending: the API sorts, the header says so.
    await byTestId('sort-priceMinor').click();
    await expect.poll(() => page.locator('[role=columnheader].col-priceMinor').getAttribute('aria-sort')).toBe('ascending');
    await byTestId('sort-priceMinor').click();
    await expect.poll(() => page.locator('[role=columnheader].col-priceMinor').getAttribute('aria-sort')).toBe('descending');
    expect(page.url()).toContain('tri=priceMinor');
    const prices = async () => (await page.locator('[data-testid=product-row] .col-priceMinor').allTextContents()).map((t) => Number(t.replace(/\D/g, '')));
    await expect.poll(async () => { const p = await prices(); return p.length > 5 && p.every((v, i) => i === 0 || v <= p[i - 1]!); }, WAIT).toBe(true);

    if (stub) {
      // Deep into the list: pages come as the rows near the bottom, and the page keeps only what shows.
      const scroller = byTestId('products-scroller');
      for (let i = 0; i < 12; i++) {
        await scroller.evaluate((el) => el.scrollBy(0, el.scrollHeight));
        await page.waitForTimeout(150);
      }
      await expect.poll(() => stub!.requests.filter((r) => r.includes('after=')).length, WAIT).toBeGreaterThanOrEqual(5);
      expect(await byTestId('product-row').count()).toBeLessThan(60);
      await shot('products-scrolled');
    }

    // Search, category and archived: the total follows the filters.
    await byTestId('sort-name').click();
    await byTestId('products-status').selectOption('archived');
    await expect.poll(() => page.locator('[data-testid=product-row] .badge').first().textContent(), WAIT).toBe(uiFr.products.archived);
    await byTestId('products-status').selectOption('active');
    const categoryOptions = await byTestId('products-category').locator('option').allTextContents();
    expect(categoryOptions[0]).toBe(uiFr.products.allCategories);
    if (stub) {
      await byTestId('products-search').fill('sucre');
      await byTestId('products-category').selectOption({ label: 'Épicerie' });
      await expect.poll(() => byTestId('products-total').getAttribute('data-total'), WAIT).not.toBe(String(expectedTotal));
      await expect.poll(async () => { const names = await page.locator('[data-testid=product-row] .col-name').allTextContents(); return names.length > 0 && names.every((n) => n.startsWith('Sucre')); }, WAIT).toBe(true);
      await expect.poll(async () => (await page.locator('[data-testid=product-row] .col-category').allTextContents()).every((c) => c === 'Épicerie'), WAIT).toBe(true);
      await shot('products-filtered');
      await byTestId('products-search').fill('aucun-produit-de-ce-nom');
      await byTestId('products-empty').waitFor();
      expect(await byTestId('products-empty').textContent()).toBe(uiFr.products.empty);
      await byTestId('products-search').fill('');
      await byTestId('products-category').selectOption('');
    }
  });

  it('refuses an incomplete product with French reasons, then creates it', { timeout: 120_000 }, async () => {
    await page.goto(`${api.url}/app/produits`);
    await byTestId('product-new').click();
    await byTestId('product-form').waitFor();
    await byTestId('product-save').click();
    await expect.poll(() => byTestId('product-form-error').textContent()).toBe(uiFr.productForm.fix);
    expect(await byTestId('product-barcode-error').textContent()).toBe(uiFr.productForm.barcodeRequired);
    expect(await byTestId('product-name-error').textContent()).toBe(uiFr.productForm.nameRequired);
    expect(await byTestId('product-category-error').textContent()).toBe(uiFr.productForm.categoryRequired);
    expect(await byTestId('product-price-error').textContent()).toBe(uiFr.productForm.priceRequired);
    await byTestId('product-barcode').fill('611 222');
    await byTestId('product-price').fill('12 500,75');
    await byTestId('product-vat').fill('120');
    await byTestId('product-save').click();
    await expect.poll(() => byTestId('product-barcode-error').textContent()).toBe(uiFr.productForm.barcodeFormat);
    expect(await byTestId('product-price-error').textContent()).toBe(uiFr.productForm.priceInvalid);
    expect(await byTestId('product-vat-error').textContent()).toBe(uiFr.productForm.vatInvalid);
    await shot('product-form-errors');

    const barcode = `6119${Date.now().toString().slice(-9)}`;
    await byTestId('product-barcode').fill(barcode);
    await byTestId('product-name').fill('Attiéké de Coyah 1 kg');
    await byTestId('product-category').selectOption({ index: 1 });
    await byTestId('product-unit-kg').check();
    await byTestId('product-price').fill('15 000');
    await byTestId('product-vat').fill('18');
    await expect.poll(() => byTestId('product-price-hint').textContent()).toContain(gnf(15_000));
    await shot('product-form');
    await byTestId('product-save').click();
    await byTestId('products-flash').waitFor();
    expect(await byTestId('products-flash').textContent()).toBe('Produit « Attiéké de Coyah 1 kg » enregistré.');
    await byTestId('products-search').fill(barcode);
    await expect.poll(() => page.locator(`[data-testid=product-row][data-barcode="${barcode}"] .col-priceMinor`).textContent(), WAIT).toBe(gnf(15_000));
    await byTestId('products-search').fill('');
  });

  it('keeps the session through a reload (the cookie), and logout ends it', { timeout: 60_000 }, async () => {
    await page.goto(`${api.url}/app/produits`);
    await byTestId('products-screen').waitFor();
    await page.reload();
    await byTestId('products-screen').waitFor();
    expect(await byTestId('user').textContent()).toContain('PDG');
    await signOut();
    expect((await context.cookies(`${api.url}/api/auth/refresh`)).find((c) => c.name === 'afrigest_refresh')).toBeUndefined();
    await page.reload();
    await byTestId('signin-form').waitFor();
    await shot('signed-out');
  });

  it('forces a temporary password to be changed before anything else', { timeout: 90_000 }, async () => {
    const admin = await api.login(DEMO_USERS.admin.email, DEMO_USERS.admin.password);
    const users = await api.call('get', `/api/tenants/${api.demoTenantId}/users`, { token: admin.accessToken });
    const dg = users.body.users.find((u: { email: string }) => u.email === DEMO_USERS.dg.email);
    const reset = await api.call('post', `/api/tenants/${api.demoTenantId}/users/${dg.id}/reset-password`, { token: admin.accessToken, body: { reason: 'oubli signalé par téléphone' } });
    expect(reset.status).toBe(200);
    const temporary = reset.body.temporaryPassword as string;

    await page.goto(`${api.url}/app/produits`);
    await signIn(DEMO_USERS.dg.email, temporary);
    await byTestId('password-form').waitFor();
    expect(await byTestId('menu').count()).toBe(0);
    // A reload does not get past it either.
    await page.reload();
    await byTestId('password-form').waitFor();
    await byTestId('password-current').fill(temporary);
    await byTestId('password-next').fill('court');
    await byTestId('password-submit').click();
    await expect.poll(() => byTestId('password-next-error').textContent()).toBe(uiFr.password.weak);
    await byTestId('password-next').fill('GerantConakry2026');
    await byTestId('password-confirm').fill('GerantConakry2025');
    await byTestId('password-submit').click();
    await expect.poll(() => byTestId('password-confirm-error').textContent()).toBe(uiFr.password.mismatch);
    await shot('password-change');
    await byTestId('password-confirm').fill('GerantConakry2026');
    await byTestId('password-submit').click();
    await byTestId('products-screen').waitFor();
    expect(await byTestId('user').textContent()).toContain('gérant');
    await page.reload();
    await byTestId('products-screen').waitFor();
    await signOut();
  });

  it('shows a cashier none of the admin: why, in French, and the way out', { timeout: 60_000 }, async () => {
    await page.goto(`${api.url}/app/produits`);
    await signIn(DEMO_USERS.employee.email, DEMO_USERS.employee.password);
    await byTestId('no-access').waitFor();
    expect(await byTestId('no-access').locator('h1').textContent()).toBe(uiFr.noAccess.title);
    expect(await byTestId('menu').count()).toBe(0);
    expect(await byTestId('products-screen').count()).toBe(0);
    await shot('employee');
    await signOut();
  });

  it('switches to English and back', { timeout: 60_000 }, async () => {
    await page.goto(`${api.url}/app/`);
    await byTestId('signin-form').waitFor();
    await byTestId('language-switch').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await signIn(DEMO_USERS.pdg.email, 'wrong-password');
    await expect.poll(() => byTestId('signin-error').textContent(), WAIT).toBe('Wrong e-mail address or password.');
    await signIn(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password);
    await byTestId('products-screen').waitFor();
    await byTestId('product-row').first().waitFor();
    await shot('products-en');
    await byTestId('language-switch').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(uiFr.products.title);
    await signOut();
  });
});
