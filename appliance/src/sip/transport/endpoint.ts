/** Transports this stack listens on (RFC 3261 §18; TLS/WS are not offered yet). */
export type TransportName = 'udp' | 'tcp';

/** Where a message came from or goes to. */
export interface Endpoint {
  transport: TransportName;
  address: string;
  port: number;
}

/** `::ffff:1.2.3.4` (a v4 peer seen by a dual-stack socket) as plain `1.2.3.4`, so map keys and Via comparisons agree. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.indexOf('.') > 0 ? address.slice(7) : address;
}

/** Map key of a peer, `address:port` (IPv6 addresses contain ':' but the port is last, so the key stays unique). */
export function endpointKey(address: string, port: number): string {
  return `${address}:${port}`;
}
