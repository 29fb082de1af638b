import { Router } from '@koa/router';
import type { Context } from 'koa';
import { authorize, STATE_CHANGING } from './auth/guard.ts';
import { readJsonBody } from './body.ts';
import type { AnyRoute } from './route-types.ts';
import type { MgmtServices } from './services.ts';
import { compileCheck, type Check } from './validation.ts';

/** Prefix of every API route. */
export const API_PREFIX = '/api/v1';

interface Compiled {
  params?: Check;
  query?: Check;
  body?: Check;
}

/**
 * Builds the koa router from the route table: per route, the access guard, schema checks of
 * params, query and body (compiled once, here), then the handler. Nothing else registers routes,
 * so no path can skip the guard.
 */
export function buildRouter(table: readonly AnyRoute[], svc: MgmtServices): Router {
  const router = new Router({ prefix: API_PREFIX });
  for (const def of table) {
    const checks: Compiled = {
      params: def.params && compileCheck(def.params, 'params'),
      query: def.query && compileCheck(def.query, 'query'),
      body: def.body && compileCheck(def.body, 'body'),
    };
    const method = def.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
    router[method](def.path, async (ctx: Context & { params: Record<string, string> }) => {
      const { session, user } = authorize(ctx, svc, def.access, def.beforePasswordChange ?? false);
      const params = { ...ctx.params };
      checks.params?.(params);
      const query: Record<string, unknown> = { ...ctx.query };
      if (checks.query) checks.query(query);
      let body: unknown = undefined;
      if (STATE_CHANGING.has(ctx.method) && def.body) {
        body = await readJsonBody(ctx);
        checks.body?.(body);
      }
      const out = await def.handler({ ctx, svc, session, user, params, query, body });
      if (out !== undefined) {
        ctx.status = def.response.status;
        ctx.body = out;
      } else if (ctx.body === undefined && def.response.status === 204) ctx.status = 204;
    });
  }
  return router;
}
