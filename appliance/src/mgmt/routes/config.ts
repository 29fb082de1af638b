import { ConfigVersionNotFoundError, lineDiff, serializeConfig, type HotlineConfig } from '../../config/index.ts';
import { audit } from '../audit.ts';
import { applyToPbx, toApiError } from '../config-apply.ts';
import { ApiError } from '../errors.ts';
import { MASK, maskSecrets } from '../mask.ts';
import { ADMIN_ONLY, CONFIG_READERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { configVersionSchema, configWriteSchema } from '../schemas.ts';
import type { MgmtServices } from '../services.ts';

async function read(svc: MgmtServices, v: number): Promise<HotlineConfig> {
  try {
    return await svc.deps.config.read(v);
  } catch (err) {
    if (err instanceof ConfigVersionNotFoundError) throw new ApiError('NOT_FOUND', err.message, { messageZh: `配置版本 ${v} 不存在` });
    throw err;
  }
}

/**
 * Masks both sides for a diff, but marks a changed secret in `b` so the diff still shows that
 * extension's secret changed, without either value.
 */
function maskPair(a: HotlineConfig, b: HotlineConfig): [HotlineConfig, HotlineConfig] {
  const secretsA = new Map(a.extensions.map((e) => [e.number, e.secret]));
  const ma = maskSecrets(a);
  const mb = maskSecrets(b);
  mb.extensions.forEach((e, i) => {
    const old = secretsA.get(e.number);
    if (old !== undefined && old !== b.extensions[i].secret) e.secret = `${MASK} (changed)`;
  });
  return [ma, mb];
}

const versionParam = { type: 'integer', minimum: 1 };

/** `/config`: version history, masked views and diffs, rollback. */
export const configRoutes: AnyRoute[] = [
  route({
    method: 'GET',
    path: '/config/versions',
    access: CONFIG_READERS,
    summary: 'Every accepted configuration version, oldest first',
    tag: 'config',
    response: { status: 200, schema: { type: 'array', items: configVersionSchema } },
    handler({ svc }) {
      return svc.deps.config.history();
    },
  }),
  route({
    method: 'GET',
    path: '/config/versions/:version',
    access: CONFIG_READERS,
    summary: 'One configuration version, secrets masked',
    tag: 'config',
    params: { type: 'object', required: ['version'], properties: { version: versionParam } },
    response: { status: 200, schema: { type: 'object' } },
    async handler({ svc, params: p }) {
      return maskSecrets(await read(svc, Number(p.version)));
    },
  }),
  route<{ a: number; b: number }>({
    method: 'GET',
    path: '/config/diff',
    access: CONFIG_READERS,
    summary: 'Line diff between two versions (- only in a, + only in b), secrets masked',
    tag: 'config',
    query: { type: 'object', additionalProperties: false, required: ['a', 'b'], properties: { a: versionParam, b: versionParam } },
    response: { status: 200, schema: { type: 'object', required: ['diff'], properties: { diff: { type: 'string' } } } },
    async handler({ svc, query }) {
      const [ma, mb] = maskPair(await read(svc, query.a), await read(svc, query.b));
      const body = lineDiff(serializeConfig(ma), serializeConfig(mb));
      return { diff: `--- version ${query.a}\n+++ version ${query.b}\n` + (body || '(no differences)\n') };
    },
  }),
  route<Record<string, never>, { version: number; comment?: string }>({
    method: 'POST',
    path: '/config/rollback',
    access: ADMIN_ONLY,
    summary: 'Make a NEW version with the content of an older one, then the PBX reloads',
    tag: 'config',
    body: { type: 'object', additionalProperties: false, required: ['version'], properties: { version: versionParam, comment: { type: 'string', maxLength: 200 } } },
    response: { status: 200, schema: { type: 'object', properties: { ...configVersionSchema.properties, ...configWriteSchema.properties } } },
    async handler({ ctx, svc, user, body }) {
      await read(svc, body.version);
      const fromVersion = svc.deps.config.version;
      let saved;
      try {
        saved = await svc.deps.config.rollback(body.version, { author: `web:${user!.username}`, comment: body.comment ?? `rollback to version ${body.version}` });
      } catch (err) {
        throw toApiError(err);
      }
      const applied = await applyToPbx(svc, saved);
      audit(svc, ctx, user, { action: 'config.rollback', target: `version ${body.version}`, outcome: 'ok', before: { version: fromVersion }, after: { version: saved.version, contentOf: body.version } });
      return { ...saved, ...applied };
    },
  }),
];
