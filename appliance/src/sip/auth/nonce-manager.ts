import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What {@link NonceManager.check} concludes about a nonce presented by a client. */
export type NonceStatus = 'valid' | 'stale' | 'invalid';

/** Options of a {@link NonceManager}. */
export interface NonceManagerOptions {
  /** HMAC key; a fresh random one by default (nonces then die with the process, which only costs one extra 401). */
  key?: Buffer;
  /** How long a nonce is accepted before it is reported stale (RFC 7616 §3.3 "stale"). */
  lifetimeSec: number;
  /** Clock in milliseconds since the epoch; injected for tests. */
  now?: () => number;
  /** Random source; injected for tests. */
  random?: (bytes: number) => Buffer;
}

// Layout of the decoded nonce. The timestamp is 48 bits of milliseconds (good
// until the year 10889) so no BigInt is needed; the MAC is HMAC-SHA-256 cut to
// 128 bits, which is plenty for a value that lives minutes.
const TS_BYTES = 6;
const RANDOM_BYTES = 12;
const MAC_BYTES = 16;
const SIGNED_BYTES = TS_BYTES + RANDOM_BYTES;
const NONCE_BYTES = SIGNED_BYTES + MAC_BYTES;
/** base64url of 34 bytes without padding. */
const NONCE_CHARS = Math.ceil((NONCE_BYTES * 8) / 6);
/** Nonces stamped this far in the future are still accepted (clock steps between workers). */
const FUTURE_SKEW_MS = 5_000;

// randomBytes per nonce costs a trip into OpenSSL each time; drawing from a pool
// refilled 4 KB at a time keeps issue() cheap when a scanner makes us challenge a lot.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;
function pooledRandom(bytes: number): Buffer {
  if (poolOffset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const out = pool.subarray(poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return out;
}

/**
 * Issues and checks stateless digest nonces:
 * `nonce = base64url(timestamp || random || HMAC(key, timestamp || random))`.
 * Nothing is stored per nonce, so scanners hammering REGISTER cannot grow a table
 * (RFC 7616 §5.4 leaves the nonce format to the server). The price is that a nonce
 * can be replayed within its lifetime; the digest still binds method and URI.
 */
export class NonceManager {
  private readonly key: Buffer;
  private readonly lifetimeMs: number;
  private readonly now: () => number;
  private readonly random: (bytes: number) => Buffer;

  /** Creates a manager; `lifetimeSec` must be positive. */
  constructor(opts: NonceManagerOptions) {
    if (!(opts.lifetimeSec > 0)) throw new RangeError(`NonceManager lifetimeSec must be > 0, got ${opts.lifetimeSec}`);
    this.key = opts.key ?? randomBytes(32);
    this.lifetimeMs = opts.lifetimeSec * 1000;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? pooledRandom;
  }

  /** A fresh nonce stamped with the current time. */
  issue(): string {
    const raw = Buffer.allocUnsafe(NONCE_BYTES);
    raw.writeUIntBE(Math.floor(this.now()), 0, TS_BYTES);
    const rnd = this.random(RANDOM_BYTES);
    if (rnd.length !== RANDOM_BYTES) throw new RangeError('NonceManager random source returned the wrong length');
    rnd.copy(raw, TS_BYTES);
    this.mac(raw.subarray(0, SIGNED_BYTES)).copy(raw, SIGNED_BYTES, 0, MAC_BYTES);
    return raw.toString('base64url');
  }

  /** 'valid' if we issued it and it is within its lifetime, 'stale' if we issued it but it expired, else 'invalid'. */
  check(nonce: string): NonceStatus {
    if (typeof nonce !== 'string' || nonce.length !== NONCE_CHARS || !/^[A-Za-z0-9_-]+$/.test(nonce)) return 'invalid';
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== NONCE_BYTES) return 'invalid';
    const expected = this.mac(raw.subarray(0, SIGNED_BYTES)).subarray(0, MAC_BYTES);
    if (!timingSafeEqual(expected, raw.subarray(SIGNED_BYTES))) return 'invalid';
    const issuedAt = raw.readUIntBE(0, TS_BYTES);
    const now = this.now();
    if (issuedAt > now + FUTURE_SKEW_MS) return 'invalid';
    return now - issuedAt > this.lifetimeMs ? 'stale' : 'valid';
  }

  private mac(data: Buffer): Buffer {
    return createHmac('sha256', this.key).update(data).digest();
  }
}
