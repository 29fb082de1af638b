// SIP, SIPS and other URIs (RFC 3261 §19.1, grammar §25.1 SIP-URI / absoluteURI).
// Components are kept as written (escapes not decoded) so a URI round-trips
// byte for byte; only parameter names are lower-cased.
import { SipParseError } from './errors.ts';
import type { Params } from './params.ts';

/** A parsed URI. For `tel:` the number is in `user` and host is ''; for other schemes the opaque part is in `host`. */
export interface SipUri {
  scheme: string;
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params: Params;
  headers: Map<string, string>;
}

function table(chars: string, base?: Uint8Array): Uint8Array {
  const t = base ? Uint8Array.from(base) : new Uint8Array(128);
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  return t;
}
// §25.1: unreserved = alphanum / mark; escaped "%" HEX HEX is let through as '%'.
const UNRESERVED = table("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()%");
const USER = table('&=+$,;?/', UNRESERVED);
const PASSWORD = table('&=+$,', UNRESERVED);
const PARAM = table('[]/:&+$', UNRESERVED);
const HNV = table('[]/?:+$', UNRESERVED);
const HOST = table('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._');
const IPV6 = table('0123456789abcdefABCDEF:.');
const SCHEME_REST = table('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.');

function allIn(s: string, t: Uint8Array): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || t[c] === 0) return false;
  }
  return true;
}

/** Length of the scheme at the start of `text` (including the ':'), or 0 when there is none (§25.1 scheme). */
export function schemeLength(text: string): number {
  const c0 = text.charCodeAt(0) | 0x20;
  if (!(c0 >= 0x61 && c0 <= 0x7a)) return 0;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) return i + 1;
    if (c >= 128 || SCHEME_REST[c] === 0) return 0;
  }
  return 0;
}

function parseUriParams(s: string, into: Params): void {
  // s is the text after the first ';', parameters separated by ';'.
  for (const part of s.split(';')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (name.length === 0 || !allIn(name, PARAM)) throw new SipParseError(`bad URI parameter name '${name}'`);
    if (eq < 0) {
      into.set(name.toLowerCase(), null);
    } else {
      const value = part.slice(eq + 1);
      if (value.length === 0 || !allIn(value, PARAM)) throw new SipParseError(`bad value for URI parameter '${name}'`);
      into.set(name.toLowerCase(), value);
    }
  }
}

/** Parses a URI; throws SipParseError on anything outside the RFC 3261 §25.1 grammar. */
export function parseUri(text: string): SipUri {
  const sl = schemeLength(text);
  if (sl === 0) throw new SipParseError(`URI without a scheme: '${text}'`);
  const scheme = text.slice(0, sl - 1).toLowerCase();
  const rest = text.slice(sl);
  if (rest.length === 0) throw new SipParseError('empty URI after the scheme');
  const params: Params = new Map();
  const headers = new Map<string, string>();
  if (scheme === 'sip' || scheme === 'sips') {
    // '@' cannot appear unescaped in params, headers or hostport, so the last one
    // ends the userinfo even when the user part holds ';' or '?' (§25.1 user-unreserved).
    const at = rest.lastIndexOf('@');
    let user: string | undefined;
    let password: string | undefined;
    let hp = rest;
    if (at >= 0) {
      const userinfo = rest.slice(0, at);
      hp = rest.slice(at + 1);
      const colon = userinfo.indexOf(':');
      user = colon < 0 ? userinfo : userinfo.slice(0, colon);
      if (colon >= 0) {
        password = userinfo.slice(colon + 1);
        if (!allIn(password, PASSWORD)) throw new SipParseError('bad character in URI password');
      }
      if (user.length === 0 || !allIn(user, USER)) throw new SipParseError(`bad URI user part '${user}'`);
    }
    let i = 0;
    let host: string;
    if (hp.charCodeAt(0) === 0x5b) {
      const close = hp.indexOf(']');
      if (close < 0 || !allIn(hp.slice(1, close), IPV6)) throw new SipParseError('bad IPv6 reference in URI');
      host = hp.slice(0, close + 1);
      i = close + 1;
    } else {
      while (i < hp.length) {
        const c = hp.charCodeAt(i);
        if (c === 0x3a || c === 0x3b || c === 0x3f) break;
        if (c >= 128 || HOST[c] === 0) throw new SipParseError(`bad character '${hp[i]}' in URI host`);
        i++;
      }
      host = hp.slice(0, i);
    }
    if (host.length === 0) throw new SipParseError('URI without a host');
    let port: number | undefined;
    if (hp.charCodeAt(i) === 0x3a) {
      let j = i + 1;
      while (j < hp.length && hp.charCodeAt(j) >= 0x30 && hp.charCodeAt(j) <= 0x39) j++;
      port = j - i - 1 > 0 && j - i - 1 <= 5 ? Number(hp.slice(i + 1, j)) : NaN;
      if (!(port <= 65535)) throw new SipParseError('bad URI port');
      i = j;
    }
    const q = hp.indexOf('?', i);
    const paramEnd = q < 0 ? hp.length : q;
    if (i < paramEnd) {
      if (hp.charCodeAt(i) !== 0x3b) throw new SipParseError(`unexpected '${hp[i]}' after URI host`);
      parseUriParams(hp.slice(i + 1, paramEnd), params);
    }
    if (q >= 0) {
      for (const h of hp.slice(q + 1).split('&')) {
        const eq = h.indexOf('=');
        const name = eq < 0 ? '' : h.slice(0, eq);
        const value = eq < 0 ? '' : h.slice(eq + 1);
        if (name.length === 0 || !allIn(name, HNV) || !allIn(value, HNV)) throw new SipParseError(`bad URI header '${h}'`);
        headers.set(name, value);
      }
    }
    const uri: SipUri = { scheme, host, params, headers };
    if (user !== undefined) uri.user = user;
    if (password !== undefined) uri.password = password;
    if (port !== undefined) uri.port = port;
    return uri;
  }
  // Any other scheme is an opaque absoluteURI (§25.1): no whitespace or delimiters.
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x3c || c === 0x3e || c === 0x22) throw new SipParseError(`bad character in ${scheme} URI`);
  }
  if (scheme === 'tel') {
    // RFC 3966 §3: the number, then ;params.
    const semi = rest.indexOf(';');
    const uri: SipUri = { scheme, user: semi < 0 ? rest : rest.slice(0, semi), host: '', params, headers };
    if (semi >= 0) parseUriParams(rest.slice(semi + 1), params);
    return uri;
  }
  return { scheme, host: rest, params, headers };
}

/** Formats a URI back to text (components as stored, parameter names lower-cased). */
export function formatUri(uri: SipUri): string {
  let out = uri.scheme + ':';
  if (uri.scheme === 'sip' || uri.scheme === 'sips') {
    if (uri.user !== undefined) out += uri.password !== undefined ? `${uri.user}:${uri.password}@` : `${uri.user}@`;
    out += uri.host;
    if (uri.port !== undefined) out += ':' + uri.port;
  } else if (uri.scheme === 'tel') {
    out += uri.user ?? '';
  } else {
    out += uri.host;
  }
  for (const [k, v] of uri.params) out += v === null ? `;${k}` : `;${k}=${v}`;
  let sep = '?';
  for (const [k, v] of uri.headers) {
    out += `${sep}${k}=${v}`;
    sep = '&';
  }
  return out;
}
