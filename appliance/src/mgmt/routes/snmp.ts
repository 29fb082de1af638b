import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MIB_DIR } from '../../monitor/snmp/mib-path.ts';
import { audit } from '../audit.ts';
import { applyToMonitor, freshConfig, saveVersion } from '../config-apply.ts';
import { ApiError } from '../errors.ts';
import { ADMIN_ONLY, CONFIG_READERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { configWriteSchema } from '../schemas.ts';
import { mergeSnmpForm, snmpView, type SnmpForm } from '../snmp-form.ts';

type SnmpBody = { snmp: SnmpForm; comment: string };

/** A MIB file name as the download route takes it (no directories, no traversal). */
const MIB_NAME = '^[A-Za-z0-9][A-Za-z0-9-]{0,63}\\.txt$';

/** The MIB modules offered for download: HOTLINE-MIB and the IETF modules it imports. */
async function mibFiles(): Promise<string[]> {
  return (await readdir(MIB_DIR)).filter((f) => new RegExp(MIB_NAME).test(f)).sort((a, b) => (a === 'HOTLINE-MIB.txt' ? -1 : b === 'HOTLINE-MIB.txt' ? 1 : a.localeCompare(b)));
}

const str = { type: 'string' } as const;
const strArr = { type: 'array', items: str } as const;
const v3UserSchema = {
  type: 'object', additionalProperties: false, required: ['name'],
  properties: { name: str, authProtocol: str, authKey: str, privProtocol: str, privKey: str },
} as const;
const trapTargetSchema = {
  type: 'object', additionalProperties: false, required: ['host', 'version'],
  properties: { host: str, port: { type: 'integer' }, version: str, community: str, user: str, mode: { type: 'string', enum: ['trap', 'inform'] }, retries: { type: 'integer' }, timeoutSec: { type: 'integer' } },
} as const;
/** The form's shape only: values are checked by the configuration schema, so errors carry the config's own pointers. */
const formSchema = {
  type: 'object', additionalProperties: false, required: ['enabled', 'v2c', 'v3Users', 'trapTargets'],
  properties: {
    enabled: { type: 'boolean' }, contact: str, location: str,
    v2c: { type: 'object', additionalProperties: false, required: ['enabled', 'allowedSources'], properties: { enabled: { type: 'boolean' }, community: str, allowedSources: strArr } },
    v3Users: { type: 'array', items: v3UserSchema },
    trapTargets: { type: 'array', items: trapTargetSchema },
  },
} as const;
const viewSchema = {
  type: 'object',
  required: ['enabled', 'port', 'bindAddress', 'engineId', 'contact', 'location', 'v2c', 'v3Users', 'trapTargets'],
  properties: {
    enabled: { type: 'boolean' }, port: { type: 'integer' }, bindAddress: str, engineId: str, contact: str, location: str,
    v2c: { type: 'object', required: ['enabled', 'community', 'allowedSources'], properties: { enabled: { type: 'boolean' }, community: str, allowedSources: strArr } },
    v3Users: { type: 'array', items: { type: 'object', required: ['name', 'authProtocol', 'authKey', 'privProtocol', 'privKey'], properties: v3UserSchema.properties } },
    trapTargets: { type: 'array', items: { type: 'object', required: ['host', 'port', 'version'], properties: trapTargetSchema.properties } },
  },
} as const;

/**
 * `/snmp/*`: the SNMP settings page. Reading shows the `snmp` section with every key and
 * community masked (write-only); writing goes through the config store like every change (a new
 * version with a comment, validated whole, audited with secrets masked) and then waits for the
 * monitor to reload, which restarts its agent, so the new community answers when this returns.
 * The MIB modules are served for download from appliance/mibs.
 */
export const snmpRoutes: AnyRoute[] = [
  route({
    method: 'GET',
    path: '/snmp/settings',
    access: CONFIG_READERS,
    summary: 'The SNMP agent settings (v2c, v3 users, trap targets) with keys and communities masked, and the MIB files offered for download',
    tag: 'snmp',
    response: {
      status: 200,
      schema: { type: 'object', required: ['settings', 'configVersion', 'mibFiles'], properties: { settings: viewSchema, configVersion: { type: 'integer' }, mibFiles: strArr } },
    },
    async handler({ svc }) {
      const config = await freshConfig(svc);
      return { settings: snmpView(config), configVersion: svc.deps.config.version, mibFiles: await mibFiles() };
    },
  }),
  route<Record<string, never>, SnmpBody>({
    method: 'PUT',
    path: '/snmp/settings',
    access: ADMIN_ONLY,
    summary: 'Change the SNMP agent settings with a change comment; a key or community left empty or masked keeps its stored value. Saved as a new configuration version; the monitor reloads (applied: whether it did)',
    tag: 'snmp',
    body: {
      type: 'object', additionalProperties: false, required: ['snmp', 'comment'],
      properties: { snmp: formSchema, comment: { type: 'string', minLength: 1, maxLength: 200 } },
    },
    response: { status: 200, schema: configWriteSchema },
    async handler({ ctx, svc, user, body }) {
      const before = (await freshConfig(svc)).snmp ?? {};
      const after = mergeSnmpForm(before, body.snmp);
      const saved = await saveVersion(svc, (d) => void (d.snmp = after), { author: `web:${user!.username}`, comment: body.comment });
      audit(svc, ctx, user, { action: 'config.snmp_updated', target: `version ${saved.version}`, outcome: 'ok', before, after });
      return applyToMonitor(svc, saved);
    },
  }),
  route({
    method: 'GET',
    path: '/snmp/mibs/:name',
    access: CONFIG_READERS,
    summary: 'Download a MIB module (HOTLINE-MIB.txt and the IETF modules it imports), for the NMS or snmptranslate',
    tag: 'snmp',
    params: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: MIB_NAME } } },
    response: { status: 200, contentType: 'text/plain', description: 'the MIB module (SMIv2 text)' },
    async handler({ ctx, params }) {
      if (!(await mibFiles()).includes(params.name!)) throw new ApiError('NOT_FOUND', `no MIB file ${params.name}`, { messageZh: `没有 MIB 文件 ${params.name}` });
      ctx.set('Content-Type', 'text/plain; charset=utf-8');
      ctx.set('Content-Disposition', `attachment; filename="${params.name}"`);
      ctx.body = await readFile(join(MIB_DIR, params.name!));
      return undefined;
    },
  }),
];
