// Via header values (RFC 3261 §20.42, grammar §25.1 via-parm).
import { SipParseError } from './errors.ts';
import { scanToken, skipWs } from './chars.ts';
import { formatParams, parseParamList, type Params } from './params.ts';

/** One via-parm: sent-protocol, sent-by and params (branch, received, rport — rport may be null, a flag). */
export interface Via {
  /** "SIP/2.0" */
  protocol: string;
  /** Upper-case transport: UDP, TCP, TLS, SCTP, WS ... */
  transport: string;
  host: string;
  port?: number;
  params: Params;
}

const HOST_CHAR = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_') HOST_CHAR[c.charCodeAt(0)] = 1;

/**
 * Parses a Via header value, which may hold several comma-separated via-parms.
 * LWS is allowed around '/', ';', '=' and ',' (§25.1 SLASH, SEMI, EQUAL, COMMA).
 */
export function parseVia(headerValue: string): Via[] {
  const s = headerValue;
  const out: Via[] = [];
  let i = 0;
  for (;;) {
    i = skipWs(s, i);
    // sent-protocol = protocol-name SLASH protocol-version SLASH transport
    const parts: string[] = [];
    for (let k = 0; k < 3; k++) {
      if (k > 0) {
        i = skipWs(s, i);
        if (s.charCodeAt(i) !== 0x2f) throw new SipParseError('bad sent-protocol', 'Via');
        i = skipWs(s, i + 1);
      }
      const e = scanToken(s, i);
      if (e === i) throw new SipParseError('bad sent-protocol', 'Via');
      parts.push(s.slice(i, e));
      i = e;
    }
    const j = skipWs(s, i);
    if (j === i) throw new SipParseError('no whitespace before sent-by', 'Via');
    i = j;
    let host: string;
    if (s.charCodeAt(i) === 0x5b) {
      const close = s.indexOf(']', i);
      if (close < 0) throw new SipParseError('bad IPv6 reference', 'Via');
      host = s.slice(i, close + 1);
      i = close + 1;
    } else {
      const start = i;
      while (i < s.length) {
        const c = s.charCodeAt(i);
        if (c >= 128 || HOST_CHAR[c] === 0) break;
        i++;
      }
      host = s.slice(start, i);
    }
    if (host.length === 0) throw new SipParseError('missing sent-by host', 'Via');
    let port: number | undefined;
    const k = skipWs(s, i);
    if (s.charCodeAt(k) === 0x3a) {
      const ps = skipWs(s, k + 1);
      let pe = ps;
      while (pe < s.length && s.charCodeAt(pe) >= 0x30 && s.charCodeAt(pe) <= 0x39) pe++;
      port = pe > ps && pe - ps <= 5 ? Number(s.slice(ps, pe)) : NaN;
      if (!(port <= 65535)) throw new SipParseError('bad sent-by port', 'Via');
      i = pe;
    }
    const r = parseParamList(s, i, 'Via');
    const via: Via = { protocol: `${parts[0]!.toUpperCase()}/${parts[1]}`, transport: parts[2]!.toUpperCase(), host, params: r.params };
    if (port !== undefined) via.port = port;
    out.push(via);
    i = r.end;
    if (i >= s.length) return out;
    i++; // the comma
  }
}

/** Formats one via-parm as `SIP/2.0/UDP host:port;params`. */
export function formatVia(via: Via): string {
  const hp = via.port === undefined ? via.host : `${via.host}:${via.port}`;
  return `${via.protocol}/${via.transport} ${hp}${formatParams(via.params)}`;
}
