import { isIP } from 'node:net';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ConfigValidationError, type ConfigIssue } from './errors.ts';
import { migrateConfigDocument } from './migrations.ts';
import { configSchema } from './schema.ts';
import type { HotlineConfig } from './types.ts';
import { DialPattern, DialPatternError } from '../dialplan/index.ts';
import { recordingIssues } from './recording-issues.ts';

let compiled: ValidateFunction | undefined;

/** The schema is compiled once per process: compiling costs milliseconds, validating microseconds. */
function schemaValidator(): ValidateFunction {
  // allErrors: report every problem in one pass, so an operator fixes a file in one go.
  // useDefaults: fill omitted optional fields from the schema's `default`s.
  compiled ??= new Ajv({ allErrors: true, useDefaults: true, strict: true }).compile(configSchema);
  return compiled;
}

/** Escapes one JSON pointer reference token (RFC 6901 §3). */
function pointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Points at the field itself where ajv reports its parent (missing or unknown property). */
function issueFromAjv(e: ErrorObject): ConfigIssue {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') {
    return { path: `${e.instancePath}/${pointerToken(String(params.missingProperty))}`, message: 'is required' };
  }
  if (e.keyword === 'additionalProperty' || e.keyword === 'additionalProperties') {
    return { path: `${e.instancePath}/${pointerToken(String(params.additionalProperty))}`, message: 'is not a known field' };
  }
  if (e.keyword === 'enum') {
    return { path: e.instancePath, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
  }
  if (e.keyword === 'pattern') {
    if (e.instancePath.endsWith('/number')) return { path: e.instancePath, message: 'must be 2 to 8 digits' };
    if (e.instancePath === '/sip/realm') return { path: e.instancePath, message: 'must not contain quotes, backslashes or line breaks' };
  }
  if (e.keyword === 'const') {
    return { path: e.instancePath, message: `must be ${JSON.stringify(params.allowedValue)}` };
  }
  return { path: e.instancePath, message: e.message ?? e.keyword };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * Checks that span several fields and that JSON schema cannot express. Runs on possibly
 * schema-invalid input, so every access is guarded; the schema reports type errors itself.
 */
function semanticIssues(doc: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (!isObj(doc)) return out;
  const { sip, rtp, security, extensions, site, mgmt } = doc;

  if (isObj(site) && typeof site.timeZone === 'string') {
    try {
      new Intl.DateTimeFormat('en', { timeZone: site.timeZone });
    } catch {
      out.push({ path: '/site/timeZone', message: 'is not a time zone this system knows (IANA name, e.g. Asia/Shanghai)' });
    }
  }
  if (isObj(mgmt) && typeof mgmt.bindAddress === 'string' && isIP(mgmt.bindAddress) === 0) {
    out.push({ path: '/mgmt/bindAddress', message: 'must be an IPv4 or IPv6 address literal' });
  }

  if (Array.isArray(extensions)) {
    const seen = new Map<string, number>();
    extensions.forEach((ext, i) => {
      if (!isObj(ext) || typeof ext.number !== 'string') return;
      const first = seen.get(ext.number);
      if (first !== undefined) out.push({ path: `/extensions/${i}/number`, message: `duplicates extension ${ext.number} at /extensions/${first}` });
      else seen.set(ext.number, i);
    });
  }
  if (isObj(rtp) && isInt(rtp.portMin) && isInt(rtp.portMax) && rtp.portMin >= rtp.portMax) {
    out.push({ path: '/rtp/portMin', message: `must be lower than /rtp/portMax (${rtp.portMax})` });
  }
  if (isObj(sip)) {
    if (typeof sip.bindAddress === 'string' && isIP(sip.bindAddress) === 0) {
      out.push({ path: '/sip/bindAddress', message: 'must be an IPv4 or IPv6 address literal' });
    }
    const { registerMinExpiresSec: min, registerMaxExpiresSec: max, registerDefaultExpiresSec: def } = sip;
    if (isInt(min) && isInt(max) && min > max) out.push({ path: '/sip/registerMinExpiresSec', message: `must not exceed /sip/registerMaxExpiresSec (${max})` });
    else if (isInt(min) && isInt(max) && isInt(def) && (def < min || def > max)) {
      out.push({ path: '/sip/registerDefaultExpiresSec', message: `must lie between registerMinExpiresSec (${min}) and registerMaxExpiresSec (${max})` });
    }
    // SIP and RTP share the bind address; a SIP port inside the RTP range would be handed to a call.
    if (isObj(rtp) && isInt(rtp.portMin) && isInt(rtp.portMax)) {
      for (const key of ['udpPort', 'tcpPort'] as const) {
        const p = sip[key];
        if (isInt(p) && p >= rtp.portMin && p <= rtp.portMax) out.push({ path: `/sip/${key}`, message: `must lie outside the RTP range ${rtp.portMin}-${rtp.portMax}` });
      }
    }
  }
  if (isObj(security) && Array.isArray(security.trustedPeers)) {
    security.trustedPeers.forEach((peer, i) => {
      if (isObj(peer) && typeof peer.address === 'string' && isIP(peer.address) === 0) {
        out.push({ path: `/security/trustedPeers/${i}/address`, message: 'must be an IPv4 or IPv6 address literal' });
      }
    });
  }
  const trunks = isObj(doc) ? doc.trunks : undefined;
  if (Array.isArray(trunks)) {
    const seen = new Map<string, number>();
    trunks.forEach((t, i) => {
      if (!isObj(t)) return;
      if (typeof t.host === 'string' && isIP(t.host) === 0) out.push({ path: `/trunks/${i}/host`, message: 'must be an IPv4 or IPv6 address literal' });
      if (typeof t.name === 'string') {
        const first = seen.get(t.name);
        if (first !== undefined) out.push({ path: `/trunks/${i}/name`, message: `duplicates trunk ${t.name} at /trunks/${first}` });
        else seen.set(t.name, i);
      }
      if (t.register === true && typeof t.username !== 'string') out.push({ path: `/trunks/${i}/username`, message: 'is required to register' });
      if ((typeof t.username === 'string') !== (typeof t.password === 'string')) out.push({ path: `/trunks/${i}/password`, message: 'username and password go together' });
    });
  }
  out.push(...analogIssues(doc));
  out.push(...routeIssues(doc));
  out.push(...acdIssues(doc));
  out.push(...snmpIssues(doc));
  out.push(...deviceIssues(doc));
  out.push(...emailIssues(doc));
  out.push(...gatewayIssues(doc));
  out.push(...ivrIssues(doc));
  out.push(...voicemailIssues(doc));
  out.push(...recordingIssues(doc));
  out.push(...dialNumberIssues(doc));
  return out;
}

/** Queue and menu numbers (dialled from extensions) unique, and never an extension's or an agent's number. */
function dialNumberIssues(doc: Record<string, unknown>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isObj) : []);
  const acd = isObj(doc.acd) ? doc.acd : {};
  const ivr = isObj(doc.ivr) ? doc.ivr : {};
  const taken = new Map<unknown, string>();
  list(doc.extensions).forEach((e, i) => { if (typeof e.number === 'string') taken.set(e.number, `extension /extensions/${i}`); });
  list(acd.agents).forEach((a, i) => { if (typeof a.number === 'string' && !taken.has(a.number)) taken.set(a.number, `agent /acd/agents/${i}`); });
  const claim = (n: unknown, path: string, what: string) => {
    if (typeof n !== 'string') return;
    const first = taken.get(n);
    if (first !== undefined) out.push({ path, message: `number ${n} is already the number of ${first}` });
    else taken.set(n, `${what} ${path}`);
  };
  list(acd.queues).forEach((q, i) => claim(q.number, `/acd/queues/${i}/number`, 'queue'));
  list(ivr.menus).forEach((m, i) => claim(m.number, `/ivr/menus/${i}/number`, 'menu'));
  return out;
}

