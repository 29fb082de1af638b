import type { AuditQuery, StoredAuditEntry } from '../../records/index.ts';
import { audit } from '../audit.ts';
import { csvStream } from '../csv.ts';
import { AUDIT_READERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { isoTime, paging } from '../schemas.ts';

const filters = {
  from: isoTime,
  to: isoTime,
  actor: { type: 'string', maxLength: 64 },
  action: { type: 'string', maxLength: 64 },
  q: { type: 'string', maxLength: 100 },
};

interface AuditFilterQuery {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  q?: string;
}

const toQuery = (q: AuditFilterQuery): AuditQuery => ({
  from: q.from ? Date.parse(q.from) : undefined,
  to: q.to ? Date.parse(q.to) : undefined,
  actor: q.actor || undefined,
  action: q.action || undefined,
  q: q.q || undefined,
});

/** An entry with its time as ISO. */
const view = (e: StoredAuditEntry) => ({ ...e, at: new Date(e.at).toISOString() });

const entrySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, at: { type: 'string' }, actor: { type: 'string' }, role: { type: 'string' }, sourceAddress: { type: 'string' },
    action: { type: 'string' }, target: { type: 'string' }, outcome: { enum: ['ok', 'denied', 'failed'] }, before: { type: 'object' }, after: { type: 'object' },
  },
};

/** `/audit`: search and CSV export of the audit log. */
export const auditRoutes: AnyRoute[] = [
  route<AuditFilterQuery & { offset: number; limit: number }>({
    method: 'GET',
    path: '/audit',
    access: AUDIT_READERS,
    summary: 'Search the audit log (q matches actor, action or target), newest first; secrets masked',
    tag: 'audit',
    query: { type: 'object', additionalProperties: false, properties: { ...filters, ...paging } },
    response: { status: 200, schema: { type: 'object', required: ['items', 'total'], properties: { items: { type: 'array', items: entrySchema }, total: { type: 'integer' } } } },
    handler({ svc, query }) {
      const r = svc.auditLog.search({ ...toQuery(query), offset: query.offset, limit: query.limit });
      return { items: r.items.map(view), total: r.total };
    },
  }),
  route<AuditFilterQuery>({
    method: 'GET',
    path: '/audit/export.csv',
    access: AUDIT_READERS,
    summary: 'Matching audit entries as CSV (UTF-8 with BOM), streamed',
    tag: 'audit',
    query: { type: 'object', additionalProperties: false, properties: filters },
    response: { status: 200, contentType: 'text/csv', schema: { type: 'string' } },
    handler({ ctx, svc, user, query }) {
      const q = toQuery(query);
      audit(svc, ctx, user, { action: 'audit.exported', target: 'audit', outcome: 'ok', after: { ...query } });
      ctx.set('Content-Disposition', 'attachment; filename="audit-log.csv"');
      ctx.type = 'text/csv; charset=utf-8';
      ctx.body = csvStream(['id', 'at', 'actor', 'role', 'source_address', 'action', 'target', 'outcome', 'before', 'after'], svc.auditLog.pages(q), (e) => [
        e.id, new Date(e.at).toISOString(), e.actor, e.role, e.sourceAddress, e.action, e.target, e.outcome,
        e.before ? JSON.stringify(e.before) : '', e.after ? JSON.stringify(e.after) : '',
      ]);
      return undefined;
    },
  }),
];
