import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { Context, Next } from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * Serves the built UI from `dir` for GET/HEAD outside `/api/`; unknown paths get index.html (the
 * SPA routes them). Without a build, a short page says how to make one.
 */
export function staticUi(dir: string) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.path.startsWith('/api/')) return next();
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'Hotline management API is running. The UI is not built: run `npm run -w @hotline/mgmt-ui build`.\n';
      return;
    }
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(ctx.path)).replace(/^([/\\])+/, '');
    } catch {
      ctx.status = 400;
      return;
    }
    const file = join(dir, rel);
    const inside = file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
    const target = inside && rel !== '' && existsSync(file) && statSync(file).isFile() ? file : index;
    ctx.type = TYPES[extname(target)] ?? 'application/octet-stream';
    // Vite puts a content hash in asset names, so they may be cached for good; index.html never.
    ctx.set('Cache-Control', target === index ? 'no-cache' : 'public, max-age=31536000, immutable');
    ctx.body = createReadStream(target);
  };
}
