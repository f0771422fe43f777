/**
 * The counter UI's build: `npm run build:renderer` writes dist/renderer/, served by the browser
 * host over http and by Electron from app://. Relative asset paths work under both.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The till runs offline: everything ships in the bundle, nothing is fetched from a CDN.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
});
