import type { ExtensionConfig } from '../../config/index.ts';
import type { PbxStatus } from '../../control/index.ts';
import { audit } from '../audit.ts';
import { freshConfig, saveAndApply } from '../config-apply.ts';
import { ApiError } from '../errors.ts';
import { ADMIN_ONLY, OPERATIONS_READERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { configWriteSchema, extensionNumber, extensionSchema, paging } from '../schemas.ts';
import type { MgmtServices } from '../services.ts';

/** An extension without its secret (write-only field), with registration state from the PBX. */
function view(e: ExtensionConfig, status: PbxStatus | undefined) {
  const contacts = status?.registrations.filter((r) => r.extension === e.number).length ?? 0;
  return { number: e.number, ...(e.name !== undefined ? { name: e.name } : {}), maxContacts: e.maxContacts, callWaiting: e.callWaiting, registered: contacts > 0, contacts };
}

const pbxStatus = (svc: MgmtServices) => svc.deps.pbx.status().catch(() => undefined);
const meta = (username: string, comment: string) => ({ author: `web:${username}`, comment });
const params = { type: 'object', required: ['number'], properties: { number: extensionNumber } };
const writable = {
  name: { type: 'string', minLength: 1, maxLength: 64 },
  secret: { type: 'string', minLength: 8, maxLength: 128, writeOnly: true },
  maxContacts: { type: 'integer', minimum: 1, maximum: 20 },
  callWaiting: { type: 'boolean' },
};

async function requireExtension(svc: MgmtServices, number: string): Promise<ExtensionConfig> {
  const e = (await freshConfig(svc)).extensions.find((x) => x.number === number);
  if (!e) throw new ApiError('NOT_FOUND', `extension ${number} does not exist`, { messageZh: `分机 ${number} 不存在` });
  return e;
}

type ExtensionBody = { number: string; name?: string; secret: string; maxContacts?: number; callWaiting?: boolean };
type ExtensionPatch = Omit<Partial<ExtensionBody>, 'number'>;

/** `/extensions`: list, read, create, update, delete. Writes go through ConfigStore like the CLI. */
export const extensionRoutes: AnyRoute[] = [
  route<{ search?: string; offset: number; limit: number }>({
    method: 'GET',
    path: '/extensions',
    access: OPERATIONS_READERS,
    summary: 'List extensions (search matches number or name), with registration state',
    tag: 'extensions',
    query: { type: 'object', additionalProperties: false, properties: { search: { type: 'string', maxLength: 64 }, ...paging } },
    response: { status: 200, schema: { type: 'object', required: ['items', 'total'], properties: { items: { type: 'array', items: extensionSchema }, total: { type: 'integer' } } } },
    async handler({ svc, query }) {
      const [config, status] = await Promise.all([freshConfig(svc), pbxStatus(svc)]);
      const s = query.search?.toLowerCase();
      const all = config.extensions.filter((e) => !s || e.number.includes(s) || (e.name ?? '').toLowerCase().includes(s));
      return { items: all.slice(query.offset, query.offset + query.limit).map((e) => view(e, status)), total: all.length };
    },
  }),
  route({
    method: 'GET',
    path: '/extensions/:number',
    access: OPERATIONS_READERS,
    summary: 'One extension (never its secret)',
    tag: 'extensions',
    params,
    response: { status: 200, schema: extensionSchema },
    async handler({ svc, params: p }) {
      return view(await requireExtension(svc, p.number), await pbxStatus(svc));
    },
  }),
  route<Record<string, never>, ExtensionBody>({
    method: 'POST',
    path: '/extensions',
    access: ADMIN_ONLY,
    summary: 'Add an extension; saved as a new configuration version, then the PBX reloads',
    tag: 'extensions',
    body: { type: 'object', additionalProperties: false, required: ['number', 'secret'], properties: { number: extensionNumber, ...writable } },
    response: { status: 201, schema: { type: 'object', properties: { extension: extensionSchema, ...configWriteSchema.properties } } },
    async handler({ ctx, svc, user, body }) {
      const ext: ExtensionConfig = { number: body.number, secret: body.secret, maxContacts: body.maxContacts ?? 5, callWaiting: body.callWaiting ?? false };
      if (body.name !== undefined) ext.name = body.name;
      if ((await freshConfig(svc)).extensions.some((e) => e.number === body.number)) {
        throw new ApiError('CONFLICT', `extension ${body.number} already exists`, { messageZh: `分机 ${body.number} 已存在`, details: [{ path: '/number', message: 'already exists' }] });
      }
      const result = await saveAndApply(svc, (d) => void d.extensions.push(ext), meta(user!.username, `extension add ${ext.number}`));
      audit(svc, ctx, user, { action: 'extension.created', target: ext.number, outcome: 'ok', after: ext });
      return { extension: view(ext, undefined), ...result };
    },
  }),
  route<Record<string, never>, ExtensionPatch>({
    method: 'PUT',
    path: '/extensions/:number',
    access: ADMIN_ONLY,
    summary: 'Change an extension (omitted fields stay; secret is write-only)',
    tag: 'extensions',
    params,
    body: { type: 'object', additionalProperties: false, properties: writable },
    response: { status: 200, schema: { type: 'object', properties: { extension: extensionSchema, ...configWriteSchema.properties } } },
    async handler({ ctx, svc, user, params: p, body }) {
      const before = await requireExtension(svc, p.number);
      const after: ExtensionConfig = { ...before, ...body };
      const result = await saveAndApply(
        svc,
        (d) => void (d.extensions = d.extensions.map((e) => (e.number === p.number ? { ...e, ...body } : e))),
        meta(user!.username, `extension update ${p.number}`),
      );
      // The mask hides both values; say whether the secret changed without showing it.
      const afterForAudit = { ...after, ...(body.secret !== undefined ? { secretChanged: true } : {}) };
      audit(svc, ctx, user, { action: 'extension.updated', target: p.number, outcome: 'ok', before, after: afterForAudit });
      return { extension: view(after, undefined), ...result };
    },
  }),
  route({
    method: 'DELETE',
    path: '/extensions/:number',
    access: ADMIN_ONLY,
    summary: 'Remove an extension',
    tag: 'extensions',
    params,
    response: { status: 200, schema: configWriteSchema },
    async handler({ ctx, svc, user, params: p }) {
      const before = await requireExtension(svc, p.number);
      const result = await saveAndApply(svc, (d) => void (d.extensions = d.extensions.filter((e) => e.number !== p.number)), meta(user!.username, `extension remove ${p.number}`));
      audit(svc, ctx, user, { action: 'extension.deleted', target: p.number, outcome: 'ok', before });
      return result;
    },
  }),
];
