import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { BackupError, type BackupService, type BackupSettings, type StagedRestore } from '../../backup/index.ts';
import { audit } from '../audit.ts';
import { withRequestBody } from '../body.ts';
import { applyToPbx } from '../config-apply.ts';
import { ApiError } from '../errors.ts';
import { MASK } from '../mask.ts';
import { ADMIN_ONLY, CONFIG_READERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import type { MgmtServices } from '../services.ts';
import { tlsFiles } from '../tls.ts';

/** The backup service, or 404 when this mgmt instance runs without one. */
function backups(svc: MgmtServices): BackupService {
  if (!svc.deps.backups) throw new ApiError('NOT_FOUND', 'backups are not available on this instance');
  return svc.deps.backups;
}

/** BackupError → 422 BACKUP_REFUSED with its own code as `reason` (404 / 409 where those fit). */
function toApi(err: unknown): unknown {
  if (!(err instanceof BackupError)) return err;
  if (err.code === 'NOT_FOUND') return new ApiError('NOT_FOUND', err.message, { messageZh: err.messageZh, reason: err.code });
  if (err.code === 'BUSY') return new ApiError('CONFLICT', err.message, { messageZh: err.messageZh, reason: err.code });
  return new ApiError('BACKUP_REFUSED', err.message, { messageZh: err.messageZh, reason: err.code });
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toApi(err);
  }
}

/** Settings with SFTP passwords masked (a changed mask on PUT keeps the stored password). */
function maskSettings(s: BackupSettings): BackupSettings {
  return { ...s, targets: s.targets.map((t) => (t.kind === 'sftp' && t.password ? { ...t, password: MASK } : t)) };
}

const stagedView = (s: StagedRestore) => ({ id: s.id, plan: s.plan });

const nameParam = { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^hotline-[0-9]{8}-[0-9]{6}-[0-9a-f]{8}\\.hlbk$' } } };
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } } };
const targetQuery = { type: 'object', additionalProperties: false, properties: { target: { type: 'string', maxLength: 32 } } };
const obj = { type: 'object' };

