// Checks of the `recording` section that span sections (issue 7): a policy that names a
// trunk, queue, route or extension the configuration does not have would silently never
// apply — for a compliance rule ("every call of trunk X is recorded") that is a gap nobody
// sees, so it is an error naming the key, not a warning.
import { isIP } from 'node:net';
import type { ConfigIssue } from './errors.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const namesOf = (v: unknown, key: string): string[] => (Array.isArray(v) ? v.filter(isObj).map((x) => x[key]).filter((n): n is string => typeof n === 'string') : []);

/** Route name of emergency numbers no outbound route matched (routing/router.ts EMERGENCY_ROUTE). */
const EMERGENCY_ROUTE = 'emergency';
/** Carrier label of an analog line group (routing/router.ts ANALOG_TRUNK_PREFIX). */
const ANALOG_PREFIX = 'analog:';

/** Issues of `doc.recording` (the document may be schema-invalid: every access is guarded). */
export function recordingIssues(doc: Record<string, unknown>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const r = doc.recording;
  if (!isObj(r)) return out;
  if (isObj(r.recorder) && typeof r.recorder.host === 'string' && isIP(r.recorder.host) === 0) {
    out.push({ path: '/recording/recorder/host', message: 'must be an IPv4 or IPv6 address literal (the PBX sends SIP to it without DNS)' });
  }
  const analog = isObj(doc.analog) ? doc.analog : {};
  const routes = isObj(doc.routes) ? doc.routes : {};
  const acd = isObj(doc.acd) ? doc.acd : {};
  const known: Record<'extensions' | 'trunks' | 'queues' | 'routes', { names: Set<string>; what: string }> = {
    extensions: { names: new Set(namesOf(doc.extensions, 'number')), what: 'no extension in /extensions' },
    trunks: {
      names: new Set([...namesOf(doc.trunks, 'name'), ...namesOf(analog.lineGroups, 'name').map((g) => `${ANALOG_PREFIX}${g}`)]),
      what: 'no trunk in /trunks and no line group in /analog/lineGroups (written analog:<group>)',
    },
    queues: { names: new Set(namesOf(acd.queues, 'name')), what: 'no queue in /acd/queues' },
    routes: { names: new Set([...namesOf(routes.inbound, 'name'), ...namesOf(routes.outbound, 'name'), EMERGENCY_ROUTE]), what: 'no route in /routes/inbound or /routes/outbound' },
  };
  for (const [section, { names, what }] of Object.entries(known)) {
    const map = r[section];
    if (!isObj(map)) continue;
    for (const key of Object.keys(map)) {
      if (!names.has(key)) out.push({ path: `/recording/${section}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: `names ${what}: ${key}` });
    }
  }
  return out;
}
