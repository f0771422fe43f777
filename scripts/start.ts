/**
 * `npm start`: the cloud API on the embedded database (demo tenant seeded when empty), and the
 * till: in Electron when its binary is installed, otherwise in the browser host, whose URL (with
 * its launch token) is printed. Nothing here needs Electron to be present.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPaymentConfig } from '../cloud/payments/config.js';
import { DEFAULT_SIMULATOR_PORT } from '../cloud/payments/simulators/credentials.js';
import { startPaymentSimulators } from '../cloud/payments/simulators/index.js';
import { startHost } from '../desktop/host/host.js';

// Simulator mode (no provider keys): the four payment simulators run beside the API, so a demo
// order or a counter mobile-money payment goes all the way through, and nothing real can move.
const payments = loadPaymentConfig(process.env);
const simulators = payments.mode === 'live' ? null : await startPaymentSimulators({ port: Number(process.env.PAYMENT_SIMULATOR_PORT ?? DEFAULT_SIMULATOR_PORT) });
// The managers' web admin at /app/: built before the API serves it, when missing or older than its sources.
const webAdminCheck = fileURLToPath(new URL('../cloud/web/admin/build-if-stale.ts', import.meta.url));
if (existsSync(webAdminCheck)) spawnSync('npx', ['tsx', webAdminCheck], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
await import('../cloud/api/main.js');

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const cloudUrl = process.env.AFRIGEST_CLOUD_URL ?? `http://127.0.0.1:${process.env.PORT ?? 4000}`;
if (simulators) void sendDemoWebhooks();
const tillDirectory = resolve(process.env.AFRIGEST_TILL_DIR ?? join(root, 'data', 'till'));
const rendererConfig = join(root, 'desktop', 'renderer', 'vite.config.ts');

/** Stripe and PayPal call one webhook URL per account: in simulator mode, the demo company's. */
async function sendDemoWebhooks(): Promise<void> {
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      const response = await fetch(`${cloudUrl}/api/storefront/demo?limit=1`);
      if (response.ok) {
        const shop = (await response.json()) as { tenantId: string };
        simulators?.sendWebhooksTo(cloudUrl, shop.tenantId);
        return;
      }
    } catch {
      // the API is still starting
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The Electron binary, when the `electron` package and its downloaded binary are both there. */
function electronBinary(): string | null {
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function run(command: string, args: string[]): boolean {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status === 0;
}

// The page is served built (strict CSP, no dev server): build it when missing or older than its sources.
const staleCheck = join(root, 'desktop', 'renderer', 'build-if-stale.ts');
if (existsSync(staleCheck)) run('npx', ['tsx', staleCheck]);
const rendererBuilt = existsSync(join(root, 'dist', 'renderer', 'index.html'));

const electron = process.env.AFRIGEST_NO_ELECTRON === '1' ? null : electronBinary();
if (electron && rendererBuilt && run('npx', ['tsc', '-b', 'desktop/main', 'desktop/preload', 'desktop/core'])) {
  const child = spawn(electron, [join(root, 'dist', 'desktop', 'main', 'main.js')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, AFRIGEST_CLOUD_URL: cloudUrl, AFRIGEST_TILL_DIR: tillDirectory },
  });
  child.on('exit', (code) => process.stdout.write(`AfriGest Caisse (Electron) fermée / closed (${code ?? 'signal'})\n`));
} else {
  // If the build failed, Vite serves the renderer from source.
  const host = await startHost({
    dataDirectory: tillDirectory,
    cloudUrl,
    port: Number(process.env.AFRIGEST_POS_PORT ?? 4100),
    dev: !rendererBuilt && existsSync(rendererConfig),
  });
  process.stdout.write(`\nAfriGest Caisse : ouvrez / open ${host.openUrl}\n\n`);
  process.stdout.write(`Administration web / web admin : ${cloudUrl}/app/\n`);
  if (simulators) process.stdout.write(`Boutique en ligne / storefront : ${cloudUrl}/boutique/demo\n${payments.notice}\n\n`);
  const stop = () => void host.close().then(() => simulators?.close());
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
