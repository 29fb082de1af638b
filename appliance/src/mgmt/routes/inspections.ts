import { createReadStream } from 'node:fs';
import { siteTimeZone } from '../../config/index.ts';
import { inspectionReportPdf, MAX_PHOTO_BYTES, PROBES, type ReportLanguage, type Run, type RunSummary, type TemplateDefinition, type TemplateVersion } from '../../maintenance/index.ts';
import { audit } from '../audit.ts';
import { readRawBody } from '../body.ts';
import { ApiError } from '../errors.ts';
import { ADMIN_ONLY, MAINTENANCE_READERS, MAINTENANCE_WRITERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const bilingual = { type: 'object', additionalProperties: false, required: ['zh', 'en'], properties: { zh: { type: 'string', minLength: 1, maxLength: 200 }, en: { type: 'string', minLength: 1, maxLength: 200 } } } as const;
const optBilingual = { type: 'object', additionalProperties: false, required: ['zh', 'en'], properties: { zh: { type: 'string', maxLength: 500 }, en: { type: 'string', maxLength: 500 } } } as const;
const itemId = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,47}$' } as const;

/** The template JSON schema (shape); template-validate.ts checks ids, probes and limits. */
const definitionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'sections'],
  properties: {
    name: bilingual,
    sections: {
      type: 'array', maxItems: 30,
      items: {
        type: 'object', additionalProperties: false, required: ['id', 'title', 'items'],
        properties: {
          id: itemId, title: bilingual,
          items: {
            type: 'array', maxItems: 100,
            items: {
              type: 'object', required: ['kind', 'id', 'label'],
              properties: {
                kind: { enum: ['automatic', 'manual'] }, id: itemId, label: bilingual, probe: { type: 'string' }, unit: { type: 'string', maxLength: 16 },
                threshold: { type: 'object', additionalProperties: false, required: ['direction'], properties: { direction: { enum: ['max', 'min'] }, warn: { type: 'number' }, fail: { type: 'number' } } },
                expected: optBilingual, guidance: optBilingual,
              },
              if: { properties: { kind: { const: 'automatic' } } },
              then: { required: ['probe'], not: { anyOf: [{ required: ['expected'] }, { required: ['guidance'] }] } },
              else: { required: ['expected'], not: { anyOf: [{ required: ['probe'] }, { required: ['threshold'] }] } },
            },
          },
        },
      },
    },
  },
} as const;

const runParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const langQuery = { type: 'object', additionalProperties: false, properties: { lang: { enum: ['zh-CN', 'en'], default: 'zh-CN' } } } as const;
const anyObject = { type: 'object' } as const;

const templateView = (t: TemplateVersion) => ({ id: t.id, version: t.version, definition: t.definition, createdAt: iso(t.createdAt), createdBy: t.createdBy, comment: t.comment });
const summaryView = (r: RunSummary) => ({ ...r, startedAt: iso(r.startedAt), signedAt: iso(r.signedAt), closedAt: iso(r.closedAt) });
/** A run as the API shows it: ISO times; signatures without their images. */
export const runView = (r: Run) => ({
  ...summaryView(r),
  template: r.template,
  results: r.results.map((x) => ({ ...x, measuredAt: iso(x.measuredAt) })),
  findings: r.findings,
  signatures: r.signatures.map((s) => ({ ...s, signedAt: iso(s.signedAt) })),
});

