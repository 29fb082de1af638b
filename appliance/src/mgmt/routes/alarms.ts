import { sortAlarms, type Alarm } from '../../alarms/index.ts';
import type { RecorderStatus } from '../../recorder/index.ts';
import { OPERATIONS_READERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';

const alarmSchema = {
  type: 'object',
  required: ['id', 'severity', 'source', 'text', 'raisedAt'],
  properties: {
    id: { type: 'string' },
    severity: { type: 'string', enum: ['critical', 'major', 'minor', 'warning'] },
    source: { type: 'string' },
    text: { type: 'object', required: ['en', 'zh'], properties: { en: { type: 'string' }, zh: { type: 'string' } } },
    raisedAt: { type: 'string' },
  },
} as const;

const alarmListSchema = {
  type: 'object',
  required: ['items', 'services'],
  properties: {
    items: { type: 'array', items: alarmSchema },
    /** Which services answered: an alarm list from a stopped service would be silently empty otherwise. */
    services: {
      type: 'object',
      required: ['pbx', 'analog'],
      properties: { pbx: { type: 'boolean' }, analog: { type: 'boolean' }, recorder: { type: 'boolean' } },
    },
  },
} as const;

const copy = (a: Alarm): Alarm => ({ id: a.id, severity: a.severity, source: a.source, text: { en: a.text.en, zh: a.text.zh }, raisedAt: a.raisedAt });

/** `/alarms`: the active alarms every running service derives from its state, newest first. */
export const alarmRoutes: AnyRoute[] = [
  route({
    method: 'GET',
    path: '/alarms',
    access: OPERATIONS_READERS,
    summary: 'Active alarms of the PBX (trunks), the analog gateway (card, spans, ports) and the recorder (disk watermarks, write errors, archive failures), newest first',
    tag: 'alarms',
    response: { status: 200, schema: alarmListSchema },
    async handler({ svc }) {
      const [pbx, analog, recorder] = await Promise.all([
        svc.deps.pbx.status().catch(() => undefined),
        svc.deps.analog?.status().catch(() => undefined),
        svc.deps.recorder?.call<RecorderStatus>('GET', '/v1/status').catch(() => undefined),
      ]);
      const items = sortAlarms([...(pbx?.alarms ?? []), ...(analog?.alarms ?? []), ...(recorder?.alarms ?? [])].map(copy));
      return { items, services: { pbx: pbx !== undefined, analog: analog !== undefined, ...(svc.deps.recorder ? { recorder: recorder !== undefined } : {}) } };
    },
  }),
];