/** Names of the queues, IVR menus and time conditions, and extensions of a document (guarded: it may be schema-invalid). */
function destinationNames(doc: Record<string, unknown>): { extensions: Set<unknown>; queues: Set<unknown>; menus: Set<unknown>; boxes: Set<unknown> } {
  const ivr = isObj(doc.ivr) ? doc.ivr : {};
  const acd = isObj(doc.acd) ? doc.acd : {};
  const names = (v: unknown, key: string) => new Set(Array.isArray(v) ? v.filter(isObj).map((x) => x[key]) : []);
  const menus = names(ivr.menus, 'name');
  for (const t of names(ivr.timeConditions, 'name')) menus.add(t);
  const voicemail = isObj(doc.voicemail) ? doc.voicemail : {};
  return { extensions: names(doc.extensions, 'number'), queues: names(acd.queues, 'name'), menus, boxes: names(voicemail.boxes, 'box') };
}

/** A destination that names something which does not exist, as an issue at `path` (no dangling destination). */
function danglingDestination(d: unknown, path: string, known: ReturnType<typeof destinationNames>): ConfigIssue | undefined {
  if (!isObj(d)) return undefined;
  if (d.kind === 'extension' && typeof d.number === 'string' && !known.extensions.has(d.number)) return { path: `${path}/number`, message: `names no extension in /extensions (${d.number})` };
  if (d.kind === 'queue' && typeof d.name === 'string' && !known.queues.has(d.name)) return { path: `${path}/name`, message: `names no queue in /acd/queues (${d.name})` };
  if ((d.kind === 'menu' || d.kind === 'ivr') && typeof d.menu === 'string' && !known.menus.has(d.menu)) return { path: `${path}/menu`, message: `names no menu or time condition in /ivr (${d.menu})` };
  if (d.kind === 'voicemail' && typeof d.box === 'string' && !known.boxes.has(d.box)) return { path: `${path}/box`, message: `names no voicemail box in /voicemail/boxes (${d.box})` };
  return undefined;
}

