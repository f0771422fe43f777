/**
 * What every browser test starts from: Debian's Chromium with the flags these machines need, the
 * apps built as they are now (the admin, the till's renderer), and where screenshots go.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Browser tests skip themselves where Chromium is absent (`describe.skipIf(!HAS_CHROMIUM)`). */
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const SCREENSHOTS = join(ROOT, 'test', 'e2e', 'screenshots');

export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** A French manager's or cashier's screen: 1366×768 unless told, Conakry time. */
export async function frenchPage(browser: Browser, viewport = { width: 1366, height: 768 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'Africa/Conakry' });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return { context, page };
}

/** `shot('stock-matrix')` keeps test/e2e/screenshots/<prefix>-stock-matrix.png. */
export function screenshotter(page: Page, prefix: string): (name: string, options?: { fullPage?: boolean }) => Promise<unknown> {
  return (name, options) => page.screenshot({ path: join(SCREENSHOTS, `${prefix}-${name}.png`), fullPage: options?.fullPage ?? false });
}

/** The web admin as it is now, built for this run into `outDir`; serve it with `WEB_ADMIN_DIR`. */
export async function buildAdminApp(outDir: string): Promise<string> {
  await build({ configFile: join(ROOT, 'cloud', 'web', 'admin', 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  return outDir;
}

/** The till's renderer as it is now, built for this run into `outDir`; the host serves it. */
export async function buildTillRenderer(outDir: string): Promise<string> {
  await build({ configFile: join(ROOT, 'desktop', 'renderer', 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  return outDir;
}

/** Signs a user of the demo company into the admin app (the sign-in form is on screen). */
export async function signInToAdmin(page: Page, email: string, password: string, tenant = 'demo'): Promise<void> {
  await page.getByTestId('signin-form').waitFor();
  await page.getByTestId('signin-tenant').fill(tenant);
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
}
