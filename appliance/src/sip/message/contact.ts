// Contact values (RFC 3261 §20.10): "*" or a list of name-addrs.
import { SipParseError } from './errors.ts';
import { formatNameAddr, parseNameAddrAt, type NameAddr } from './name-addr.ts';

/** One Contact value: the REGISTER wildcard "*" (§10.2.2) or an address. */
export type Contact = { star: true } | { star: false; value: NameAddr };

/** Parses one Contact header instance, which may hold several comma-separated addresses. */
export function parseContactValue(value: string, into: Contact[] = []): Contact[] {
  const t = value.trim();
  if (t === '*') {
    into.push({ star: true });
    return into;
  }
  let i = 0;
  for (;;) {
    const r = parseNameAddrAt(t, i, 'Contact');
    into.push({ star: false, value: r.value });
    if (r.end >= t.length) return into;
    i = r.end + 1;
    if (i >= t.length) throw new SipParseError('trailing comma', 'Contact');
  }
}

/** Formats one Contact value. */
export function formatContact(c: Contact): string {
  return c.star ? '*' : formatNameAddr(c.value);
}