/** Box numbers unique, owners that are configured extensions. */
function voicemailIssues(doc: Record<string, unknown>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const vm = doc.voicemail;
  if (!isObj(vm) || !Array.isArray(vm.boxes)) return out;
  const extensions = destinationNames(doc).extensions;
  const seen = new Map<unknown, number>();
  vm.boxes.forEach((b, i) => {
    if (!isObj(b)) return;
    const first = seen.get(b.box);
    if (first !== undefined) out.push({ path: `/voicemail/boxes/${i}/box`, message: `duplicates box ${String(b.box)} at /voicemail/boxes/${first}` });
    else seen.set(b.box, i);
    if (Array.isArray(b.owners)) {
      b.owners.forEach((n, j) => { if (typeof n === 'string' && !extensions.has(n)) out.push({ path: `/voicemail/boxes/${i}/owners/${j}`, message: `names no extension in /extensions (${n})` }); });
    }
  });
  return out;
}

/** Menu and condition names unique (one namespace), destinations that exist, collecting menus well formed, hours that make sense. */
function ivrIssues(doc: Record<string, unknown>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const ivr = doc.ivr;
  if (!isObj(ivr)) return out;
  const known = destinationNames(doc);
  const seen = new Map<string, string>();
  const claim = (name: unknown, path: string) => {
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first !== undefined) out.push({ path, message: `duplicates the menu or time condition ${name} at ${first}` });
    else seen.set(name, path);
  };
  const check = (d: unknown, path: string) => { const i = danglingDestination(d, path, known); if (i) out.push(i); };
  if (Array.isArray(ivr.promptRecorders)) {
    ivr.promptRecorders.forEach((n, i) => { if (typeof n === 'string' && !known.extensions.has(n)) out.push({ path: `/ivr/promptRecorders/${i}`, message: `names no extension in /extensions (${n})` }); });
  }
  if (Array.isArray(ivr.menus)) {
    ivr.menus.forEach((m, i) => {
      if (!isObj(m)) return;
      const path = `/ivr/menus/${i}`;
      claim(m.name, `${path}/name`);
      const digits = new Set<unknown>();
      if (Array.isArray(m.options)) {
        m.options.forEach((o, j) => {
          if (!isObj(o)) return;
          if (digits.has(o.digit)) out.push({ path: `${path}/options/${j}/digit`, message: `duplicates key ${String(o.digit)} of the menu` });
          digits.add(o.digit);
          check(o.destination, `${path}/options/${j}/destination`);
        });
      }
      if (isObj(m.collect)) {
        if (Array.isArray(m.options) && m.options.length > 0) out.push({ path: `${path}/collect`, message: 'a menu either collects digits or offers options, not both' });
        const { minDigits, maxDigits } = m.collect;
        if (isInt(minDigits) && isInt(maxDigits) && minDigits > maxDigits) out.push({ path: `${path}/collect/minDigits`, message: `must not exceed maxDigits (${maxDigits})` });
        check(m.collect.then, `${path}/collect/then`);
      } else if (!Array.isArray(m.options) || m.options.length === 0) {
        out.push({ path: `${path}/options`, message: 'a menu needs options or digit collection' });
      }
      check(m.failDestination, `${path}/failDestination`);
    });
  }
  if (Array.isArray(ivr.timeConditions)) {
    ivr.timeConditions.forEach((t, i) => {
      if (!isObj(t)) return;
      const path = `/ivr/timeConditions/${i}`;
      claim(t.name, `${path}/name`);
      for (const key of ['open', 'closed'] as const) {
        if (typeof t[key] === 'string' && !known.menus.has(t[key])) out.push({ path: `${path}/${key}`, message: `names no menu or time condition in /ivr (${t[key]})` });
        if (t[key] === t.name) out.push({ path: `${path}/${key}`, message: 'must not name the condition itself' });
      }
      if (Array.isArray(t.hours)) {
        t.hours.forEach((h, j) => {
          if (isObj(h) && typeof h.from === 'string' && typeof h.to === 'string' && h.from >= h.to) out.push({ path: `${path}/hours/${j}/to`, message: `must be later than from (${h.from})` });
        });
      }
      if (Array.isArray(t.holidays)) {
        t.holidays.forEach((d, j) => {
          if (typeof d !== 'string') return;
          const [mm, dd] = d.slice(-5).split('-').map(Number);
          if (!(mm! >= 1 && mm! <= 12 && dd! >= 1 && dd! <= 31)) out.push({ path: `${path}/holidays/${j}`, message: 'is not a date (YYYY-MM-DD or MM-DD)' });
        });
      }
    });
  }
  return out;
}

