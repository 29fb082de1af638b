import { randomBytes } from 'node:crypto';
import { AuthHeaderError, type DigestAlgorithm, parseDigestParams } from './digest-header.ts';
import { computeResponse } from './digest.ts';

/** A challenge from a server this element authenticates to (a carrier, a gateway). */
export interface DigestChallenge { realm: string; nonce: string; algorithm: DigestAlgorithm; qop?: 'auth'; opaque?: string }

/** Reads a WWW-Authenticate / Proxy-Authenticate value (RFC 7616 §3.3); throws AuthHeaderError when it is not a usable digest challenge. */
export function parseChallenge(value: string): DigestChallenge {
  const p = parseDigestParams(value);
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  if (realm === undefined || nonce === undefined) throw new AuthHeaderError('malformed', 'challenge without realm or nonce', value);
  const alg = (p.get('algorithm') ?? 'MD5').toUpperCase();
  if (alg !== 'MD5' && alg !== 'SHA-256') throw new AuthHeaderError('unsupported-algorithm', `unsupported algorithm ${alg}`, value);
  const qops = (p.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase());
  return { realm, nonce, algorithm: alg, qop: qops.includes('auth') ? 'auth' : undefined, opaque: p.get('opaque') };
}

/** Picks the first challenge this element can answer (SHA-256 and MD5), in the server's order. */
export function pickChallenge(values: string[]): DigestChallenge | undefined {
  for (const v of values) {
    try { return parseChallenge(v); } catch { /* try the next one */ }
  }
  return undefined;
}

/** The Authorization / Proxy-Authorization value answering `challenge` for `method uri` (RFC 7616 §3.4). */
export function authorizationFor(challenge: DigestChallenge, creds: { username: string; password: string }, method: string, uri: string, nc = 1): string {
  const cnonce = randomBytes(8).toString('hex');
  const ncHex = nc.toString(16).padStart(8, '0');
  const response = computeResponse({
    username: creds.username, realm: challenge.realm, password: creds.password, method, uri, nonce: challenge.nonce,
    algorithm: challenge.algorithm, qop: challenge.qop, nc: challenge.qop ? ncHex : undefined, cnonce: challenge.qop ? cnonce : undefined,
  });
  const q = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;
  let out = `Digest username=${q(creds.username)}, realm=${q(challenge.realm)}, nonce=${q(challenge.nonce)}, uri=${q(uri)}, response="${response}", algorithm=${challenge.algorithm}`;
  if (challenge.qop) out += `, qop=auth, nc=${ncHex}, cnonce="${cnonce}"`;
  if (challenge.opaque !== undefined) out += `, opaque=${q(challenge.opaque)}`;
  return out;
}
