/** Digest algorithms this stack speaks (RFC 7616 §3.2; MD5 for RFC 2617 phones). */
export type DigestAlgorithm = 'MD5' | 'SHA-256';

/** Credentials carried by an Authorization / Proxy-Authorization header (RFC 7616 §3.4, RFC 3261 §22.4). */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  /** Lower-case hex, length checked against the algorithm. */
  response: string;
  algorithm: DigestAlgorithm;
  qop?: string;
  nc?: string;
  cnonce?: string;
  opaque?: string;
}

/** Why a credentials header was refused by {@link parseAuthorization}. */
export type AuthHeaderErrorCode = 'malformed' | 'unsupported-scheme' | 'unsupported-algorithm' | 'unsupported-qop';

/** A credentials header that cannot be used; carries (the start of) the offending value as its source. */
export class AuthHeaderError extends Error {
  override readonly name = 'AuthHeaderError';
  /** Machine-readable cause. */
  readonly code: AuthHeaderErrorCode;
  /** The first 120 characters of the header value, for logs. */
  readonly source: string;

  /** Builds the error; `headerValue` is truncated before being kept. */
  constructor(code: AuthHeaderErrorCode, message: string, headerValue: string) {
    super(message);
    this.code = code;
    this.source = String(headerValue).slice(0, 120);
  }
}

/** Hex length of a response for each algorithm (RFC 7616 §3.4.1). */
export const DIGEST_HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { MD5: 32, 'SHA-256': 64 };

const MAX_HEADER_CHARS = 8192;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const HEX = /^[0-9a-fA-F]+$/;
/** nc is exactly 8 hex digits (RFC 7616 §3.4). */
const NC = /^[0-9a-fA-F]{8}$/;

/**
 * Parses `Digest k=v, k="v", ...` (RFC 7616 §3.4, RFC 3261 §25.1 digest-response).
 * Throws {@link AuthHeaderError} for anything it cannot use, never another error.
 */
/**
 * Parses `Digest name=value, ...` (the auth-param list of RFC 7616 §3.3/§3.4, quoted-pair
 * escapes honoured) into lower-cased names and unquoted values. Shared by the server side
 * (Authorization) and the client side (WWW-Authenticate when the PBX registers to a carrier).
 */
export function parseDigestParams(headerValue: string): Map<string, string> {
  if (typeof headerValue !== 'string') throw new AuthHeaderError('malformed', 'header value is not a string', '');
  if (headerValue.length > MAX_HEADER_CHARS) throw new AuthHeaderError('malformed', 'header value too long', headerValue);
  const s = headerValue;
  let i = skipWs(s, 0);
  const schemeStart = i;
  while (i < s.length && TOKEN_CHAR.test(s[i]!)) i++;
  const scheme = s.slice(schemeStart, i);
  if (scheme.length === 0) throw new AuthHeaderError('malformed', 'missing auth scheme', s);
  if (scheme.toLowerCase() !== 'digest') throw new AuthHeaderError('unsupported-scheme', `unsupported auth scheme ${scheme}`, s);

  const params = new Map<string, string>();
  i = skipWs(s, i);
  while (i < s.length) {
    const nameStart = i;
    while (i < s.length && TOKEN_CHAR.test(s[i]!)) i++;
    const name = s.slice(nameStart, i).toLowerCase();
    if (name.length === 0) throw new AuthHeaderError('malformed', `expected a parameter name at offset ${i}`, s);
    i = skipWs(s, i);
    if (s[i] !== '=') throw new AuthHeaderError('malformed', `expected '=' after ${name}`, s);
    i = skipWs(s, i + 1);
    let value: string;
    if (s[i] === '"') {
      // quoted-string with quoted-pair escapes (RFC 3261 §25.1).
      let out = '';
      i++;
      for (;;) {
        if (i >= s.length) throw new AuthHeaderError('malformed', `unterminated quoted value of ${name}`, s);
        const c = s[i]!;
        if (c === '"') { i++; break; }
        if (c === '\\') {
          if (i + 1 >= s.length) throw new AuthHeaderError('malformed', `dangling escape in ${name}`, s);
          out += s[i + 1];
          i += 2;
          continue;
        }
        out += c;
        i++;
      }
      value = out;
    } else {
      const valueStart = i;
      while (i < s.length && TOKEN_CHAR.test(s[i]!)) i++;
      value = s.slice(valueStart, i);
      if (value.length === 0) throw new AuthHeaderError('malformed', `empty value for ${name}`, s);
    }
    if (params.has(name)) throw new AuthHeaderError('malformed', `duplicate parameter ${name}`, s);
    params.set(name, value);
    i = skipWs(s, i);
    if (i >= s.length) break;
    if (s[i] !== ',') throw new AuthHeaderError('malformed', `expected ',' at offset ${i}`, s);
    i = skipWs(s, i + 1);
  }

  return params;
}

