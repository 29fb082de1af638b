import type { Via } from '../message/index.ts';

/**
 * Stamps the top Via of a received request with where it really came from:
 * `received=<source address>` when the sent-by host is not that address (a domain
 * name, or a NATed private address), RFC 3261 §18.2.1; and, when the client asked
 * with an empty `rport`, `rport=<source port>` plus `received` even if the host
 * matched, RFC 3581 §4. Responses then go back to the real source (§18.2.2).
 * Mutates `via.params`; returns whether anything changed.
 */
export function stampVia(via: Via, sourceAddress: string, sourcePort: number): boolean {
  let changed = false;
  const params = via.params;
  const wantsRport = params.has('rport') && params.get('rport') === null;
  if (wantsRport) {
    params.set('rport', String(sourcePort));
    changed = true;
  }
  if (wantsRport || !sameHost(via.host, sourceAddress)) {
    if (params.get('received') !== sourceAddress) {
      params.set('received', sourceAddress);
      changed = true;
    }
  }
  return changed;
}

/** Via hosts may be bracketed IPv6 references (RFC 3261 §25.1 IPv6reference) and differ in case. */
function sameHost(viaHost: string, address: string): boolean {
  if (viaHost.length === address.length) return viaHost === address || viaHost.toLowerCase() === address.toLowerCase();
  if (viaHost.charCodeAt(0) === 0x5b && viaHost.length === address.length + 2) {
    return viaHost.slice(1, -1).toLowerCase() === address.toLowerCase();
  }
  return false;
}
