import { networkInterfaces } from 'node:os';
import type { Endpoint } from './transport/index.ts';

/**
 * How this element names itself in Via and Contact. With a wildcard bind, a UDP socket
 * cannot tell which local address a peer reached, so the address is chosen per peer:
 * loopback peers get loopback, others the configured advertised address or the first
 * non-internal IPv4 address of the host.
 */
export class LocalIdentity {
  constructor(
    private readonly bindAddress: string,
    private readonly ports: { udp: number; tcp: number },
    private readonly advertised?: string,
  ) {}

  /** The host part to put in headers sent towards `peer`. */
  hostFor(peer: Endpoint): string {
    if (this.bindAddress !== '0.0.0.0' && this.bindAddress !== '::') return this.bindAddress;
    if (peer.address.startsWith('127.') || peer.address === '::1') return '127.0.0.1';
    return this.advertised ?? firstExternalIPv4() ?? '127.0.0.1';
  }

  /** The port this element listens on for the peer's transport. */
  portFor(peer: Endpoint): number { return peer.transport === 'udp' ? this.ports.udp : this.ports.tcp; }

  /** A Via header value with a fresh branch (RFC 3261 §8.1.1.7); rport asks for symmetric responses (RFC 3581). */
  via(peer: Endpoint, branch: string): string {
    return `SIP/2.0/${peer.transport.toUpperCase()} ${this.hostFor(peer)}:${this.portFor(peer)};branch=${branch};rport`;
  }

  /** A Contact URI (without angle brackets) for requests and responses sent towards `peer`. */
  contactUri(peer: Endpoint, user?: string): string {
    const t = peer.transport === 'udp' ? '' : `;transport=${peer.transport}`;
    return `sip:${user ? `${user}@` : ''}${this.hostFor(peer)}:${this.portFor(peer)}${t}`;
  }
}

let cachedExternal: string | undefined | null = null;
function firstExternalIPv4(): string | undefined {
  if (cachedExternal !== null) return cachedExternal;
  cachedExternal = undefined;
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal) { cachedExternal = a.address; return cachedExternal; }
    }
  }
  return cachedExternal;
}
