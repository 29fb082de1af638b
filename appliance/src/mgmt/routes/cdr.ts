import { siteTimeZone } from '../../config/index.ts';
import type { CallDisposition, CdrSearch, StoredCallRecord } from '../../records/index.ts';
import { audit } from '../audit.ts';
import { csvStream } from '../csv.ts';
import { ApiError } from '../errors.ts';
import { hourlyBuckets } from '../hourly.ts';
import { OPERATIONS_READERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { isoTime, paging } from '../schemas.ts';

const DISPOSITIONS = ['answered', 'busy', 'no-answer', 'cancelled', 'failed'];
const filters = {
  from: isoTime,
  to: isoTime,
  number: { type: 'string', pattern: '^[0-9*#+]{1,32}$' },
  disposition: { type: 'string', enum: DISPOSITIONS },
};

interface CdrFilterQuery {
  from?: string;
  to?: string;
  number?: string;
  disposition?: CallDisposition;
}

/** Query strings → a store search, times as epoch ms. */
function toSearch(q: CdrFilterQuery): CdrSearch {
  const s: CdrSearch = {};
  if (q.from) s.from = Date.parse(q.from);
  if (q.to) s.to = Date.parse(q.to);
  if (s.from !== undefined && s.to !== undefined && s.from >= s.to) throw new ApiError('VALIDATION', '`from` must be before `to`', { details: [{ path: '/query/from', message: 'must be before to' }] });
  if (q.number) s.number = q.number;
  if (q.disposition) s.disposition = q.disposition;
  return s;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
/** A record with ISO times, as the API shows it. */
const view = (r: StoredCallRecord) => ({ ...r, startedAt: iso(r.startedAt), answeredAt: iso(r.answeredAt), endedAt: iso(r.endedAt) });

const recordSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, callId: { type: 'string' }, caller: { type: 'string' }, callee: { type: 'string' },
    startedAt: { type: 'string' }, answeredAt: { type: ['string', 'null'] }, endedAt: { type: 'string' },
    disposition: { type: 'string', enum: DISPOSITIONS }, durationSec: { type: 'integer' }, billableSec: { type: 'integer' },
    sipCode: { type: 'integer' }, sipReason: { type: 'string' }, hangupSide: { type: ['string', 'null'] },
    // Issue 5: present only for calls to or from outside (docs/routing.md §7).
    trunk: { type: 'string', description: 'carrier of a call to or from outside: trunk name or analog:<group>' },
  },
};

const MAX_STATS_RANGE_MS = 31 * 86_400_000;

/** `/cdr`: search, CSV export, hourly statistics. */
export const cdrRoutes: AnyRoute[] = [
  route<CdrFilterQuery & { offset: number; limit: number }>({
    method: 'GET',
    path: '/cdr',
    access: OPERATIONS_READERS,
    summary: 'Search call records (number matches caller or callee), newest first',
    tag: 'cdr',
    query: { type: 'object', additionalProperties: false, properties: { ...filters, ...paging } },
    response: { status: 200, schema: { type: 'object', required: ['items', 'total'], properties: { items: { type: 'array', items: recordSchema }, total: { type: 'integer' } } } },
    handler({ svc, query }) {
      const r = svc.cdr.search({ ...toSearch(query), offset: query.offset, limit: query.limit });
      return { items: r.items.map(view), total: r.total };
    },
  }),
  route<CdrFilterQuery>({
    method: 'GET',
    path: '/cdr/export.csv',
    access: OPERATIONS_READERS,
    summary: 'Matching call records as CSV (UTF-8 with BOM, English header), streamed',
    tag: 'cdr',
    query: { type: 'object', additionalProperties: false, properties: filters },
    response: { status: 200, contentType: 'text/csv', schema: { type: 'string' } },
    handler({ ctx, svc, user, query }) {
      const search = toSearch(query);
      audit(svc, ctx, user, { action: 'cdr.exported', target: 'cdr', outcome: 'ok', after: { ...query } });
      ctx.set('Content-Disposition', 'attachment; filename="call-records.csv"');
      ctx.type = 'text/csv; charset=utf-8';
      ctx.body = csvStream(
        ['id', 'call_id', 'caller', 'callee', 'started_at', 'answered_at', 'ended_at', 'disposition', 'duration_sec', 'billable_sec', 'sip_code', 'sip_reason', 'hangup_side'],
        svc.cdr.pages(search),
        (r) => [r.id, r.callId, r.caller, r.callee, iso(r.startedAt), iso(r.answeredAt), iso(r.endedAt), r.disposition, r.durationSec, r.billableSec, r.sipCode, r.sipReason, r.hangupSide],
      );
      return undefined;
    },
  }),
  route<{ from?: string; to?: string }>({
    method: 'GET',
    path: '/cdr/stats/hourly',
    access: OPERATIONS_READERS,
    summary: 'Calls per hour of the appliance time zone by disposition (default: the last 24 h; at most 31 days)',
    tag: 'cdr',
    query: { type: 'object', additionalProperties: false, properties: { from: isoTime, to: isoTime } },
    response: {
      status: 200,
      schema: { type: 'object', required: ['buckets', 'timeZone'], properties: { timeZone: { type: 'string' }, buckets: { type: 'array', items: { type: 'object', properties: { hour: { type: 'string' }, total: { type: 'integer' }, answered: { type: 'integer' }, busy: { type: 'integer' }, noAnswer: { type: 'integer' }, cancelled: { type: 'integer' }, failed: { type: 'integer' } } } } } },
    },
    handler({ svc, query }) {
      const to = query.to ? Date.parse(query.to) : svc.deps.now();
      const from = query.from ? Date.parse(query.from) : to - 86_400_000;
      if (from >= to || to - from > MAX_STATS_RANGE_MS) throw new ApiError('VALIDATION', 'the range must be positive and at most 31 days', { details: [{ path: '/query/from', message: 'range must be positive and at most 31 days' }] });
      const timeZone = siteTimeZone(svc.deps.config.current);
      return { timeZone, buckets: hourlyBuckets(svc.cdr.quarterCounts(from, to), from, to, timeZone) };
    },
  }),
];
