// External FXO/FXS gateways polled over SNMP (issue 8): the monitor is their NMS. Each poll
// reads the gateway's sysUpTime (it answers: reachable) and a column of port states (IF-MIB
// ifOperStatus by default, or a column of the vendor's MIB), and derives two alarm lists: the
// gateway's reachability (scope `gateway:<name>`) and its ports (scope `gateway-ports:<name>`).
// A gateway that does not answer reports only the first, so its port alarms stay as they were
// instead of being cleared by an absence of news (the rule of AlarmManager).
import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { GatewaySettings } from '../../config/index.ts';
import type { Alarm } from '../../alarms/index.ts';
import type { GatewayRow } from '../snapshot.ts';

/** SNMPv2-MIB sysUpTime.0 (RFC 3418), TimeTicks in hundredths of a second. */
export const SYS_UPTIME_OID = '1.3.6.1.2.1.1.3.0';
/** IF-MIB ifAdminStatus (RFC 2863): ports an operator set down(2) are not counted. */
export const IF_ADMIN_STATUS_OID = '1.3.6.1.2.1.2.2.1.7';
const IF_ADMIN_DOWN = 2;

/** One port as the gateway reported it: its row index in the column and the raw state value. */
export interface GatewayPortReading {
  /** The row's index (the sub-identifiers after the column OID), e.g. `3` or `1.3`. */
  port: string;
  value: number;
  up: boolean;
}

/** One poll of one gateway: what it answered, or why it did not. */
export type GatewayReading =
  | { ok: true; uptimeCs: number; ports: GatewayPortReading[] }
  | { ok: false; error: string };

/** What the poll needs of an SNMP manager session; net-snmp's Session behind it, tests fake it. */
export interface SnmpManager {
  /** The values of `oids` (rejects on timeout or a refused request). */
  get(oids: string[]): Promise<snmp.Varbind[]>;
  /** Every varbind below `oid`, in order. */
  walk(oid: string): Promise<snmp.Varbind[]>;
  close(): void;
}

/** Opens a manager session to a gateway. */
export type SnmpManagerFactory = (gw: GatewaySettings) => SnmpManager;

/** Per request: the gateway is on the machine-room LAN, so a short wait and one retry. */
const TIMEOUT_MS = 1500;
const RETRIES = 1;

const AUTH: Record<NonNullable<GatewaySettings['user']>['authProtocol'], number> = {
  SHA: snmp.AuthProtocols.sha,
  'SHA-224': snmp.AuthProtocols.sha224,
  'SHA-256': snmp.AuthProtocols.sha256,
  'SHA-384': snmp.AuthProtocols.sha384,
  'SHA-512': snmp.AuthProtocols.sha512,
};
const PRIV: Record<NonNullable<GatewaySettings['user']>['privProtocol'], number> = { AES: snmp.PrivProtocols.aes, 'AES-256': snmp.PrivProtocols.aes256b };

/** A net-snmp manager session: v2c with the community, or v3 authPriv as the configured user. */
export const netSnmpManager: SnmpManagerFactory = (gw) => {
  const options = { port: gw.port, retries: RETRIES, timeout: TIMEOUT_MS, transport: isIP(gw.host) === 6 ? 'udp6' : 'udp4', version: gw.version === 'v3' ? snmp.Version3 : snmp.Version2c };
  const session = gw.version === 'v3' && gw.user
    ? snmp.createV3Session(gw.host, {
      name: gw.user.name, level: snmp.SecurityLevel.authPriv, authProtocol: AUTH[gw.user.authProtocol], authKey: gw.user.authKey,
      privProtocol: PRIV[gw.user.privProtocol], privKey: gw.user.privKey,
    }, options)
    : snmp.createSession(gw.host, gw.community, options);
  // A socket error (e.g. EHOSTUNREACH) is reported to the pending request too; this keeps it from being an unhandled 'error' event.
  session.on('error', () => undefined);
  return {
    get: (oids) => new Promise((resolve, reject) => session.get(oids, (err, vbs) => (err ? reject(err) : resolve(vbs ?? [])))),
    walk: (oid) => new Promise((resolve, reject) => {
      const out: snmp.Varbind[] = [];
      session.subtree(oid, 20, (vbs) => void out.push(...vbs), (err) => (err ? reject(err) : resolve(out)));
    }),
    close: () => session.close(),
  };
};

