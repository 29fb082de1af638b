import { acdSettings, siteTimeZone } from '../../config/index.ts';
import type { QueueReportRange, ServiceLevels } from '../../records/index.ts';
import { audit } from '../audit.ts';
import { csvStream } from '../csv.ts';
import { ApiError } from '../errors.ts';
import { agentRows, foldQuarters, REPORT_KINDS, reportRow, totalRow, type ReportKind, type ReportRow } from '../reports.ts';
import { REPORT_READERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { isoTime } from '../schemas.ts';
import type { MgmtServices } from '../services.ts';

const DAY = 86_400_000;
/** Longest range of each report: hours for a month, the others for a year. */
const MAX_RANGE_MS: Record<ReportKind, number> = { hour: 31 * DAY, day: 366 * DAY, agent: 366 * DAY, queue: 366 * DAY };
/** Threshold for calls of a queue no longer configured (the configuration's own default). */
const DEFAULT_SL_SEC = 20;

interface ReportQuery { from: string; to: string; queue?: string; agent?: string }

const kindParams = { type: 'object', required: ['kind'], properties: { kind: { type: 'string', enum: REPORT_KINDS } } } as const;
const reportQuery = {
  type: 'object', additionalProperties: false, required: ['from', 'to'],
  properties: { from: isoTime, to: isoTime, queue: { type: 'string', maxLength: 64 }, agent: { type: 'string', pattern: '^[0-9]{2,8}$' } },
} as const;
const rowSchema = {
  type: 'object',
  required: ['key', 'offered', 'answered', 'abandoned', 'overflowed', 'callbacks', 'answeredWithinSl', 'serviceLevel', 'asaMs', 'ahtMs', 'longestWaitMs', 'talkMs', 'wrapUpMs'],
  properties: {
    key: { type: 'string' }, name: { type: 'string' }, offered: { type: 'integer' }, answered: { type: 'integer' }, abandoned: { type: 'integer' }, overflowed: { type: 'integer' },
    callbacks: { type: 'integer' }, answeredWithinSl: { type: 'integer' }, serviceLevel: { type: ['number', 'null'] }, asaMs: { type: ['integer', 'null'] }, ahtMs: { type: ['integer', 'null'] },
    longestWaitMs: { type: 'integer' }, talkMs: { type: 'integer' }, wrapUpMs: { type: 'integer' }, notReadyMs: { type: 'object', additionalProperties: { type: 'integer' } },
  },
};

/** One report: its lines and the total line, computed from the queue-call history and the agent state log. */
export function buildReport(svc: MgmtServices, kind: ReportKind, q: ReportQuery) {
  const from = Date.parse(q.from);
  const to = Date.parse(q.to);
  if (from >= to || to - from > MAX_RANGE_MS[kind]) {
    const days = MAX_RANGE_MS[kind] / DAY;
    throw new ApiError('VALIDATION', `the range must be positive and at most ${days} days`, { details: [{ path: '/query/from', message: `range must be positive and at most ${days} days` }], messageZh: `时间范围须为正且不超过 ${days} 天` });
  }
  const config = svc.deps.config.current;
  const acd = acdSettings(config);
  const timeZone = siteTimeZone(config);
  const sl: ServiceLevels = { perQueue: Object.fromEntries(acd.queues.map((x) => [x.name, x.serviceLevelSec])), defaultSec: DEFAULT_SL_SEC };
  const range: QueueReportRange = { from, to, ...(q.queue ? { queue: q.queue } : {}), ...(q.agent ? { agent: q.agent } : {}) };
  let rows: ReportRow[];
  let total: ReportRow;
  switch (kind) {
    case 'hour':
    case 'day': {
      const quarters = svc.reports.quarters(range, sl);
      rows = foldQuarters(quarters, from, to, timeZone, kind);
      total = totalRow(quarters);
      break;
    }
    case 'queue': {
      const sums = svc.reports.byQueue(range, sl);
      rows = sums.map((s) => reportRow(s.queue, s));
      total = totalRow(sums);
      break;
    }
    case 'agent': {
      const sums = svc.reports.byAgent(range, sl);
      // Not-ready time belongs to an agent, not to a queue: a queue filter does not narrow it.
      const notReady = svc.reports.notReady(range);
      rows = agentRows(sums, notReady, new Map(acd.agents.map((a) => [a.number, a.name])));
      total = totalRow(sums, notReady);
      break;
    }
  }
  return { kind, from: new Date(from).toISOString(), to: new Date(to).toISOString(), timeZone, serviceLevelSec: sl.perQueue, rows, total };
}

/** The CSV columns of a report; not-ready reasons become one column each (agent report). */
function csvTable(kind: ReportKind, rows: ReportRow[], total: ReportRow): { header: string[]; lines: unknown[][] } {
  const reasons = kind === 'agent' ? [...new Set(rows.flatMap((r) => Object.keys(r.notReadyMs ?? {})))].sort() : [];
  const header = [kind === 'hour' || kind === 'day' ? `${kind}_start` : kind, ...(kind === 'agent' ? ['name'] : []),
    'offered', 'answered', 'abandoned', 'overflowed', 'callbacks', 'answered_within_sl', 'service_level_pct', 'asa_sec', 'aht_sec', 'longest_wait_sec', 'talk_sec', 'wrap_up_sec',
    ...reasons.map((r) => `not_ready_${r || 'none'}_sec`)];
  const sec = (ms: number | null) => (ms === null ? '' : (ms / 1000).toFixed(1));
  const line = (r: ReportRow) => [r.key, ...(kind === 'agent' ? [r.name ?? ''] : []),
    r.offered, r.answered, r.abandoned, r.overflowed, r.callbacks, r.answeredWithinSl, r.serviceLevel === null ? '' : (r.serviceLevel * 100).toFixed(1),
    sec(r.asaMs), sec(r.ahtMs), sec(r.longestWaitMs), sec(r.talkMs), sec(r.wrapUpMs), ...reasons.map((x) => sec(r.notReadyMs?.[x] ?? 0))];
  return { header, lines: [...rows.map(line), line(total)] };
}

/** `/reports`: call-center reports by hour, day, agent or queue over a date range (issue 6), as JSON and CSV. */
export const reportRoutes: AnyRoute[] = [
  route<ReportQuery>({
    method: 'GET',
    path: '/reports/:kind',
    access: REPORT_READERS,
    summary: 'Call-center report by hour or day (of the site time zone), agent or queue over [from, to): offered, answered, abandoned, overflowed, service level (answered within the queue\'s serviceLevelSec), ASA, AHT, longest wait, talk and wrap-up time, and per agent not-ready time by reason',
    tag: 'reports',
    params: kindParams,
    query: reportQuery,
    response: { status: 200, schema: { type: 'object', required: ['kind', 'from', 'to', 'timeZone', 'rows', 'total'], properties: { kind: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, timeZone: { type: 'string' }, serviceLevelSec: { type: 'object' }, rows: { type: 'array', items: rowSchema }, total: rowSchema } } },
    handler: ({ svc, params, query }) => buildReport(svc, params.kind as ReportKind, query),
  }),
  route<ReportQuery>({
    method: 'GET',
    path: '/reports/:kind/export.csv',
    access: REPORT_READERS,
    summary: 'The same report as CSV (UTF-8 with BOM; times in seconds, service level in percent; the last line is the total)',
    tag: 'reports',
    params: kindParams,
    query: reportQuery,
    response: { status: 200, contentType: 'text/csv', schema: { type: 'string' } },
    handler({ ctx, svc, user, params, query }) {
      const kind = params.kind as ReportKind;
      const r = buildReport(svc, kind, query);
      const { header, lines } = csvTable(kind, r.rows, r.total);
      audit(svc, ctx, user, { action: 'report.exported', target: `reports/${kind}`, outcome: 'ok', after: { ...query } });
      ctx.set('Content-Disposition', `attachment; filename="report-${kind}.csv"`);
      ctx.type = 'text/csv; charset=utf-8';
      ctx.body = csvStream(header, [lines], (l) => l);
      return undefined;
    },
  }),
];