export function parseAuthorization(headerValue: string): DigestCredentials {
  const s = headerValue;
  const params = parseDigestParams(headerValue);
  const algorithm = parseAlgorithm(params.get('algorithm'), s);
  if (params.get('userhash')?.toLowerCase() === 'true') {
    throw new AuthHeaderError('unsupported-algorithm', 'userhash is not supported', s);
  }
  let username = params.get('username');
  const extUsername = params.get('username*');
  if (username !== undefined && extUsername !== undefined) {
    throw new AuthHeaderError('malformed', 'both username and username* present', s); // RFC 7616 §3.4
  }
  if (extUsername !== undefined) username = decodeExtValue(extUsername, s);
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  const uri = params.get('uri');
  let response = params.get('response');
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined) {
    throw new AuthHeaderError('malformed', 'missing one of username, realm, nonce, uri, response', s);
  }
  if (response.length !== DIGEST_HEX_LENGTH[algorithm] || !HEX.test(response)) {
    throw new AuthHeaderError('malformed', `response is not ${DIGEST_HEX_LENGTH[algorithm]} hex digits`, s);
  }
  response = response.toLowerCase();

  const creds: DigestCredentials = { username, realm, nonce, uri, response, algorithm };
  const qop = params.get('qop');
  if (qop !== undefined) {
    if (qop.toLowerCase() !== 'auth') throw new AuthHeaderError('unsupported-qop', `unsupported qop ${qop}`, s);
    const nc = params.get('nc');
    const cnonce = params.get('cnonce');
    // With a qop, nc and cnonce are mandatory (RFC 7616 §3.4).
    if (nc === undefined || cnonce === undefined) throw new AuthHeaderError('malformed', 'qop without nc or cnonce', s);
    if (!NC.test(nc)) throw new AuthHeaderError('malformed', 'nc is not 8 hex digits', s);
    creds.qop = 'auth';
    creds.nc = nc;
    creds.cnonce = cnonce;
  }
  const opaque = params.get('opaque');
  if (opaque !== undefined) creds.opaque = opaque;
  return creds;
}

function parseAlgorithm(value: string | undefined, header: string): DigestAlgorithm {
  // Absent algorithm means MD5 (RFC 2617 §3.2.1, RFC 7616 §3.3).
  if (value === undefined) return 'MD5';
  const upper = value.toUpperCase();
  if (upper === 'MD5') return 'MD5';
  if (upper === 'SHA-256') return 'SHA-256';
  throw new AuthHeaderError('unsupported-algorithm', `unsupported algorithm ${value}`, header);
}

/** RFC 8187 ext-value, only UTF-8 (RFC 7616 §3.4.4 for username*). */
function decodeExtValue(v: string, header: string): string {
  const m = /^UTF-8'[^']*'(.*)$/i.exec(v);
  if (!m) throw new AuthHeaderError('malformed', 'username* is not a UTF-8 ext-value', header);
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    throw new AuthHeaderError('malformed', 'username* has a bad percent-encoding', header);
  }
}

function skipWs(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\r' || s[i] === '\n')) i++;
  return i;
}

/** Quotes a value for a quoted-string (RFC 3261 §25.1 quoted-pair). */
export function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}
