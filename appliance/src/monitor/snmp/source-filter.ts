import { BlockList, isIP } from 'node:net';

/** SNMP message versions on the wire (RFC 3412 §6.5 msgVersion; RFC 1901 for v2c). */
export const SNMP_V1 = 0;
export const SNMP_V2C = 1;
export const SNMP_V3 = 3;

/**
 * The msgVersion of an SNMP message without decoding it: the message is a BER SEQUENCE whose
 * first element is the INTEGER version (RFC 3412 §6, RFC 3416 §3). Returns undefined for
 * anything that is not shaped like that.
 *
 *   30 <length> 02 01 <version> ...     (length in short form, or 81 xx / 82 xx xx)
 */
export function snmpVersionOf(msg: Uint8Array): number | undefined {
  if (msg.length < 5 || msg[0] !== 0x30) return undefined;
  let i = 1;
  const first = msg[i++]!;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n < 1 || n > 2) return undefined;
    i += n;
  }
  if (msg.length < i + 3 || msg[i] !== 0x02 || msg[i + 1] !== 0x01) return undefined;
  return msg[i + 2];
}

/** Addresses and CIDR blocks (`192.0.2.0/24`, `2001:db8::/32`) a community request may come from. */
export class SourceList {
  readonly #list = new BlockList();

  constructor(entries: readonly string[]) {
    for (const e of entries) {
      const [addr, prefix] = e.split('/');
      const family = isIP(addr ?? '') === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.#list.addAddress(addr!, family);
      else this.#list.addSubnet(addr!, Number(prefix), family);
    }
  }

  /** True when `address` (as the socket reports it; IPv4-mapped IPv6 too) is listed. */
  allows(address: string): boolean {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    const a = mapped ? mapped[1]! : address;
    return this.#list.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');
  }
}

/** What the filter decided about one datagram. */
export type Admission = 'accept' | 'drop-version' | 'drop-source';

/**
 * Which requests reach the agent: SNMPv3 always (USM authenticates it); SNMPv2c only when it is
 * enabled and from a listed source, because its community travels in clear text; SNMPv1 never.
 */
export function admit(msg: Uint8Array, from: string, v2c: { enabled: boolean; sources: SourceList }): Admission {
  const v = snmpVersionOf(msg);
  if (v === SNMP_V3) return 'accept';
  if (v === SNMP_V2C && v2c.enabled) return v2c.sources.allows(from) ? 'accept' : 'drop-source';
  return 'drop-version';
}
