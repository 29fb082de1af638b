import type { AnalogStatus } from '../../analog/analog-status.ts';
import { OPERATIONS_READERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';

const portSchema = {
  type: 'object',
  required: ['port', 'kind', 'card', 'state', 'since'],
  properties: {
    port: { type: 'integer' },
    kind: { type: 'string', enum: ['FXS', 'FXO'] },
    card: { type: 'string' },
    extension: { type: 'string' },
    group: { type: 'string' },
    state: { type: 'string' },
    since: { type: 'string' },
    callerId: { type: 'string' },
  },
} as const;

const portListSchema = {
  type: 'object',
  required: ['running', 'card', 'items'],
  properties: {
    running: { type: 'boolean' },
    card: {
      type: 'object',
      required: ['state', 'since'],
      properties: {
        state: { type: 'string', enum: ['none', 'open', 'missing', 'misconfigured', 'unknown'] },
        driver: { type: 'string' },
        since: { type: 'string' },
        error: { type: 'string' },
      },
    },
    items: { type: 'array', items: portSchema },
  },
} as const;

/** Copies the reviewed fields only, so whatever the gateway adds later is not exposed unreviewed. */
function publicPort(p: AnalogStatus['ports'][number]) {
  return {
    port: p.port, kind: p.kind, card: p.card, state: p.state, since: p.since,
    ...(p.extension !== undefined ? { extension: p.extension } : {}),
    ...(p.group !== undefined ? { group: p.group } : {}),
    ...(p.callerId !== undefined ? { callerId: p.callerId } : {}),
  };
}

/** `/ports`: the telephony card and its ports with live state, read from the analog gateway. */
export const portRoutes: AnyRoute[] = [
  route({
    method: 'GET',
    path: '/ports',
    access: OPERATIONS_READERS,
    summary: 'Telephony card state and its FXS/FXO ports with live state; running=false while the analog gateway is stopped',
    tag: 'ports',
    response: { status: 200, schema: portListSchema },
    async handler({ svc }) {
      const st = await svc.deps.analog?.status().catch(() => undefined);
      if (!st) return { running: false, card: { state: 'unknown' as const, since: new Date(svc.deps.now()).toISOString() }, items: [] };
      const { state, since, driver, error } = st.card;
      return {
        running: true,
        card: { state, since, ...(driver ? { driver } : {}), ...(error ? { error } : {}) },
        items: st.ports.map(publicPort),
      };
    },
  }),
];
