// The import boundaries of ARCHITECTURE §2, enforced on every `npm test`.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const zones = [
  // shared/ imports nothing of ours.
  { target: './shared', from: ['./sync', './desktop', './cloud', './bench', './scripts', './test'], message: 'shared/ is the pure domain: it imports nothing of ours.' },
  // sync/ imports shared/ only.
  { target: './sync', from: ['./desktop', './cloud', './bench', './scripts', './test'], message: 'sync/ imports shared/ only.' },
  // desktop and cloud never import each other.
  { target: './desktop', from: ['./cloud'], message: 'desktop/ never imports cloud/.' },
  { target: './cloud', from: ['./desktop'], message: 'cloud/ never imports desktop/.' },
  // The bridge contract stands on shared/ alone.
  { target: './desktop/bridge', from: ['./desktop/core', './desktop/main', './desktop/preload', './desktop/renderer', './desktop/host', './sync', './bench', './scripts', './test'], message: 'desktop/bridge imports shared/ only.' },
  // The core is plain Node: no Electron shell, no UI.
  { target: './desktop/core', from: ['./desktop/main', './desktop/preload', './desktop/renderer', './desktop/host'], message: 'desktop/core never imports main, preload, renderer or host.' },
  // The host runs core and serves the renderer's files; it never loads the Electron shell.
  { target: './desktop/host', from: ['./desktop/main', './desktop/preload', './desktop/renderer'], message: 'desktop/host runs core and the bridge, not the Electron shell or the UI code.' },
  // Main starts core in a utilityProcess by path: importing it would put SQLite on the window's thread.
  { target: './desktop/main', from: ['./desktop/core', './desktop/renderer', './desktop/host', './desktop/preload'], message: 'desktop/main relays to core in a utilityProcess; it imports the bridge and shared/ only.' },
  { target: './desktop/preload', from: ['./desktop/core', './desktop/main', './desktop/renderer', './desktop/host', './sync'], message: 'desktop/preload exposes the bridge only.' },
  // The renderer sees shared/ and the bridge types, nothing else.
  { target: './desktop/renderer', from: ['./desktop/core', './desktop/main', './desktop/preload', './desktop/host', './sync', './bench', './scripts', './test'], message: 'the renderer talks to core only through the bridge.' },
  // The web admin talks to the API over HTTP only.
  { target: './cloud/web', from: ['./cloud/api', './cloud/db', './cloud/payments', './sync'], message: 'cloud/web talks to the API over HTTP only.' },
];

const onlyIn = (name, where) => ({ name, message: `${name} is only imported in ${where}.` });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', '**/*.d.ts', 'test-results/**', 'cloud/web/dist/**', 'desktop/renderer/dist/**'] },
  {
    files: ['**/*.ts', '**/*.cts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    plugins: { 'import-x': importX, '@typescript-eslint': tseslint.plugin },
    settings: { 'import-x/resolver': { typescript: { alwaysTryTypes: true, project: './tsconfig.base.json' }, node: true } },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [
        onlyIn('electron', 'desktop/main and desktop/preload'),
        onlyIn('better-sqlite3', 'desktop/core/db'),
        onlyIn('pg', 'cloud/'),
        onlyIn('express', 'cloud/'),
        onlyIn('stripe', 'cloud/payments'),
        onlyIn('@paypal/paypal-server-sdk', 'cloud/payments'),
      ] }],
    },
  },
  // Each package is allowed back where it belongs.
  { files: ['desktop/main/**', 'desktop/preload/**'], rules: { 'no-restricted-imports': ['error', { paths: [onlyIn('better-sqlite3', 'desktop/core/db'), onlyIn('pg', 'cloud/'), onlyIn('express', 'cloud/')] }] } },
  { files: ['desktop/core/db/**', 'bench/**'], rules: { 'no-restricted-imports': ['error', { paths: [onlyIn('electron', 'desktop/main and desktop/preload'), onlyIn('pg', 'cloud/'), onlyIn('express', 'cloud/')] }] } },
  { files: ['cloud/**', 'bench/**', 'test/**', 'scripts/**'], ignores: ['cloud/web/**'], rules: { 'no-restricted-imports': ['error', { paths: [onlyIn('electron', 'desktop/main and desktop/preload'), onlyIn('better-sqlite3', 'desktop/core/db')] }] } },
  { files: ['bench/**'], rules: { 'no-restricted-imports': 'off' } },
  // The counter page runs sandboxed (no Node): it reaches the till through the bridge only.
  {
    files: ['desktop/renderer/src/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [onlyIn('electron', 'desktop/main and desktop/preload'), onlyIn('better-sqlite3', 'desktop/core/db'), onlyIn('pg', 'cloud/'), onlyIn('express', 'cloud/'), onlyIn('ws', 'desktop/host (the page uses the browser WebSocket)'), onlyIn('rxdb', 'desktop/core and sync/')],
        patterns: [{ group: ['node:*'], message: 'the renderer is a sandboxed page without Node: ask core through the bridge.' }],
      }],
    },
  },
);
