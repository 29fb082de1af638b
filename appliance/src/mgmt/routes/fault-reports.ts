import { siteTimeZone } from '../../config/index.ts';
import { FAULT_STATES, faultReportPdf, type FaultFields, type FaultReportView, type FaultState, type ReportLanguage, type ResponseTargets } from '../../maintenance/index.ts';
import { audit } from '../audit.ts';
import { ADMIN_ONLY, MAINTENANCE_READERS, MAINTENANCE_WRITERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { isoTime } from '../schemas.ts';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const ms = (s: string | null | undefined) => (s === undefined ? undefined : s === null ? null : Date.parse(s));

/** A report as the API shows it: ISO times, timing with due/reached times. */
export const faultView = (r: FaultReportView) => ({
  ...r,
  occurredAt: iso(r.occurredAt), reportedAt: iso(r.reportedAt), respondedAt: iso(r.respondedAt), onSiteAt: iso(r.onSiteAt),
  diagnosedAt: iso(r.diagnosedAt), resolvedAt: iso(r.resolvedAt), closedAt: iso(r.closedAt), updatedAt: iso(r.updatedAt),
  timing: { ...r.timing, milestones: r.timing.milestones.map((m) => ({ ...m, dueAt: iso(m.dueAt), reachedAt: iso(m.reachedAt) })) },
});

const text = (max: number) => ({ type: 'string', maxLength: max }) as const;
const fieldProps = {
  title: { type: 'string', minLength: 1, maxLength: 200 }, level: { enum: [1, 2, 3, 4] }, contactName: text(100), contactPhone: text(40),
  occurredAt: isoTime, reportedAt: isoTime, diagnosedAt: { anyOf: [isoTime, { type: 'null' }] }, location: text(500), method: text(2000),
  steps: text(8000), result: text(4000), prevention: text(4000),
} as const;

/** Body of create and update: times as ISO strings. */
interface FaultBody {
  title?: string; level?: 1 | 2 | 3 | 4; contactName?: string; contactPhone?: string; occurredAt?: string; reportedAt?: string;
  diagnosedAt?: string | null; location?: string; method?: string; steps?: string; result?: string; prevention?: string;
}
const toFields = (b: FaultBody): Partial<FaultFields> => ({ ...b, occurredAt: ms(b.occurredAt) as number | undefined, reportedAt: ms(b.reportedAt) as number | undefined, diagnosedAt: ms(b.diagnosedAt) });

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const hours = { type: 'number', exclusiveMinimum: 0, maximum: 8760 } as const;
const levelTargets = { type: 'object', additionalProperties: false, required: ['respondH'], properties: { respondH: hours, onSiteH: hours, diagnoseH: hours, resolveH: hours } } as const;
const anyObject = { type: 'object' } as const;

/** `/fault-reports/*`: fault (incident) records, their states, response targets and the PDF. */
export const faultReportRoutes: AnyRoute[] = [
  route({
    method: 'GET', path: '/fault-reports/targets', access: MAINTENANCE_READERS, tag: 'fault-reports',
    summary: 'Response targets by fault level (hours from the report to respond, be on site, diagnose, resolve)',
    response: { status: 200, schema: anyObject },
    handler({ svc }) {
      return svc.faults.targets();
    },
  }),
  route<Record<string, never>, ResponseTargets>({
    method: 'PUT', path: '/fault-reports/targets', access: ADMIN_ONLY, tag: 'fault-reports',
    summary: 'Replace the response targets of every level',
    body: { type: 'object', additionalProperties: false, required: ['1', '2', '3', '4'], properties: { 1: levelTargets, 2: levelTargets, 3: levelTargets, 4: levelTargets } },
    response: { status: 200, schema: anyObject },
    handler({ ctx, svc, user, body }) {
      const before = svc.faults.targets();
      const after = svc.faults.setTargets(body);
      audit(svc, ctx, user, { action: 'fault.targets_updated', target: 'fault targets', outcome: 'ok', before, after });
      return after;
    },
  }),
  route<{ open?: boolean; limit: number }>({
    method: 'GET', path: '/fault-reports', access: MAINTENANCE_READERS, tag: 'fault-reports',
    summary: 'Fault reports, newest first, each with elapsed time and overdue flag',
    query: { type: 'object', additionalProperties: false, properties: { open: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } } },
    response: { status: 200, schema: { type: 'array', items: anyObject } },
    handler({ svc, query }) {
      return svc.faults.list({ open: query.open, limit: query.limit }).map(faultView);
    },
  }),
  route<Record<string, never>, FaultBody & { title: string; level: 1 | 2 | 3 | 4; occurredAt: string }>({
    method: 'POST', path: '/fault-reports', access: MAINTENANCE_WRITERS, tag: 'fault-reports',
    summary: 'Record a fault; numbered FR-<year>-NNNN, state reported, reported now unless reportedAt is given',
    body: { type: 'object', additionalProperties: false, required: ['title', 'level', 'occurredAt'], properties: fieldProps },
    response: { status: 201, schema: anyObject },
    handler({ ctx, svc, user, body }) {
      const r = svc.faults.create({ ...toFields(body), title: body.title, level: body.level, occurredAt: Date.parse(body.occurredAt) }, user!.username);
      audit(svc, ctx, user, { action: 'fault.created', target: r.number, outcome: 'ok', after: { level: r.level, title: r.title } });
      return faultView(r);
    },
  }),
  route({
    method: 'GET', path: '/fault-reports/:id', access: MAINTENANCE_READERS, tag: 'fault-reports',
    summary: 'One fault report with its timing',
    params: idParams,
    response: { status: 200, schema: anyObject },
    handler({ svc, params }) {
      return faultView(svc.faults.get(Number(params.id)));
    },
  }),
  route<Record<string, never>, FaultBody>({
    method: 'PUT', path: '/fault-reports/:id', access: MAINTENANCE_WRITERS, tag: 'fault-reports',
    summary: 'Change fields of an open fault report',
    params: idParams,
    body: { type: 'object', additionalProperties: false, properties: fieldProps },
    response: { status: 200, schema: anyObject },
    handler({ ctx, svc, user, params, body }) {
      const r = svc.faults.update(Number(params.id), toFields(body));
      audit(svc, ctx, user, { action: 'fault.updated', target: r.number, outcome: 'ok', after: { ...body } });
      return faultView(r);
    },
  }),
  route<Record<string, never>, { state: FaultState; at?: string }>({
    method: 'POST', path: '/fault-reports/:id/state', access: MAINTENANCE_WRITERS, tag: 'fault-reports',
    summary: 'Move a fault report to its next state (reported → responding → on-site → resolved → closed), optionally dated',
    params: idParams,
    body: { type: 'object', additionalProperties: false, required: ['state'], properties: { state: { enum: [...FAULT_STATES] }, at: isoTime } },
    response: { status: 200, schema: anyObject },
    handler({ ctx, svc, user, params, body }) {
      const before = svc.faults.get(Number(params.id)).state;
      const r = svc.faults.transition(Number(params.id), body.state, body.at ? Date.parse(body.at) : undefined);
      audit(svc, ctx, user, { action: 'fault.state_changed', target: r.number, outcome: 'ok', before: { state: before }, after: { state: r.state, at: body.at } });
      return faultView(r);
    },
  }),
  route<{ lang: ReportLanguage }>({
    method: 'GET', path: '/fault-reports/:id/report.pdf', access: MAINTENANCE_READERS, tag: 'fault-reports',
    summary: 'The fault-handling report as PDF (zh-CN or en)',
    params: idParams,
    query: { type: 'object', additionalProperties: false, properties: { lang: { enum: ['zh-CN', 'en'], default: 'zh-CN' } } },
    response: { status: 200, contentType: 'application/pdf', schema: { type: 'string' } },
    handler({ ctx, svc, user, params, query }) {
      const r = svc.faults.get(Number(params.id));
      const doc = faultReportPdf(r, query.lang, siteTimeZone(svc.deps.config.current));
      audit(svc, ctx, user, { action: 'fault.report_exported', target: r.number, outcome: 'ok', after: { lang: query.lang } });
      ctx.type = 'application/pdf';
      ctx.set('Content-Disposition', `attachment; filename="${r.number}-${query.lang}.pdf"`);
      ctx.body = doc;
      return undefined;
    },
  }),
];
