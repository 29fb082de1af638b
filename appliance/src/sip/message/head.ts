// Splitting a header section into the start line and raw headers (RFC 3261 §7.3),
// undoing line folding (§7.3.1: CRLF followed by SP/HTAB is LWS, i.e. one SP).
import { TOKEN, trimWs } from './chars.ts';
import { canonicalName, headerKey } from './header-names.ts';
import { Headers } from './headers.ts';

/** Start line and headers of a message head, or why it could not be split. */
export type Head =
  | { ok: true; startLine: string; headers: Headers }
  | { ok: false; reason: string; tooMany?: true };

// Header names repeat from message to message; remembering their key and
// canonical spelling saves two lower-casings and lookups per header.
const nameCache = new Map<string, [key: string, name: string]>();
const NAME_CACHE_MAX = 2048;

function resolve(raw: string): [string, string] {
  let r = nameCache.get(raw);
  if (r === undefined) {
    r = [headerKey(raw), canonicalName(raw)];
    if (nameCache.size < NAME_CACHE_MAX) nameCache.set(raw, r);
  }
  return r;
}

function isTokenRange(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) return false;
  }
  return true;
}

/** Splits `head` (the text before the blank line, without its final CRLF). */
export function splitHead(head: string, maxHeaders: number): Head {
  let eol = head.indexOf('\r\n');
  if (eol < 0) eol = head.length;
  const startLine = head.slice(0, eol);
  const headers = new Headers();
  let count = 0;
  let pendingName: string | undefined;
  let pendingValue = '';
  let pos = eol + 2;
  while (pos < head.length) {
    let e = head.indexOf('\r\n', pos);
    if (e < 0) e = head.length;
    const c0 = head.charCodeAt(pos);
    if (c0 === 0x20 || c0 === 0x09) {
      if (pendingName === undefined) return { ok: false, reason: 'continuation line before any header' };
      const cont = trimWs(head.slice(pos, e));
      if (cont.length > 0) pendingValue = pendingValue.length > 0 ? `${pendingValue} ${cont}` : cont;
    } else {
      if (pendingName !== undefined) {
        const [k, n] = resolve(pendingName);
        headers.appendResolved(k, n, pendingValue);
      }
      const colon = head.indexOf(':', pos);
      if (colon < 0 || colon > e) return { ok: false, reason: 'header line without a colon' };
      let nameEnd = colon;
      while (nameEnd > pos && (head.charCodeAt(nameEnd - 1) === 0x20 || head.charCodeAt(nameEnd - 1) === 0x09)) nameEnd--;
      if (!isTokenRange(head, pos, nameEnd)) return { ok: false, reason: 'bad header name' };
      if (++count > maxHeaders) return { ok: false, reason: 'too many headers', tooMany: true };
      pendingName = head.slice(pos, nameEnd);
      pendingValue = trimWs(head.slice(colon + 1, e));
    }
    pos = e + 2;
  }
  if (pendingName !== undefined) {
    const [k, n] = resolve(pendingName);
    headers.appendResolved(k, n, pendingValue);
  }
  return { ok: true, startLine, headers };
}