/** `/backups`: runs, list, download, restore (upload or pick, preview, apply), test restore, settings, passphrase, recovery kit. */
export const backupRoutes: AnyRoute[] = [
  route<{ target?: string }>({
    method: 'GET',
    path: '/backups',
    access: ADMIN_ONLY,
    summary: 'Good backups on a target (default: the first), newest first',
    tag: 'backups',
    query: targetQuery,
    response: { status: 200, schema: { type: 'array', items: obj } },
    handler: ({ svc, query }) => guarded(() => backups(svc).list(query.target)),
  }),
  route<Record<string, never>, { target?: string; recordings?: boolean; encrypt?: boolean }>({
    method: 'POST',
    path: '/backups',
    access: ADMIN_ONLY,
    summary: 'Start a backup now; follow it with GET /backups/progress (202: started)',
    tag: 'backups',
    body: { type: 'object', additionalProperties: false, properties: { target: { type: 'string', maxLength: 32 }, recordings: { type: 'boolean' }, encrypt: { type: 'boolean' } } },
    response: { status: 202, schema: { type: 'object', properties: { started: { type: 'boolean' } } } },
    async handler({ ctx, svc, user, body }) {
      const b = backups(svc);
      const p = b.progress;
      if (p && p.phase !== 'done' && p.phase !== 'failed') throw new ApiError('CONFLICT', 'a backup or restore is running', { messageZh: '已有备份或恢复任务正在运行', reason: 'BUSY' });
      if (body.encrypt !== false && !(await b.keyStatus()).set) throw toApi(new BackupError('NO_KEY', 'backups are encrypted by default: set a backup passphrase first', '备份默认加密：请先设置备份口令'));
      // The run outlives the request; its outcome is in backup_runs, the audit log and /progress.
      void b.backup({ target: body.target, recordings: body.recordings ?? false, encrypt: body.encrypt, trigger: 'manual' }).then(
        (r) => audit(svc, ctx, user, { action: 'backup.created', target: `${r.target}/${r.catalog.name}`, outcome: 'ok', after: { bytes: r.catalog.size, recordings: body.recordings ?? false, encrypted: r.catalog.encrypted } }),
        (err: Error) => audit(svc, ctx, user, { action: 'backup.created', target: body.target ?? '-', outcome: 'failed', after: { error: err.message } }),
      );
      return { started: true };
    },
  }),
  route({
    method: 'GET',
    path: '/backups/progress',
    access: ADMIN_ONLY,
    summary: 'Progress of the running (or last) backup, restore or test restore: phase, percent, bytes',
    tag: 'backups',
    response: { status: 200, schema: obj },
    handler: ({ svc }) => ({ progress: backups(svc).progress }),
  }),
  route<{ limit?: number }>({
    method: 'GET',
    path: '/backups/runs',
    access: CONFIG_READERS,
    summary: 'History of backup and test-restore runs, newest first',
    tag: 'backups',
    query: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } } },
    response: { status: 200, schema: { type: 'array', items: obj } },
    handler: ({ svc, query }) => backups(svc).runs.list(query.limit ?? 50),
  }),
  route({
    method: 'GET',
    path: '/backups/status',
    access: CONFIG_READERS,
    summary: 'Backup health: last success, last result, missed schedules, alarm (what the monitor reads)',
    tag: 'backups',
    response: { status: 200, schema: obj },
    handler: ({ svc }) => guarded(() => backups(svc).health()),
  }),
  route<{ target?: string }>({
    method: 'GET',
    path: '/backups/:name/download',
    access: ADMIN_ONLY,
    summary: 'Download an archive',
    tag: 'backups',
    params: nameParam,
    query: targetQuery,
    response: { status: 200, contentType: 'application/octet-stream', description: 'the archive' },
    async handler({ ctx, svc, user, params, query }) {
      const s = await guarded(() => backups(svc).open(query.target, params.name));
      const body = Readable.from(s.bytes);
      body.on('close', () => void s.close());
      ctx.set('Content-Type', 'application/octet-stream');
      ctx.set('Content-Length', String(s.size));
      ctx.set('Content-Disposition', `attachment; filename="${params.name}"`);
      ctx.body = body;
      audit(svc, ctx, user, { action: 'backup.downloaded', target: params.name, outcome: 'ok' });
      return undefined;
    },
  }),
  route<Record<string, never>, { target?: string; passphrase?: string }>({
    method: 'POST',
    path: '/backups/:name/restore',
    access: ADMIN_ONLY,
    summary: 'Verify an archive of a target and stage it: answers the restore id and what would change; nothing is changed yet',
    tag: 'backups',
    params: nameParam,
    body: { type: 'object', additionalProperties: false, properties: { target: { type: 'string', maxLength: 32 }, passphrase: { type: 'string', maxLength: 1024 } } },
    response: { status: 200, schema: obj },
    async handler({ ctx, svc, user, params, body }) {
      const staged = await guarded(() => backups(svc).stage({ target: body.target, name: params.name, passphrase: body.passphrase }));
      audit(svc, ctx, user, { action: 'backup.restore_staged', target: params.name, outcome: 'ok' });
      return stagedView(staged);
    },
  }),
  route({
    method: 'POST',
    path: '/backups/restore/upload',
    access: ADMIN_ONLY,
    summary: 'Upload an archive (application/octet-stream body, passphrase in X-Backup-Passphrase), verify and stage it; answers the restore id and what would change',
    tag: 'backups',
    response: { status: 200, schema: obj },
    async handler({ ctx, svc, user }) {
      if (!/^application\/octet-stream\b/i.test(ctx.get('content-type'))) throw new ApiError('VALIDATION', 'upload the archive as application/octet-stream', { details: [{ path: '', message: 'must be application/octet-stream' }] });
      const passphrase = ctx.get('x-backup-passphrase') ? decodeURIComponent(ctx.get('x-backup-passphrase')) : undefined;
      const size = Number(ctx.get('content-length')) || 0;
      try {
        const staged = await withRequestBody(ctx, (bytes) => guarded(() => backups(svc).stage({ bytes, size, passphrase })));
        audit(svc, ctx, user, { action: 'backup.restore_staged', target: staged.manifest.name, outcome: 'ok', after: { uploaded: true } });
        return stagedView(staged);
      } catch (err) {
        audit(svc, ctx, user, { action: 'backup.restore_staged', target: 'upload', outcome: 'failed', after: { error: (err as Error).message } });
        throw err;
      }
    },
  }),
  route({
    method: 'POST',
    path: '/backups/restore/:id/apply',
    access: ADMIN_ONLY,
    summary: 'Apply a staged restore; the PBX and analog gateway reload, the HTTPS certificate is swapped in',
    tag: 'backups',
    params: idParam,
    body: { type: 'object', additionalProperties: false, properties: {} },
    response: { status: 200, schema: obj },
    async handler({ ctx, svc, user, params }) {
      const b = backups(svc);
      const name = (() => {
        try {
          return b.staged(params.id).manifest.name;
        } catch (err) {
          throw toApi(err);
        }
      })();
      const r = await guarded(() => b.apply(params.id, `web:${user!.username}`));
      const applied = r.config ? await applyToPbx(svc, r.config) : { configVersion: svc.deps.config.version, applied: false };
      if (r.tlsReplaced && svc.deps.tlsDir && svc.deps.onCertificateChanged) {
        const f = tlsFiles(svc.deps.tlsDir);
        const pair = { certPem: await readFile(f.cert, 'utf8'), keyPem: await readFile(f.key, 'utf8') };
        svc.deps.onCertificateChanged(pair);
      }
      audit(svc, ctx, user, { action: 'backup.restored', target: name, outcome: 'ok', after: { tables: r.tables, recordings: r.recordings, configVersion: r.config?.version } });
      return { ...r, ...applied };
    },
  }),
  route({
    method: 'DELETE',
    path: '/backups/restore/:id',
    access: ADMIN_ONLY,
    summary: 'Discard a staged restore',
    tag: 'backups',
    params: idParam,
    response: { status: 204 },
    async handler({ svc, params }) {
      await backups(svc).discard(params.id);
      return undefined;
    },
  }),
  route<Record<string, never>, { target?: string; name?: string; passphrase?: string }>({
    method: 'POST',
    path: '/backups/test-restore',
    access: ADMIN_ONLY,
    summary: 'Restore an archive (default: the newest) into a scratch folder and compare checksums and row counts',
    tag: 'backups',
    body: { type: 'object', additionalProperties: false, properties: { target: { type: 'string', maxLength: 32 }, name: { type: 'string', maxLength: 64 }, passphrase: { type: 'string', maxLength: 1024 } } },
    response: { status: 200, schema: obj },
    async handler({ ctx, svc, user, body }) {
      const report = await guarded(() => backups(svc).testRestore({ target: body.target, name: body.name, passphrase: body.passphrase }));
      audit(svc, ctx, user, { action: 'backup.test_restore', target: report.archive, outcome: report.ok ? 'ok' : 'failed' });
      return report;
    },
  }),
  route({
    method: 'GET',
    path: '/backups/settings',
    access: ADMIN_ONLY,
    summary: 'Targets, schedules and retention (SFTP passwords masked); whether a passphrase is set',
    tag: 'backups',
    response: { status: 200, schema: obj },
    async handler({ svc }) {
      const b = backups(svc);
      return { settings: maskSettings(await guarded(() => b.settings())), passphrase: await b.keyStatus() };
    },
  }),
  route<Record<string, never>, BackupSettings>({
    method: 'PUT',
    path: '/backups/settings',
    access: ADMIN_ONLY,
    summary: 'Replace targets, schedules and retention (validated whole; a masked SFTP password keeps the stored one)',
    tag: 'backups',
    body: { type: 'object', required: ['targets', 'schedules', 'retention'], properties: { targets: { type: 'array' }, schedules: { type: 'array' }, retention: obj } },
    response: { status: 200, schema: obj },
    async handler({ ctx, svc, user, body }) {
      const b = backups(svc);
      const before = await guarded(() => b.settings());
      const next: BackupSettings = {
        ...body,
        targets: body.targets.map((t) => {
          if (t.kind !== 'sftp' || t.password !== MASK) return t;
          const old = before.targets.find((o) => o.id === t.id);
          return { ...t, password: old?.kind === 'sftp' ? old.password : undefined };
        }),
      };
      const saved = await guarded(() => b.saveSettings(next));
      audit(svc, ctx, user, { action: 'backup.settings_changed', target: 'backup settings', outcome: 'ok', before: maskSettings(before), after: maskSettings(saved) });
      return { settings: maskSettings(saved) };
    },
  }),
  route<Record<string, never>, { passphrase: string }>({
    method: 'PUT',
    path: '/backups/passphrase',
    access: ADMIN_ONLY,
    summary: 'Set or change the backup passphrase; answers the new recovery kit (earlier archives keep their old passphrase)',
    tag: 'backups',
    body: { type: 'object', additionalProperties: false, required: ['passphrase'], properties: { passphrase: { type: 'string', minLength: 8, maxLength: 1024 } } },
    response: { status: 200, schema: obj },
    async handler({ ctx, svc, user, body }) {
      const kit = await guarded(() => backups(svc).setPassphrase(body.passphrase));
      audit(svc, ctx, user, { action: 'backup.passphrase_set', target: 'backup passphrase', outcome: 'ok', after: { keyCheck: kit.keyCheck } });
      return kit;
    },
  }),
  route({
    method: 'GET',
    path: '/backups/recovery-kit',
    access: ADMIN_ONLY,
    summary: 'The recovery kit (salt, KDF parameters, key check value, instructions in zh-CN and English) as a JSON download',
    tag: 'backups',
    response: { status: 200, contentType: 'application/json', description: 'the recovery kit' },
    async handler({ ctx, svc, user }) {
      const kit = await guarded(() => backups(svc).recoveryKit());
      ctx.set('Content-Disposition', 'attachment; filename="hotline-backup-recovery-kit.json"');
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(kit, null, 2) + '\n';
      audit(svc, ctx, user, { action: 'backup.kit_downloaded', target: 'recovery kit', outcome: 'ok' });
      return undefined;
    },
  }),
];
