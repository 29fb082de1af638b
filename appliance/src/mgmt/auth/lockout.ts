import type { LoginFailureStore } from '../../records/index.ts';

/** Lockout thresholds, from the `mgmt` config section. */
export interface LockoutRules {
  userLimit: number;
  addressLimit: number;
  windowMs: number;
  lockMs: number;
}

/** A lock in force: until when, and which key caused it. */
export interface LockState {
  until: number;
  kind: 'user' | 'address';
}

/**
 * Login throttling: N failures for one username, or M from one address, within the window lock
 * that key for `lockMs`. Counting per address as well stops one client spraying many usernames;
 * per username stops a botnet guessing one password from many addresses.
 */
export class Lockout {
  constructor(
    private readonly store: LoginFailureStore,
    private readonly rules: () => LockoutRules,
    private readonly now: () => number,
  ) {}

  /** The lock that refuses this attempt now, if any. Checked before the password is looked at. */
  check(username: string, address: string): LockState | undefined {
    const t = this.now();
    for (const [kind, key] of [['user', username], ['address', address]] as const) {
      const until = this.store.lockedUntil(kind, key);
      if (until !== undefined && until > t) return { until, kind };
    }
    return undefined;
  }

  /** Counts one failure; returns the lock it triggered, if this failure reached a limit. */
  fail(username: string, address: string): LockState | undefined {
    const t = this.now();
    const r = this.rules();
    this.store.prune(t - r.windowMs);
    this.store.add('user', username, t);
    this.store.add('address', address, t);
    let lock: LockState | undefined;
    if (this.store.countSince('user', username, t - r.windowMs) >= r.userLimit) {
      this.store.lock('user', username, t + r.lockMs);
      this.store.clear('user', username);
      lock = { until: t + r.lockMs, kind: 'user' };
    }
    if (this.store.countSince('address', address, t - r.windowMs) >= r.addressLimit) {
      this.store.lock('address', address, t + r.lockMs);
      this.store.clear('address', address);
      lock ??= { until: t + r.lockMs, kind: 'address' };
    }
    return lock;
  }

  /** A successful login forgets the username's failures. */
  succeed(username: string): void {
    this.store.clear('user', username);
  }

  /** True while the username is locked (shown as `locked` in the user list). */
  isUserLocked(username: string): boolean {
    const until = this.store.lockedUntil('user', username);
    return until !== undefined && until > this.now();
  }

  /** Lifts the username's lock (an admin or the console set a new password). */
  unlockUser(username: string): void {
    this.store.unlock('user', username);
    this.store.clear('user', username);
  }
}
