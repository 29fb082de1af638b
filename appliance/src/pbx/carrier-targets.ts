import type { TrunkSettings } from '../config/index.ts';
import type { Carrier } from './routing/index.ts';
import { ANALOG_TRUNK_PREFIX } from './routing/index.ts';
import type { ForkTarget } from './call.ts';

/** What the PBX knows of its carriers: SIP trunks by name, and the analog gateway's SIP port (none without cards). */
export interface CarrierDirectory {
  trunk(name: string): TrunkSettings | undefined;
  gatewayPort: number | undefined;
}

/**
 * The INVITE target for dialling `number` through `carrier` (issue 5). A SIP trunk gets
 * the number as Request-URI user at its host and port, From user = the trunk's account
 * (carriers check it) or else the caller's number, and the trunk's credentials for a
 * challenge. A line group goes to the analog gateway as `sip:<number>@127.0.0.1:<port>;group=<name>`
 * (the seam in analog/call-legs.ts). Undefined when the carrier is no longer configured.
 */
export function carrierTarget(carrier: Carrier, number: string, callerNumber: string, dir: CarrierDirectory): ForkTarget | undefined {
  if (carrier.kind === 'line-group') {
    if (dir.gatewayPort === undefined) return undefined;
    return {
      requestUri: `sip:${number}@127.0.0.1:${dir.gatewayPort};group=${carrier.name}`,
      dest: { transport: 'udp', address: '127.0.0.1', port: dir.gatewayPort },
      fromUser: callerNumber, toUser: number, toHost: '127.0.0.1', carrier: `${ANALOG_TRUNK_PREFIX}${carrier.name}`,
    };
  }
  const t = dir.trunk(carrier.name);
  if (!t) return undefined;
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return {
    requestUri: `sip:${number}@${host}:${t.port}${t.transport === 'tcp' ? ';transport=tcp' : ''}`,
    dest: { transport: t.transport, address: t.host, port: t.port },
    fromUser: t.username ?? callerNumber, toUser: number, toHost: host,
    ...(t.username !== undefined && t.password !== undefined ? { credentials: { username: t.username, password: t.password } } : {}),
    carrier: t.name,
  };
}
