/**
 * The web admin's build: `dist/web-admin/`, served by the API at /app/. Built alone for another
 * origin with `VITE_API_URL=https://api.example.gn` (that origin must be in the API's
 * ALLOWED_ORIGINS) and, when it is served at the root of its own site, `VITE_BASE=/`.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: process.env.VITE_BASE ?? '/app/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../../dist/web-admin', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  // `npx vite --config cloud/web/admin/vite.config.ts` with VITE_API_URL=http://localhost:4000:
  // localhost:5173 is in the API's default ALLOWED_ORIGINS, and the same site for the cookie.
  server: { port: 5173, strictPort: true },
});
