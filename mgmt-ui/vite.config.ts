// Vite build of the management UI. The mgmt service serves `dist/` and the API on one
// origin, so the dev server proxies `/api` (HTTP and the `/api/v1/live` WebSocket) to
// a locally running mgmt service instead of enabling CORS anywhere.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const target = process.env.HOTLINE_MGMT_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle: the appliance is reached over a LAN, and the budget is 250 KB gzipped.
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': { target, changeOrigin: false, ws: true },
    },
  },
});