/** An IPv4/IPv6 literal, optionally with a /prefix (CIDR). */
function isAddressOrCidr(v: string): boolean {
  const [addr, prefix, extra] = v.split('/');
  if (extra !== undefined || addr === undefined) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^[0-9]{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** v2c that is on has a community and sources; trap targets name their credentials; addresses are literals. */
/** Polled gateways: index and name unique, host a literal, the credentials of their version present. */
function gatewayIssues(doc: Record<string, unknown>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const d = doc.devices;
  if (!isObj(d) || !Array.isArray(d.gateways)) return out;
  const indexes = new Map<unknown, number>();
  const names = new Map<unknown, number>();
  d.gateways.forEach((g, i) => {
    if (!isObj(g)) return;
    const path = `/devices/gateways/${i}`;
    const sameIndex = indexes.get(g.index);
    if (sameIndex !== undefined) out.push({ path: `${path}/index`, message: `duplicates index ${String(g.index)} of /devices/gateways/${sameIndex}` });
    else indexes.set(g.index, i);
    const sameName = names.get(g.name);
    if (sameName !== undefined) out.push({ path: `${path}/name`, message: `duplicates gateway ${String(g.name)} at /devices/gateways/${sameName}` });
    else names.set(g.name, i);
    if (typeof g.host === 'string' && isIP(g.host) === 0) out.push({ path: `${path}/host`, message: 'must be an IPv4 or IPv6 address literal' });
    if (g.version === 'v2c' && typeof g.community !== 'string') out.push({ path: `${path}/community`, message: 'is required to poll with SNMPv2c' });
    if (g.version === 'v3' && !isObj(g.user)) out.push({ path: `${path}/user`, message: 'is required to poll with SNMPv3' });
  });
  return out;
}

/** One device per serial port (RS-485 can share a bus, but not with a Q1 UPS); limits in order. */
function deviceIssues(doc: Record<string, unknown>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const d = doc.devices;
  if (!isObj(d)) return out;
  const room = d.roomSensor;
  const seen = new Map<string, string>();
  for (const name of ['ups', 'roomSensor', 'smsModem']) {
    const dev = d[name];
    if (!isObj(dev) || typeof dev.port !== 'string') continue;
    const other = seen.get(dev.port);
    if (other) out.push({ path: `/devices/${name}/port`, message: `is the ${other}'s port too (${dev.port}); each device needs its own serial port` });
    else seen.set(dev.port, name);
  }
  const t = isObj(room) ? room.thresholds : undefined;
  if (isObj(t)) {
    if (typeof t.temperatureLowC === 'number' && typeof t.temperatureHighC === 'number' && t.temperatureLowC >= t.temperatureHighC) out.push({ path: '/devices/roomSensor/thresholds/temperatureLowC', message: 'must be below temperatureHighC' });
    if (typeof t.humidityLowPercent === 'number' && typeof t.humidityHighPercent === 'number' && t.humidityLowPercent >= t.humidityHighPercent) out.push({ path: '/devices/roomSensor/thresholds/humidityLowPercent', message: 'must be below humidityHighPercent' });
  }
  return out;
}

/** SMTP AUTH needs both halves; sending a password in clear to a remote server is refused. */
function emailIssues(doc: Record<string, unknown>): ConfigIssue[] {
  const m = doc.monitor;
  const e = isObj(m) ? m.email : undefined;
  if (!isObj(e)) return [];
  const out: ConfigIssue[] = [];
  if (e.user !== undefined && e.password === undefined) out.push({ path: '/monitor/email/password', message: 'is required when user is set' });
  if (e.password !== undefined && e.user === undefined) out.push({ path: '/monitor/email/user', message: 'is required when password is set' });
  if (e.user !== undefined && e.security === 'none' && typeof e.host === 'string' && !/^(127\.|::1$|localhost$)/.test(e.host)) {
    out.push({ path: '/monitor/email/security', message: 'must be tls or starttls when authenticating to a remote server (the password would travel in clear)' });
  }
  return out;
}

function snmpIssues(doc: Record<string, unknown>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const snmp = doc.snmp;
  if (!isObj(snmp)) return out;
  if (typeof snmp.bindAddress === 'string' && isIP(snmp.bindAddress) === 0) out.push({ path: '/snmp/bindAddress', message: 'must be an IPv4 or IPv6 address literal' });
  const v2c = snmp.v2c;
  if (isObj(v2c)) {
    if (Array.isArray(v2c.allowedSources)) {
      v2c.allowedSources.forEach((a, i) => {
        if (typeof a === 'string' && !isAddressOrCidr(a)) out.push({ path: `/snmp/v2c/allowedSources/${i}`, message: 'must be an IP address or a CIDR block (e.g. 192.0.2.0/24)' });
      });
    }
    if (v2c.enabled === true) {
      // Issue 8: v2c sends the community in clear, so it is only ever on for named sources.
      if (typeof v2c.community !== 'string') out.push({ path: '/snmp/v2c/community', message: 'is required when SNMPv2c is enabled' });
      if (!Array.isArray(v2c.allowedSources) || v2c.allowedSources.length === 0) out.push({ path: '/snmp/v2c/allowedSources', message: 'must list at least one address when SNMPv2c is enabled' });
    }
  }
  const users = new Set<string>();
  if (Array.isArray(snmp.v3Users)) {
    snmp.v3Users.forEach((u, i) => {
      if (!isObj(u) || typeof u.name !== 'string') return;
      if (users.has(u.name)) out.push({ path: `/snmp/v3Users/${i}/name`, message: `duplicates user ${u.name}` });
      users.add(u.name);
    });
  }
  if (Array.isArray(snmp.trapTargets)) {
    snmp.trapTargets.forEach((t, i) => {
      if (!isObj(t)) return;
      const path = `/snmp/trapTargets/${i}`;
      if (typeof t.host === 'string' && isIP(t.host) === 0) out.push({ path: `${path}/host`, message: 'must be an IPv4 or IPv6 address literal' });
      if (t.version === 'v2c' && typeof t.community !== 'string') out.push({ path: `${path}/community`, message: 'is required for a v2c trap target' });
      if (t.version === 'v3') {
        if (typeof t.user !== 'string') out.push({ path: `${path}/user`, message: 'is required for a v3 trap target' });
        else if (!users.has(t.user)) out.push({ path: `${path}/user`, message: `names no user in /snmp/v3Users (${t.user})` });
      }
    });
  }
  return out;
}

/** Names unique, skills and queues named by agents and queues exist, overflow destinations exist and never loop. */
function acdIssues(doc: Record<string, unknown>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const acd = doc.acd;
  if (!isObj(acd)) return out;
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isObj) : []);
  const unique = (items: unknown, key: string, path: string, what: string): Set<unknown> => {
    const seen = new Map<unknown, number>();
    if (Array.isArray(items)) {
      items.forEach((it, i) => {
        if (!isObj(it) || typeof it[key] !== 'string') return;
        const first = seen.get(it[key]);
        if (first !== undefined) out.push({ path: `${path}/${i}/${key}`, message: `duplicates ${what} ${String(it[key])} at ${path}/${first}` });
        else seen.set(it[key], i);
      });
    }
    return new Set(seen.keys());
  };
  const skills = unique(acd.skills, 'name', '/acd/skills', 'skill');
  const queues = unique(acd.queues, 'name', '/acd/queues', 'queue');
  unique(acd.agents, 'number', '/acd/agents', 'agent');
  unique(acd.notReadyReasons, 'code', '/acd/notReadyReasons', 'reason');
  const extensions = new Set(list(doc.extensions).map((e) => e.number));
  const skillRef = (path: string, name: unknown) => {
    if (typeof name === 'string' && !skills.has(name)) out.push({ path, message: `names no skill in /acd/skills (${name})` });
  };
  if (Array.isArray(acd.supervisors)) {
    acd.supervisors.forEach((n, i) => {
      if (typeof n === 'string' && !extensions.has(n)) out.push({ path: `/acd/supervisors/${i}`, message: `names no extension in /extensions (${n})` });
    });
  }
  if (Array.isArray(acd.queues)) {
    acd.queues.forEach((q, i) => {
      if (!isObj(q)) return;
      const path = `/acd/queues/${i}`;
      list(q.requiredSkills).forEach((r, j) => skillRef(`${path}/requiredSkills/${j}/skill`, r.skill));
      const o = q.overflow;
      if (isObj(o) && o.kind === 'queue' && typeof o.name === 'string') {
        if (!queues.has(o.name)) out.push({ path: `${path}/overflow/name`, message: `names no queue in /acd/queues (${o.name})` });
        else if (o.name === q.name) out.push({ path: `${path}/overflow/name`, message: 'must not be the queue itself' });
      }
      if (isObj(o) && o.kind === 'extension' && typeof o.number === 'string' && !extensions.has(o.number)) {
        out.push({ path: `${path}/overflow/number`, message: `names no extension in /extensions (${o.number})` });
      }
      const vm = danglingDestination(o, `${path}/overflow`, destinationNames(doc));
      if (isObj(o) && o.kind === 'voicemail' && vm) out.push(vm);
    });
  }
  // Overflow chains must end: a queue full or empty overflowing into one that sends callers back would loop forever.
  const next = new Map<unknown, unknown>();
  list(acd.queues).forEach((q) => { if (isObj(q.overflow) && q.overflow.kind === 'queue' && q.overflow.name !== q.name) next.set(q.name, q.overflow.name); });
  if (Array.isArray(acd.queues)) {
    acd.queues.forEach((q, i) => {
      if (!isObj(q) || !next.has(q.name)) return;
      const seen = new Set<unknown>([q.name]);
      for (let at = next.get(q.name); at !== undefined; at = next.get(at)) {
        if (at === q.name) { out.push({ path: `/acd/queues/${i}/overflow/name`, message: `overflows in a loop back to ${String(q.name)}` }); break; }
        if (seen.has(at)) break;
        seen.add(at);
      }
    });
  }
  if (Array.isArray(acd.agents)) {
    acd.agents.forEach((a, i) => {
      if (!isObj(a)) return;
      const path = `/acd/agents/${i}`;
      const own = new Set<unknown>();
      list(a.skills).forEach((s, j) => {
        skillRef(`${path}/skills/${j}/skill`, s.skill);
        if (own.has(s.skill)) out.push({ path: `${path}/skills/${j}/skill`, message: `lists skill ${String(s.skill)} twice` });
        own.add(s.skill);
      });
      const inQueues = new Set<unknown>();
      list(a.queues).forEach((m, j) => {
        if (typeof m.queue === 'string' && !queues.has(m.queue)) out.push({ path: `${path}/queues/${j}/queue`, message: `names no queue in /acd/queues (${m.queue})` });
        if (inQueues.has(m.queue)) out.push({ path: `${path}/queues/${j}/queue`, message: `lists queue ${String(m.queue)} twice` });
        inQueues.add(m.queue);
      });
    });
  }
  return out;
}