/** `/inspections/*`: checklist templates (versioned), runs, photos, findings, signatures, the PDF. */
export const inspectionRoutes: AnyRoute[] = [
  route({
    method: 'GET', path: '/inspections/probes', access: MAINTENANCE_READERS, tag: 'inspections',
    summary: 'The automatic checks a template item can name as its probe (id, label, numeric, unit)',
    response: { status: 200, schema: { type: 'array', items: anyObject } },
    handler() {
      return Object.entries(PROBES).map(([id, p]) => ({ id, label: p.label, numeric: p.numeric, unit: p.unit ?? '' }));
    },
  }),
  route({
    method: 'GET', path: '/inspections/templates', access: MAINTENANCE_READERS, tag: 'inspections',
    summary: 'Checklist templates, newest version of each',
    response: { status: 200, schema: { type: 'array', items: anyObject } },
    handler({ svc }) {
      return svc.inspections.store.latestTemplates().map(templateView);
    },
  }),
  route({
    method: 'GET', path: '/inspections/templates/:templateId/versions', access: MAINTENANCE_READERS, tag: 'inspections',
    summary: 'Every version of a template, newest first',
    params: { type: 'object', properties: { templateId: itemId } },
    response: { status: 200, schema: { type: 'array', items: anyObject } },
    handler({ svc, params }) {
      const v = svc.inspections.store.templateVersions(params.templateId!);
      if (v.length === 0) throw new ApiError('NOT_FOUND', `no template ${params.templateId}`);
      return v.map(templateView);
    },
  }),
  route<Record<string, never>, { definition: TemplateDefinition; comment?: string }>({
    method: 'PUT', path: '/inspections/templates/:templateId', access: ADMIN_ONLY, tag: 'inspections',
    summary: 'Save a new version of a template (a new id creates it); earlier versions are kept',
    params: { type: 'object', properties: { templateId: itemId } },
    body: { type: 'object', additionalProperties: false, required: ['definition'], properties: { definition: definitionSchema, comment: { type: 'string', maxLength: 500 } } },
    response: { status: 200, schema: anyObject },
    handler({ ctx, svc, user, params, body }) {
      const v = svc.inspections.saveTemplate(params.templateId!, body.definition, user!.username, body.comment ?? '');
      audit(svc, ctx, user, { action: 'inspection.template_saved', target: `${v.id} v${v.version}`, outcome: 'ok', after: { comment: v.comment } });
      return templateView(v);
    },
  }),
  route<{ templateId?: string; limit: number }>({
    method: 'GET', path: '/inspections/runs', access: MAINTENANCE_READERS, tag: 'inspections',
    summary: 'Inspection runs, newest first, with counts by status',
    query: { type: 'object', additionalProperties: false, properties: { templateId: itemId, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
    response: { status: 200, schema: { type: 'array', items: anyObject } },
    handler({ svc, query }) {
      return svc.inspections.list(query.limit, query.templateId).map(summaryView);
    },
  }),
  route<Record<string, never>, { templateId: string; site?: string }>({
    method: 'POST', path: '/inspections/runs', access: MAINTENANCE_WRITERS, tag: 'inspections',
    summary: 'Start an inspection run on the newest template version; the automatic items are measured now',
    body: { type: 'object', additionalProperties: false, required: ['templateId'], properties: { templateId: itemId, site: { type: 'string', maxLength: 200 } } },
    response: { status: 201, schema: anyObject },
    async handler({ ctx, svc, user, body }) {
      const run = await svc.inspections.start(body.templateId, body.site ?? '', user!.username);
      audit(svc, ctx, user, { action: 'inspection.run_started', target: `run ${run.id}`, outcome: 'ok', after: { templateId: run.templateId, version: run.templateVersion, site: run.site } });
      return runView(run);
    },
  }),
  route({
    method: 'GET', path: '/inspections/runs/:id', access: MAINTENANCE_READERS, tag: 'inspections',
    summary: 'One run with its template, results, findings and signatures',
    params: runParams,
    response: { status: 200, schema: anyObject },
    handler({ svc, params }) {
      return runView(svc.inspections.get(Number(params.id)));
    },
  }),
  route({
    method: 'POST', path: '/inspections/runs/:id/remeasure', access: MAINTENANCE_WRITERS, tag: 'inspections',
    summary: 'Measure the automatic items of a draft run again',
    params: runParams,
    response: { status: 200, schema: anyObject },
    async handler({ ctx, svc, user, params }) {
      const run = await svc.inspections.remeasure(Number(params.id));
      audit(svc, ctx, user, { action: 'inspection.run_updated', target: `run ${run.id}`, outcome: 'ok', after: { remeasured: true } });
      return runView(run);
    },
  }),
  route<Record<string, never>, { value: string; status: 'pass' | 'warn' | 'fail' | 'na'; note?: string }>({
    method: 'PUT', path: '/inspections/runs/:id/items/:itemId', access: MAINTENANCE_WRITERS, tag: 'inspections',
    summary: 'Record a manual item of a draft run (value, status, note)',
    params: { type: 'object', required: ['id', 'itemId'], properties: { id: { type: 'integer', minimum: 1 }, itemId } },
    body: { type: 'object', additionalProperties: false, required: ['value', 'status'], properties: { value: { type: 'string', maxLength: 500 }, status: { enum: ['pass', 'warn', 'fail', 'na'] }, note: { type: 'string', maxLength: 2000 } } },
    response: { status: 200, schema: anyObject },
    handler({ ctx, svc, user, params, body }) {
      const run = svc.inspections.recordManual(Number(params.id), params.itemId!, body);
      audit(svc, ctx, user, { action: 'inspection.run_updated', target: `run ${run.id} item ${params.itemId}`, outcome: 'ok', after: { ...body } });
      return runView(run);
    },
  }),
  route({
    method: 'POST', path: '/inspections/runs/:id/items/:itemId/photos', access: MAINTENANCE_WRITERS, tag: 'inspections',
    summary: 'Attach a photo (request body: the JPEG or PNG bytes) to an item of a draft run',
    params: { type: 'object', required: ['id', 'itemId'], properties: { id: { type: 'integer', minimum: 1 }, itemId } },
    response: { status: 201, schema: { type: 'object', properties: { name: { type: 'string' } } } },
    async handler({ ctx, svc, user, params }) {
      if (!svc.deps.inspectionsDir) throw new ApiError('CONFLICT', 'this server has no inspections folder; photos cannot be stored');
      if (!/^image\/(jpeg|png)$/i.test(ctx.get('content-type'))) throw new ApiError('VALIDATION', 'send the photo as image/jpeg or image/png', { details: [{ path: '', message: 'must be image/jpeg or image/png' }] });
      const name = await svc.inspections.addPhoto(Number(params.id), params.itemId!, await readRawBody(ctx, MAX_PHOTO_BYTES, `the photo is larger than ${MAX_PHOTO_BYTES} bytes`));
      audit(svc, ctx, user, { action: 'inspection.run_updated', target: `run ${params.id} item ${params.itemId}`, outcome: 'ok', after: { photo: name } });
      return { name };
    },
  }),
  route({
    method: 'GET', path: '/inspections/runs/:id/photos/:name', access: MAINTENANCE_READERS, tag: 'inspections',
    summary: 'One photo of a run',
    params: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer', minimum: 1 }, name: { type: 'string', pattern: '^[a-z0-9-]+\\.(jpg|png)$' } } },
    response: { status: 200, contentType: 'image/jpeg', schema: { type: 'string' } },
    handler({ ctx, svc, params }) {
      const path = svc.inspections.photoPath(Number(params.id), params.name!);
      ctx.type = params.name!.endsWith('.png') ? 'image/png' : 'image/jpeg';
      ctx.body = createReadStream(path);
      return undefined;
    },
  }),
  route<Record<string, never>, { risk: 'low' | 'medium' | 'high' | 'critical'; itemId?: string; description: string; remediation?: string }>({
    method: 'POST', path: '/inspections/runs/:id/findings', access: MAINTENANCE_WRITERS, tag: 'inspections',
    summary: 'Add a finding (risk level, related item, description, remediation) to a draft run',
    params: runParams,
    body: { type: 'object', additionalProperties: false, required: ['risk', 'description'], properties: { risk: { enum: ['low', 'medium', 'high', 'critical'] }, itemId, description: { type: 'string', minLength: 1, maxLength: 2000 }, remediation: { type: 'string', maxLength: 2000 } } },
    response: { status: 201, schema: anyObject },
    handler({ ctx, svc, user, params, body }) {
      const f = svc.inspections.addFinding(Number(params.id), body);
      audit(svc, ctx, user, { action: 'inspection.run_updated', target: `run ${params.id} finding ${f.id}`, outcome: 'ok', after: f });
      return f;
    },
  }),
  route({
    method: 'DELETE', path: '/inspections/runs/:id/findings/:findingId', access: MAINTENANCE_WRITERS, tag: 'inspections',
    summary: 'Remove a finding from a draft run',
    params: { type: 'object', required: ['id', 'findingId'], properties: { id: { type: 'integer', minimum: 1 }, findingId: { type: 'integer', minimum: 1 } } },
    response: { status: 204 },
    handler({ ctx, svc, user, params }) {
      svc.inspections.deleteFinding(Number(params.id), Number(params.findingId));
      audit(svc, ctx, user, { action: 'inspection.run_updated', target: `run ${params.id} finding ${params.findingId}`, outcome: 'ok', after: { deleted: true } });
      return undefined;
    },
  }),
  route<Record<string, never>, { signer: 'engineer' | 'customer'; name: string; pngBase64: string }>({
    method: 'POST', path: '/inspections/runs/:id/signatures', access: MAINTENANCE_WRITERS, tag: 'inspections',
    summary: "Sign a draft run as the engineer or the customer's owner (name and the drawn signature as a base64 PNG); the second signature locks it",
    params: runParams,
    body: { type: 'object', additionalProperties: false, required: ['signer', 'name', 'pngBase64'], properties: { signer: { enum: ['engineer', 'customer'] }, name: { type: 'string', minLength: 1, maxLength: 100 }, pngBase64: { type: 'string', minLength: 8, maxLength: 240_000 } } },
    response: { status: 200, schema: anyObject },
    handler({ ctx, svc, user, params, body }) {
      const png = Buffer.from(body.pngBase64.replace(/^data:image\/png;base64,/, ''), 'base64');
      const run = svc.inspections.sign(Number(params.id), body.signer, body.name, png);
      audit(svc, ctx, user, { action: 'inspection.signed', target: `run ${run.id}`, outcome: 'ok', after: { signer: body.signer, name: body.name, state: run.state } });
      return runView(run);
    },
  }),
  route({
    method: 'POST', path: '/inspections/runs/:id/close', access: MAINTENANCE_WRITERS, tag: 'inspections',
    summary: 'Close (file) a signed run',
    params: runParams,
    response: { status: 200, schema: anyObject },
    handler({ ctx, svc, user, params }) {
      const run = svc.inspections.close(Number(params.id));
      audit(svc, ctx, user, { action: 'inspection.closed', target: `run ${run.id}`, outcome: 'ok' });
      return runView(run);
    },
  }),
  route({
    method: 'GET', path: '/inspections/runs/:id/trends', access: MAINTENANCE_READERS, tag: 'inspections',
    summary: "Numeric items' values over the last runs of the same template, up to this run (oldest first)",
    params: runParams,
    response: { status: 200, schema: { type: 'array', items: anyObject } },
    handler({ svc, params }) {
      return svc.inspections.trends(Number(params.id)).map((s) => ({ ...s, points: s.points.map((p) => ({ ...p, startedAt: iso(p.startedAt) })) }));
    },
  }),
  route<{ lang: ReportLanguage }>({
    method: 'GET', path: '/inspections/runs/:id/report.pdf', access: MAINTENANCE_READERS, tag: 'inspections',
    summary: 'The inspection report as PDF (zh-CN or en): cover, summary, items, findings, trends, signatures',
    params: runParams,
    query: langQuery,
    response: { status: 200, contentType: 'application/pdf', schema: { type: 'string' } },
    handler({ ctx, svc, user, params, query }) {
      const id = Number(params.id);
      const run = svc.inspections.get(id);
      const signatures = run.signatures.map((s) => ({ ...s, png: svc.inspections.store.signaturePng(id, s.signer)! }));
      const doc = inspectionReportPdf({ run, trends: svc.inspections.trends(id), signatures, lang: query.lang, timeZone: siteTimeZone(svc.deps.config.current), productVersion: svc.deps.version });
      audit(svc, ctx, user, { action: 'inspection.report_exported', target: `run ${id}`, outcome: 'ok', after: { lang: query.lang } });
      ctx.type = 'application/pdf';
      ctx.set('Content-Disposition', `attachment; filename="inspection-${id}-${query.lang}.pdf"`);
      ctx.body = doc;
      return undefined;
    },
  }),
];
