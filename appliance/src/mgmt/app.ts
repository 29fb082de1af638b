import Koa from 'koa';
import { moduleLogger } from '../log.ts';
import type { MgmtDeps } from './deps.ts';
import { errorHandler } from './errors.ts';
import { routeTable } from './route-table.ts';
import { buildRouter } from './router.ts';
import { securityHeaders } from './security-headers.ts';
import { buildServices, type MgmtServices } from './services.ts';
import { staticUi } from './static-ui.ts';

/** Options of `createMgmtApp`. */
export interface MgmtAppOptions {
  /** Directory of the built UI (`mgmt-ui/dist`); omitted: API only. */
  uiDir?: string;
}

/** The Koa app and the services behind it (the live WebSocket and tests share them). */
export interface MgmtApp {
  app: Koa;
  services: MgmtServices;
}

/**
 * Builds the management app from injected deps; no listening, no global state, so tests run it
 * in-process with `http.createServer(app.callback())`.
 */
export function createMgmtApp(deps: MgmtDeps, options: MgmtAppOptions = {}): MgmtApp {
  const log = moduleLogger('mgmt-http');
  const services = buildServices(deps);
  const app = new Koa();
  // Koa's own 'error' event would print a second copy of what errorHandler already logged.
  app.silent = true;
  app.use(errorHandler(log));
  app.use(securityHeaders);
  const router = buildRouter(routeTable, services);
  app.use(router.routes());
  app.use(router.allowedMethods());
  if (options.uiDir) app.use(staticUi(options.uiDir));
  return { app, services };
}
