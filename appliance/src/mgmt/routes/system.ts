import { siteTimeZone } from '../../config/index.ts';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import { ADMIN_ONLY, ALL_ROLES } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { CertificateError, validateCertificatePair, writeCertificate } from '../tls.ts';

const summarySchema = {
  type: 'object',
  required: ['product', 'version', 'hostname', 'uptimeSec', 'timeZone', 'cpu', 'memory', 'disks', 'pbx'],
  properties: {
    product: { const: 'Hotline' },
    version: { type: 'string' },
    hostname: { type: 'string' },
    uptimeSec: { type: 'number' },
    timeZone: { type: 'string' },
    cpu: { type: 'object', properties: { loadPercent: { type: 'number' }, cores: { type: 'integer' } } },
    memory: { type: 'object', properties: { totalBytes: { type: 'number' }, usedBytes: { type: 'number' } } },
    disks: { type: 'array', items: { type: 'object', properties: { mount: { type: 'string' }, totalBytes: { type: 'number' }, usedBytes: { type: 'number' } } } },
    pbx: { type: 'object', properties: { running: { type: 'boolean' }, registrations: { type: 'integer' }, activeCalls: { type: 'integer' }, configVersion: { type: 'integer' } } },
  },
} as const;

/** `/system/*` and the `/live` placeholder (the WebSocket itself is served by live.ts). */
export const systemRoutes: AnyRoute[] = [
  route({
    method: 'GET',
    path: '/system/summary',
    access: ALL_ROLES,
    summary: 'Dashboard summary: version, uptime, CPU, memory, disks, PBX state, time zone',
    tag: 'system',
    response: { status: 200, schema: summarySchema },
    async handler({ svc }) {
      const [host, pbx] = await Promise.all([svc.deps.system.snapshot(), svc.deps.pbx.status().catch(() => undefined)]);
      return {
        product: 'Hotline',
        version: svc.deps.version,
        ...host,
        timeZone: siteTimeZone(svc.deps.config.current),
        pbx: pbx
          ? { running: true, registrations: pbx.registrations.length, activeCalls: pbx.activeCalls.length, configVersion: pbx.configVersion }
          : { running: false, registrations: 0, activeCalls: 0, configVersion: svc.deps.config.version },
      };
    },
  }),
  route<Record<string, never>, { certPem: string; keyPem: string }>({
    method: 'PUT',
    path: '/system/certificate',
    access: ADMIN_ONLY,
    summary: 'Replace the HTTPS certificate (PEM); the key must match and the certificate be valid now',
    tag: 'system',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['certPem', 'keyPem'],
      properties: { certPem: { type: 'string', minLength: 1, maxLength: 65536 }, keyPem: { type: 'string', minLength: 1, maxLength: 65536 } },
    },
    response: { status: 200, schema: { type: 'object', properties: { subject: { type: 'string' }, validTo: { type: 'string' } } } },
    async handler({ ctx, svc, user, body }) {
      let info;
      try {
        info = validateCertificatePair(body, svc.deps.now());
      } catch (err) {
        if (err instanceof CertificateError) throw new ApiError('VALIDATION', `certificate refused: ${err.message}`, { details: [{ path: `/${err.field}`, message: err.message }] });
        throw err;
      }
      if (!svc.deps.tlsDir) throw new ApiError('CONFLICT', 'this server runs without TLS; nothing to replace');
      await writeCertificate(svc.deps.tlsDir, body);
      svc.deps.onCertificateChanged?.(body);
      audit(svc, ctx, user, { action: 'system.certificate_replaced', target: info.subject, outcome: 'ok', after: info });
      return info;
    },
  }),
  route({
    method: 'GET',
    path: '/live',
    access: ALL_ROLES,
    summary: 'WebSocket of live state (snapshot, ping); a plain GET answers 426 Upgrade Required',
    tag: 'live',
    response: { status: 101, description: 'Switching Protocols (WebSocket)' },
    handler({ ctx }) {
      ctx.status = 426;
      ctx.set('Upgrade', 'websocket');
      ctx.body = { error: { code: 'UPGRADE_REQUIRED', message: 'open this URL as a WebSocket', messageZh: '请以 WebSocket 方式连接' } };
      return undefined;
    },
  }),
];
