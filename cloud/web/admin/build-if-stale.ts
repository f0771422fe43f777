/**
 * Before `npm start` serves /app/: builds the web admin into dist/web-admin/ when it is missing
 * or older than its sources (the admin and shared/), so the API never serves a stale or absent
 * page. Node only; not part of the page.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const built = join(root, 'dist', 'web-admin', 'index.html');
const sources = [join(root, 'cloud', 'web', 'admin'), join(root, 'shared')];

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.endsWith('.test.ts')) continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

const stale = !existsSync(built) || sources.some((dir) => existsSync(dir) && newest(dir) > statSync(built).mtimeMs);
if (stale) {
  process.stdout.write('Construction de l’administration web… / Building the web admin…\n');
  const result = spawnSync('npx', ['vite', 'build', '--config', join(root, 'cloud', 'web', 'admin', 'vite.config.ts')], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(result.status ?? 1);
}
