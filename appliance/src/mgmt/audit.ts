import type { Context } from 'koa';
import type { AuditOutcome } from '../records/index.ts';
import { maskSecrets } from './mask.ts';
import type { MgmtServices } from './services.ts';

/** Stable audit action strings (API contract v1). */
export type AuditAction =
  | 'auth.login'
  | 'auth.logout'
  | 'auth.login_failed'
  | 'auth.locked_out'
  | 'auth.password_changed'
  | 'user.created'
  | 'user.updated'
  | 'user.deleted'
  | 'extension.created'
  | 'extension.updated'
  | 'extension.deleted'
  | 'config.rollback'
  | 'config.routes_updated'
  | 'config.ivr_updated'
  | 'prompt.uploaded'
  | 'prompt.deleted'
  | 'voicemail.deleted'
  | 'config.snmp_updated'
  | 'cdr.exported'
  | 'audit.exported'
  | 'system.certificate_replaced'
  | 'inspection.template_saved'
  | 'inspection.run_started'
  | 'inspection.run_updated'
  | 'inspection.signed'
  | 'inspection.closed'
  | 'inspection.report_exported'
  | 'fault.created'
  | 'fault.updated'
  | 'fault.state_changed'
  | 'fault.targets_updated'
  | 'fault.report_exported'
  | 'backup.created'
  | 'backup.downloaded'
  | 'backup.restore_staged'
  | 'backup.restored'
  | 'backup.test_restore'
  | 'backup.settings_changed'
  | 'backup.passphrase_set'
  | 'backup.kit_downloaded'
  | 'recording.downloaded'
  | 'recording.deleted'
  | 'recording.exported'
  | 'recording.call_controlled'
  | 'recording.listened'
  | 'customer.created'
  | 'customer.updated'
  | 'customer.deleted'
  | 'customer.imported'
  | 'report.exported';

/** One audit event as a route reports it; actor and role default to the signed-in user. */
export interface AuditEvent {
  action: AuditAction;
  target: string;
  outcome: AuditOutcome;
  actor?: string;
  role?: string;
  before?: object;
  after?: object;
}

/** Appends an audit entry for the request: who, when, from where, what; secrets masked here, always. */
export function audit(svc: MgmtServices, ctx: Context, user: { username: string; role: string } | undefined, e: AuditEvent): void {
  auditFrom(svc, ctx.request.ip, user, e);
}

/** The same for a request that is not a Koa context (a WebSocket upgrade): `sourceAddress` is the peer's address. */
export function auditFrom(svc: MgmtServices, sourceAddress: string | undefined, user: { username: string; role: string } | undefined, e: AuditEvent): void {
  svc.auditLog.append({
    at: svc.deps.now(),
    actor: e.actor ?? user?.username ?? '-',
    role: e.role ?? user?.role ?? '-',
    sourceAddress: sourceAddress || '-',
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    before: e.before === undefined ? undefined : maskSecrets(e.before),
    after: e.after === undefined ? undefined : maskSecrets(e.after),
  });
}
