/**
 * Before `npm run desktop:web`: builds the renderer into dist/renderer/ when it is missing or
 * older than its sources (the renderer, shared/ and the bridge), so the host never serves a
 * stale or absent page. Node only; not part of the page.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const built = join(root, 'dist', 'renderer', 'index.html');
const sources = [join(root, 'desktop', 'renderer'), join(root, 'shared'), join(root, 'desktop', 'bridge')];

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
  process.stdout.write('Construction de l’interface de caisse… / Building the till UI…\n');
  const result = spawnSync('npx', ['vite', 'build', '--config', join(root, 'desktop', 'renderer', 'vite.config.ts')], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(result.status ?? 1);
}
