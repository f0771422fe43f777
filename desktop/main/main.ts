/**
 * Electron's entry (electron-builder's `main`): wires the real electron module into the shell.
 * Paths are those of the compiled tree: dist/desktop/{main,preload,core} and dist/renderer.
 */
import electron from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerScheme, startShell } from './shell.js';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..');

registerScheme(electron);
startShell(electron, {
  preloadPath: join(here, '..', 'preload', 'preload.cjs'),
  rendererDirectory: process.env.AFRIGEST_RENDERER_DIR ?? join(dist, 'renderer'),
  coreEntry: join(here, '..', 'core', 'utility-entry.js'),
  dataDirectory: process.env.AFRIGEST_TILL_DIR ?? join(electron.app.getPath('userData'), 'till'),
  ...(process.env.AFRIGEST_CLOUD_URL ? { cloudUrl: process.env.AFRIGEST_CLOUD_URL } : {}),
  iconPath: join(dist, '..', 'resources', 'icon.png'),
});
