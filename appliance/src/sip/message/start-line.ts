// Start lines (RFC 3261 §7.1 Request-Line, §7.2 Status-Line).
import { isToken } from './chars.ts';
import { parseUri, schemeLength } from './uri.ts';

/** A parsed start line, or why it is malformed. */
export type StartLine =
  | { kind: 'request'; method: string; uri: string }
  | { kind: 'response'; status: number; reason: string }
  | { kind: 'bad'; reason: string; status?: number; lenientRequest?: { method: string; uri: string } };

const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d)(?: ([^\r\n]*))?$/i;

/**
 * Parses a start line strictly: exactly one SP between the three parts of a
 * Request-Line (§7.1, RFC 4475 lwsstart/trws/lwsruri), a Request-URI with a
 * scheme and no escaped headers (RFC 4475 escruri, §19.1.1 table), version SIP/2.0.
 */
export function parseStartLine(line: string): StartLine {
  if (line.length >= 4 && (line.charCodeAt(0) | 0x20) === 0x73 && line.slice(0, 4).toUpperCase() === 'SIP/') {
    const m = STATUS_LINE.exec(line);
    if (m === null) return { kind: 'bad', reason: 'Bad Status-Line' };
    return { kind: 'response', status: Number(m[1]), reason: m[2] ?? '' };
  }
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  if (sp1 < 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0 || line.indexOf('\t') >= 0) {
    return bad(line, 'Bad Request-Line: whitespace');
  }
  const method = line.slice(0, sp1);
  const uri = line.slice(sp1 + 1, sp2);
  const version = line.slice(sp2 + 1);
  if (!isToken(method)) return bad(line, 'Bad Request-Line: method is not a token');
  if (version.toUpperCase() !== 'SIP/2.0') {
    // §8.2.2... a request of another version is answered 505 (RFC 4475 badvers).
    if (/^SIP\/\d+\.\d+$/i.test(version)) return bad(line, 'Version Not Supported', 505);
    return bad(line, 'Bad Request-Line: version');
  }
  if (schemeLength(uri) === 0) return bad(line, 'Bad Request-URI: no scheme');
  try {
    const u = parseUri(uri);
    if (u.headers.size > 0) return bad(line, 'Bad Request-URI: headers not allowed');
  } catch {
    return bad(line, 'Bad Request-URI');
  }
  return { kind: 'request', method, uri };
}

// When the line is a request in all but spacing or URI, keep method and URI so
// that a 400 can still be sent (RFC 4475 §3.1.2.6-3.1.2.10 expect one).
function bad(line: string, reason: string, status?: number): StartLine {
  const parts = line.trim().split(/[ \t]+/);
  const r: StartLine = { kind: 'bad', reason };
  if (status !== undefined) r.status = status;
  if (parts.length >= 3 && isToken(parts[0]!) && /^SIP\//i.test(parts[parts.length - 1]!)) {
    r.lenientRequest = { method: parts[0]!, uri: parts.slice(1, -1).join(' ') };
  }
  return r;
}
