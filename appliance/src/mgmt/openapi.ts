import { errorResponseSchema } from './schemas.ts';
import { allowedRoles } from './roles.ts';
import type { AnyRoute, JsonSchema } from './route-types.ts';
import { API_PREFIX } from './router.ts';

/** `/extensions/:number` → `/extensions/{number}` (OpenAPI path templating). */
export const openApiPath = (path: string) => API_PREFIX + path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const jsonError = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/**
 * The OpenAPI 3.1 document, generated from the route table so it cannot drift from the router.
 * Each operation carries its allowed roles in `x-roles` (and `x-access` for public/any-role routes).
 */
export function buildOpenApi(table: readonly AnyRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of table) {
    const parameters: unknown[] = [];
    for (const [name, schema] of Object.entries((r.params?.properties ?? {}) as Record<string, JsonSchema>)) parameters.push({ name, in: 'path', required: true, schema });
    const required = new Set((r.query?.required ?? []) as string[]);
    for (const [name, schema] of Object.entries((r.query?.properties ?? {}) as Record<string, JsonSchema>)) parameters.push({ name, in: 'query', required: required.has(name), schema });
    const responses: Record<string, unknown> = {
      [r.response.status]: {
        description: r.response.description ?? 'success',
        ...(r.response.schema ? { content: { [r.response.contentType ?? 'application/json']: { schema: r.response.schema } } } : {}),
      },
      default: jsonError('error (see the error format in docs/api.md)'),
    };
    if (r.access !== 'public') {
      responses['401'] = jsonError('UNAUTHENTICATED');
      responses['403'] = jsonError('FORBIDDEN, CSRF or PASSWORD_CHANGE_REQUIRED');
    }
    if (r.body || r.query || r.params) responses['400'] = jsonError('VALIDATION');
    const op: Record<string, unknown> = {
      operationId: operationId(r),
      summary: r.summary,
      tags: [r.tag],
      'x-roles': [...allowedRoles(r.access)],
      'x-access': typeof r.access === 'string' ? r.access : 'roles',
      parameters,
      responses,
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: r.body } } };
    if (r.access !== 'public') op.security = [{ session: [] }];
    (paths[openApiPath(r.path)] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Hotline management API', version, description: 'Generated from appliance/src/mgmt/route-table.ts. See docs/api.md.' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'hotline_session' } },
      schemas: { Error: errorResponseSchema },
    },
    paths,
  };
}

/** A stable camelCase id from method and path, e.g. `putExtensionsByNumber`. */
function operationId(r: AnyRoute): string {
  const words = r.path
    .split('/')
    .filter(Boolean)
    .map((seg) => (seg.startsWith(':') ? `By-${seg.slice(1)}` : seg))
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return r.method.toLowerCase() + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}
