import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthHeaderError, DIGEST_HEX_LENGTH, parseAuthorization, quote } from './digest-header.ts';
import type { DigestAlgorithm, DigestCredentials } from './digest-header.ts';
import type { NonceManager } from './nonce-manager.ts';

export { AuthHeaderError, parseAuthorization, parseDigestParams } from './digest-header.ts';
export type { AuthHeaderErrorCode, DigestAlgorithm, DigestCredentials } from './digest-header.ts';
export { NonceManager } from './nonce-manager.ts';
export type { NonceManagerOptions, NonceStatus } from './nonce-manager.ts';

/** What goes into a 401/407 challenge. */
export interface DigestChallengeOptions {
  realm: string;
  /** Algorithms to offer, in the order offered: a client uses the first it supports (RFC 7616 §3.7). */
  algorithms: DigestAlgorithm[];
  /** Set when the previous credentials were right but their nonce had expired (RFC 7616 §3.3). */
  stale?: boolean;
}

/** Node's hash name for each digest algorithm. */
const HASH: Readonly<Record<DigestAlgorithm, string>> = { MD5: 'md5', 'SHA-256': 'sha256' };

/**
 * Header values for a 401 WWW-Authenticate / 407 Proxy-Authenticate: one per
 * algorithm in the configured order (a client uses the first it supports, RFC 7616 §3.7;
 * many desk phones only ever read the first), all sharing one fresh nonce, qop="auth".
 */
export function buildChallenges(nonceManager: NonceManager, opts: DigestChallengeOptions): string[] {
  const nonce = nonceManager.issue();
  const ordered = [...new Set(opts.algorithms)];
  if (ordered.length === 0) throw new RangeError('buildChallenges needs at least one algorithm');
  const realm = quote(opts.realm);
  const stale = opts.stale ? ', stale=TRUE' : '';
  return ordered.map((alg) => `Digest realm=${realm}, nonce="${nonce}", algorithm=${alg}, qop="auth"${stale}`);
}

/** Inputs of {@link computeResponse}. */
export interface DigestResponseInput {
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  algorithm: DigestAlgorithm;
  qop?: string;
  nc?: string;
  cnonce?: string;
}

/**
 * The request-digest (RFC 7616 §3.4.1): `H(H(A1):nonce:nc:cnonce:qop:H(A2))` with qop,
 * `H(H(A1):nonce:H(A2))` without (RFC 2617 §3.2.2.1 compatibility), where
 * A1 = username:realm:password and A2 = method:uri. Lower-case hex.
 */
export function computeResponse(c: DigestResponseInput): string {
  const alg = HASH[c.algorithm];
  if (alg === undefined) throw new RangeError(`unsupported digest algorithm ${String(c.algorithm)}`);
  const h = (data: string): string => createHash(alg).update(data, 'utf8').digest('hex');
  const ha1 = h(`${c.username}:${c.realm}:${c.password}`);
  const ha2 = h(`${c.method}:${c.uri}`);
  if (c.qop !== undefined) return h(`${ha1}:${c.nonce}:${c.nc ?? ''}:${c.cnonce ?? ''}:${c.qop}:${ha2}`);
  return h(`${ha1}:${c.nonce}:${ha2}`);
}

/** Outcome of {@link verifyRequest}. */
export type VerifyResult =
  | { ok: true; username: string }
  | {
      ok: false;
      reason:
        | 'no-credentials'
        | 'malformed'
        | 'unknown-user'
        | 'bad-password'
        | 'stale-nonce'
        | 'invalid-nonce'
        | 'realm-mismatch'
        | 'uri-mismatch'
        | 'algorithm-not-allowed';
      username?: string;
    };

/** The parts of a SIP request digest verification reads; `SipRequest` satisfies it. */
export interface AuthenticatableRequest {
  readonly method: string;
  readonly uri: string;
  readonly headers: { getAll(name: string): string[] };
}

/** Options of {@link verifyRequest}. */
export interface VerifyOptions {
  realm: string;
  /** 'authorization' for a UAS/registrar (401), 'proxy-authorization' for a proxy (407), RFC 3261 §22.2/§22.3. */
  header: 'authorization' | 'proxy-authorization';
  nonces: NonceManager;
  algorithms: DigestAlgorithm[];
  /** Plaintext secret of a user, or undefined when there is no such user. */
  lookup: (username: string) => string | undefined;
}

// A fixed secret hashed for unknown users so that "no such user" and "wrong
// password" take the same time and cannot be told apart by a scanner.
const DUMMY_PASSWORD = '\u0000no-such-user\u0000';

/**
 * Verifies the Authorization/Proxy-Authorization header(s) of `request` for `realm`.
 * Picks the credentials for our realm when several are present (RFC 3261 §22.3);
 * compares digests in constant time; reports a stale nonce only when the digest
 * itself is right, so the client can retry silently (RFC 7616 §3.3 stale).
 */
export function verifyRequest(request: AuthenticatableRequest, opts: VerifyOptions): VerifyResult {
  const values = request.headers.getAll(opts.header);
  if (values.length === 0) return { ok: false, reason: 'no-credentials' };

  let creds: DigestCredentials | undefined;
  let sawUnsupportedAlgorithm = false;
  let sawOtherRealm: string | undefined;
  for (const v of values) {
    let parsed: DigestCredentials;
    try {
      parsed = parseAuthorization(v);
    } catch (err) {
      if (err instanceof AuthHeaderError) {
        if (err.code === 'unsupported-algorithm') sawUnsupportedAlgorithm = true;
        continue;
      }
      throw err;
    }
    if (parsed.realm === opts.realm) {
      creds = parsed;
      break;
    }
    sawOtherRealm ??= parsed.username;
  }
  if (creds === undefined) {
    if (sawOtherRealm !== undefined) return { ok: false, reason: 'realm-mismatch', username: sawOtherRealm };
    return { ok: false, reason: sawUnsupportedAlgorithm ? 'algorithm-not-allowed' : 'malformed' };
  }
  const username = creds.username;
  if (!opts.algorithms.includes(creds.algorithm)) return { ok: false, reason: 'algorithm-not-allowed', username };
  // The digest-uri must be the Request-URI (RFC 3261 §22.4 via RFC 2617 §3.2.2.5);
  // otherwise a captured response could be reused against another target.
  if (creds.uri !== request.uri) return { ok: false, reason: 'uri-mismatch', username };
  const nonceStatus = opts.nonces.check(creds.nonce);
  if (nonceStatus === 'invalid') return { ok: false, reason: 'invalid-nonce', username };

  const secret = opts.lookup(username);
  const expected = computeResponse({
    username,
    realm: creds.realm,
    password: secret ?? DUMMY_PASSWORD,
    method: request.method,
    uri: creds.uri,
    nonce: creds.nonce,
    algorithm: creds.algorithm,
    qop: creds.qop,
    nc: creds.nc,
    cnonce: creds.cnonce,
  });
  // Both sides are lower-case hex of DIGEST_HEX_LENGTH[alg] characters (checked by the parser).
  const match =
    expected.length === DIGEST_HEX_LENGTH[creds.algorithm] &&
    timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(creds.response, 'latin1'));
  if (secret === undefined) return { ok: false, reason: 'unknown-user', username };
  if (!match) return { ok: false, reason: 'bad-password', username };
  if (nonceStatus === 'stale') return { ok: false, reason: 'stale-nonce', username };
  return { ok: true, username };
}