/** `column.<index>` → index, for varbinds of one column. */
function byIndex(column: string, vbs: snmp.Varbind[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const vb of vbs) {
    if (!vb.oid.startsWith(`${column}.`) || typeof vb.value !== 'number') continue;
    out.set(vb.oid.slice(column.length + 1), vb.value);
  }
  return out;
}

/** Orders port indexes as numbers, sub-identifier by sub-identifier. */
function compareIndex(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Polls one gateway with `manager`: sysUpTime first (unreachable ends the poll), then the port column. Never throws. */
export async function readGateway(gw: GatewaySettings, manager: SnmpManager): Promise<GatewayReading> {
  try {
    const [up] = await manager.get([SYS_UPTIME_OID]);
    if (!up || snmp.isVarbindError(up) || typeof up.value !== 'number') return { ok: false, error: 'sysUpTime.0 not readable' };
    const states = byIndex(gw.portStates.oid, await manager.walk(gw.portStates.oid));
    const admin = gw.portStates.ifTable ? byIndex(IF_ADMIN_STATUS_OID, await manager.walk(IF_ADMIN_STATUS_OID)) : new Map<string, number>();
    const ports = [...states]
      .filter(([port]) => admin.get(port) !== IF_ADMIN_DOWN)
      .sort(([a], [b]) => compareIndex(a, b))
      .map(([port, value]) => ({ port, value, up: gw.portStates.upValues.includes(value) }));
    return { ok: true, uptimeCs: up.value, ports };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    manager.close();
  }
}

/** Reads gateways with a fresh session each poll (a session holds a socket; the gateways are few). */
export class GatewayReader {
  constructor(private readonly open: SnmpManagerFactory = netSnmpManager) {}

  read(gw: GatewaySettings): Promise<GatewayReading> {
    let manager: SnmpManager;
    try {
      manager = this.open(gw);
    } catch (err) {
      return Promise.resolve({ ok: false, error: (err as Error).message });
    }
    return readGateway(gw, manager);
  }
}

/** The alarm scopes of a gateway: reachability, and its ports. */
export const gatewayScopes = (name: string) => ({ link: `gateway:${name}`, ports: `gateway-ports:${name}` });

/** `gateway-unreachable:<name>` while the gateway does not answer (scope `gateway:<name>`). */
export function gatewayLinkAlarms(gw: GatewaySettings, r: GatewayReading, at: string): Alarm[] {
  if (r.ok) return [];
  return [{
    id: `gateway-unreachable:${gw.name}`, severity: 'major', source: `monitor/gateway/${gw.name}`, raisedAt: at,
    text: {
      en: `Gateway ${gw.name} (${gw.host}:${gw.port}) does not answer SNMP: ${r.error}; its lines may be out of service`,
      zh: `网关 ${gw.name}（${gw.host}:${gw.port}）无 SNMP 应答：${r.error}；其线路可能无法使用`,
    },
  }];
}

/** `gateway-port-down:<name>:<port>` for each port not up, from an answer (scope `gateway-ports:<name>`). */
export function gatewayPortAlarms(gw: GatewaySettings, r: Extract<GatewayReading, { ok: true }>, at: string): Alarm[] {
  return r.ports.filter((p) => !p.up).map((p) => ({
    id: `gateway-port-down:${gw.name}:${p.port}`, severity: 'minor' as const, source: `monitor/gateway/${gw.name}/port/${p.port}`, raisedAt: at,
    text: { en: `Gateway ${gw.name} port ${p.port} is down (state ${p.value})`, zh: `网关 ${gw.name} 的端口 ${p.port} 已断开（状态 ${p.value}）` },
  }));
}

/**
 * The row the MIB and the status API show. An unreachable gateway keeps the ports of its last
 * answer (`previous`), as its port alarms stay active.
 */
export function gatewayRow(gw: GatewaySettings, r: GatewayReading, now: number, previous: GatewayRow | undefined): GatewayRow {
  const base = { index: gw.index, name: gw.name, address: `${gw.host}:${gw.port}` };
  if (r.ok) return { ...base, state: 'reachable', uptimeSec: Math.floor(r.uptimeCs / 100), lastAnswerAt: now, ports: r.ports };
  return { ...base, state: 'unreachable', uptimeSec: 0, error: r.error, ports: previous?.ports ?? [], ...(previous?.lastAnswerAt !== undefined && { lastAnswerAt: previous.lastAnswerAt }) };
}