/** Patterns that parse, destinations that exist, trunks that are trunks or line groups. */
function routeIssues(doc: Record<string, unknown>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const routes = doc.routes;
  if (!isObj(routes)) return out;
  const pattern = (path: string, v: unknown) => {
    if (typeof v !== 'string') return;
    try {
      new DialPattern(v);
    } catch (err) {
      if (!(err instanceof DialPatternError)) throw err;
      out.push({ path, message: err.message });
    }
  };
  const known = destinationNames(doc);
  if (Array.isArray(routes.inbound)) {
    routes.inbound.forEach((r, i) => {
      if (!isObj(r)) return;
      pattern(`/routes/inbound/${i}/did`, r.did);
      pattern(`/routes/inbound/${i}/callerNumber`, r.callerNumber);
      const issue = danglingDestination(r.destination, `/routes/inbound/${i}/destination`, known);
      if (issue) out.push(issue);
    });
  }
  const analog = isObj(doc.analog) ? doc.analog : {};
  const carriers = new Set([
    ...(Array.isArray(doc.trunks) ? doc.trunks.filter(isObj).map((t) => t.name) : []),
    ...(Array.isArray(analog.lineGroups) ? analog.lineGroups.filter(isObj).map((g) => g.name) : []),
  ]);
  if (Array.isArray(routes.outbound)) {
    routes.outbound.forEach((r, i) => {
      if (!isObj(r)) return;
      if (Array.isArray(r.patterns)) r.patterns.forEach((p, j) => pattern(`/routes/outbound/${i}/patterns/${j}`, p));
      if (Array.isArray(r.trunks)) {
        r.trunks.forEach((t, j) => {
          if (typeof t === 'string' && !carriers.has(t)) out.push({ path: `/routes/outbound/${i}/trunks/${j}`, message: `names no trunk in /trunks and no line group in /analog/lineGroups (${t})` });
        });
      }
    });
  }
  return out;
}

