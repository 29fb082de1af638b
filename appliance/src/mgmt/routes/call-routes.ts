import type { RoutesConfig } from '../../config/index.ts';
import { audit } from '../audit.ts';
import { freshConfig, saveAndApply } from '../config-apply.ts';
import { ADMIN_ONLY } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { configWriteSchema } from '../schemas.ts';

type RoutesBody = { routes: RoutesConfig; comment: string };

/**
 * `/config/routes`: replaces the `routes` section as one new configuration version (the UI's
 * Routes page). The body only has to be an object here: the config store validates the result
 * with the configuration schema and the route checks, so every problem comes back as a detail
 * whose pointer is the config's own (`/routes/outbound/0/trunks/1`), the same as the CLI sees.
 * Reading is `GET /config/versions/:version`, which already carries the section.
 */
export const callRouteRoutes: AnyRoute[] = [
  route<Record<string, never>, RoutesBody>({
    method: 'PUT',
    path: '/config/routes',
    access: ADMIN_ONLY,
    summary: 'Replace the call routes (inbound, outbound, emergency numbers) with a change comment; saved as a new configuration version, then the PBX reloads',
    tag: 'config',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['routes', 'comment'],
      properties: { routes: { type: 'object' }, comment: { type: 'string', minLength: 1, maxLength: 200 } },
    },
    response: { status: 200, schema: configWriteSchema },
    async handler({ ctx, svc, user, body }) {
      const before = (await freshConfig(svc)).routes ?? {};
      const result = await saveAndApply(svc, (d) => void (d.routes = body.routes), { author: `web:${user!.username}`, comment: body.comment });
      audit(svc, ctx, user, { action: 'config.routes_updated', target: `version ${result.configVersion}`, outcome: 'ok', before, after: body.routes });
      return result;
    },
  }),
];
