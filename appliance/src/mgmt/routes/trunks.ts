import { OPERATIONS_READERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';

/** A trunk as the PBX status reports it (docs/sip.md, "Trunks"). */
const trunkSchema = {
  type: 'object',
  required: ['name', 'host', 'port', 'transport', 'state', 'since'],
  properties: {
    name: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'integer' },
    transport: { type: 'string' },
    state: { type: 'string', enum: ['up', 'registering', 'unregistered', 'down'] },
    since: { type: 'string' },
    registeredUntil: { type: 'string' },
    lastError: { type: 'string' },
  },
} as const;

const trunkListSchema = {
  type: 'object',
  required: ['items', 'pbxRunning'],
  properties: { items: { type: 'array', items: trunkSchema }, pbxRunning: { type: 'boolean' } },
} as const;

/** `/trunks`: the SIP trunks and their registration state, read from the PBX status. */
export const trunkRoutes: AnyRoute[] = [
  route({
    method: 'GET',
    path: '/trunks',
    access: OPERATIONS_READERS,
    summary: 'SIP trunks with peer, transport and state (up, registering, unregistered, down); empty while the PBX is stopped',
    tag: 'trunks',
    response: { status: 200, schema: trunkListSchema },
    async handler({ svc }) {
      // A stopped PBX is a normal state for this page, not an error: the UI shows it as such.
      const pbx = await svc.deps.pbx.status().catch(() => undefined);
      if (!pbx) return { items: [], pbxRunning: false };
      // Copy the known fields only, so whatever else the PBX adds later is not exposed unreviewed.
      const items = (pbx.trunks ?? []).map((t) => ({
        name: t.name,
        host: t.host,
        port: t.port,
        transport: t.transport,
        state: t.state,
        since: t.since,
        ...(t.registeredUntil !== undefined ? { registeredUntil: t.registeredUntil } : {}),
        ...(t.lastError !== undefined ? { lastError: t.lastError } : {}),
      }));
      return { items, pbxRunning: true };
    },
  }),
];
