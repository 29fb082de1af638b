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

const registrationSchema = {
  type: 'object',
  required: ['extension', 'state'],
  properties: { extension: { type: 'string' }, state: { type: 'string' }, expiresAt: { type: 'string' }, lastError: { type: 'string' } },
} as const;

const callSchema = {
  type: 'object',
  required: ['port', 'direction', 'state'],
  properties: { port: { type: 'integer' }, direction: { type: 'string', enum: ['in', 'out'] }, state: { type: 'string' }, number: { type: 'string' } },
} as const;

const portListSchema = {
  type: 'object',
  required: ['running', 'card', 'items', 'registrations', 'calls'],
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
    /** The FXS extensions the gateway registers at the PBX (the Ports page shows them). */
    registrations: { type: 'array', items: registrationSchema },
    /** Calls through card ports. */
    calls: { type: 'array', items: callSchema },
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

type Status = AnalogStatus;
const optional = <K extends string, V>(k: K, v: V | undefined) => (v !== undefined ? ({ [k]: v } as { [P in K]: V }) : {});

function publicRegistration(r: Status['registrations'][number]) {
  return { extension: r.extension, state: r.state, ...optional('expiresAt', r.expiresAt), ...optional('lastError', r.lastError) };
}

function publicCall(c: Status['calls'][number]) {
  return { port: c.port, direction: c.direction, state: c.state, ...optional('number', c.number) };
}

/** `/ports`: the telephony card and its ports with live state, read from the analog gateway. */
export const portRoutes: AnyRoute[] = [
  route({
    method: 'GET',
    path: '/ports',
    access: OPERATIONS_READERS,
    summary: 'Telephony card state, its FXS/FXO ports with live state, the FXS registrations and calls through the ports; running=false while the analog gateway is stopped',
    tag: 'ports',
    response: { status: 200, schema: portListSchema },
    async handler({ svc }) {
      const st = await svc.deps.analog?.status().catch(() => undefined);
      if (!st) return { running: false, card: { state: 'unknown' as const, since: new Date(svc.deps.now()).toISOString() }, items: [], registrations: [], calls: [] };
      const { state, since, driver, error } = st.card;
      return {
        running: true,
        card: { state, since, ...(driver ? { driver } : {}), ...(error ? { error } : {}) },
        items: st.ports.map(publicPort),
        registrations: st.registrations.map(publicRegistration),
        calls: st.calls.map(publicCall),
      };
    },
  }),
];
