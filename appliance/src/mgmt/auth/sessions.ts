import { randomBytes } from 'node:crypto';

/** One signed-in browser. Holds the username only: role and flags are re-read per request. */
export interface Session {
  /** 256-bit random id (base64url), the cookie value. */
  id: string;
  username: string;
  /** 256-bit random token the client echoes in `X-CSRF-Token` on state-changing requests. */
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  sourceAddress: string;
}

/** Timeouts of the session table, in ms. */
export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

/**
 * Sessions in memory, keyed by a random 256-bit id. Kept in memory on purpose: an id never reaches
 * the disk (nothing to steal from a backup), and a restart of mgmt signing everyone out is an
 * acceptable price on an appliance whose management plane restarts rarely.
 */
export class SessionStore {
  readonly #byId = new Map<string, Session>();

  constructor(
    private readonly now: () => number,
    private readonly limits: () => SessionLimits,
    private readonly random: (bytes: number) => Buffer = randomBytes,
  ) {}

  /** Starts a session for `username`. */
  create(username: string, sourceAddress: string): Session {
    const t = this.now();
    const s: Session = {
      id: this.random(32).toString('base64url'),
      username,
      csrfToken: this.random(32).toString('base64url'),
      createdAt: t,
      lastSeenAt: t,
      sourceAddress,
    };
    this.#byId.set(s.id, s);
    return s;
  }

  /** The live session for `id`, its idle clock restarted; undefined (and forgotten) once idle or too old. */
  touch(id: string | undefined): Session | undefined {
    const s = this.peek(id);
    if (s) s.lastSeenAt = this.now();
    return s;
  }

  /** Like `touch` without restarting the idle clock (WebSocket keep-alive checks). */
  peek(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const s = this.#byId.get(id);
    if (!s) return undefined;
    const t = this.now();
    const { idleMs, absoluteMs } = this.limits();
    if (t - s.lastSeenAt >= idleMs || t - s.createdAt >= absoluteMs) {
      this.#byId.delete(id);
      return undefined;
    }
    return s;
  }

  /** Ends one session. */
  destroy(id: string): void {
    this.#byId.delete(id);
  }

  /** Ends every session of a user (deleted, or password reset by an admin), except `keepId`. */
  destroyUser(username: string, keepId?: string): void {
    for (const [id, s] of this.#byId) if (s.username === username && id !== keepId) this.#byId.delete(id);
  }

  /** Number of sessions held (expired ones included until next looked up). */
  get size(): number {
    return this.#byId.size;
  }
}