/** Ports used once, FXS ports naming known extensions, FXO groups that exist, names apart from trunks. */
function analogIssues(doc: Record<string, unknown>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const analog = doc.analog;
  if (!isObj(analog) || !Array.isArray(analog.cards)) return out;
  const extensions = new Set(Array.isArray(doc.extensions) ? doc.extensions.filter(isObj).map((e) => e.number) : []);
  const groups = new Set(Array.isArray(analog.lineGroups) ? analog.lineGroups.filter(isObj).map((g) => g.name) : []);
  const trunkNames = new Set(Array.isArray(doc.trunks) ? doc.trunks.filter(isObj).map((t) => t.name) : []);
  if (Array.isArray(analog.lineGroups)) {
    analog.lineGroups.forEach((g, i) => {
      // Outbound routes name trunks and line groups in one list, so the names must not clash.
      if (isObj(g) && trunkNames.has(g.name)) out.push({ path: `/analog/lineGroups/${i}/name`, message: `is also the name of a trunk` });
    });
  }
  const portAt = new Map<number, string>();
  const stationOf = new Map<string, string>();
  analog.cards.forEach((card, c) => {
    if (!isObj(card) || !Array.isArray(card.ports)) return;
    card.ports.forEach((p, i) => {
      if (!isObj(p)) return;
      const path = `/analog/cards/${c}/ports/${i}`;
      if (isInt(p.port)) {
        const first = portAt.get(p.port);
        if (first !== undefined) out.push({ path: `${path}/port`, message: `duplicates port ${p.port} at ${first}` });
        else portAt.set(p.port, path);
      }
      if (p.kind === 'FXS') {
        if (typeof p.extension !== 'string') out.push({ path: `${path}/extension`, message: 'is required for an FXS port' });
        else if (!extensions.has(p.extension)) out.push({ path: `${path}/extension`, message: `names no extension in /extensions (${p.extension})` });
        else if (stationOf.has(p.extension)) out.push({ path: `${path}/extension`, message: `is already the phone on ${stationOf.get(p.extension)}` });
        else stationOf.set(p.extension, path);
        if (p.group !== undefined || p.did !== undefined) out.push({ path, message: 'group and did apply to FXO ports only' });
      } else if (p.kind === 'FXO') {
        if (typeof p.group === 'string' && !groups.has(p.group)) out.push({ path: `${path}/group`, message: `names no line group in /analog/lineGroups (${p.group})` });
        if (p.extension !== undefined) out.push({ path: `${path}/extension`, message: 'applies to FXS ports only' });
      }
    });
  });
  return out;
}

/**
 * Validates (and migrates) a parsed configuration document and returns it with defaults filled in.
 * The input is never modified. Throws ConfigValidationError listing every problem found.
 */
export function validateConfig(value: unknown, source?: string): HotlineConfig {
  const doc = migrateConfigDocument(structuredClone(value));
  const validate = schemaValidator();
  const issues: ConfigIssue[] = [];
  if (!validate(doc)) issues.push(...(validate.errors ?? []).map(issueFromAjv));
  issues.push(...semanticIssues(doc));
  if (issues.length > 0) throw new ConfigValidationError(issues, source);
  return doc as HotlineConfig;
}
