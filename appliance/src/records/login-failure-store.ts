import type { Statement } from 'better-sqlite3';
import type { RecordsDb } from './db.ts';

/** What a failure counter is keyed on: the username tried, or the client address. */
export type LoginFailureKind = 'user' | 'address';

/**
 * Failed management logins and the locks they caused, in records.db so that a restart of mgmt
 * does not reset a brute-force attempt. The counting rules live in mgmt/auth/lockout.ts.
 */
export class LoginFailureStore {
  readonly #add: Statement;
  readonly #countSince: Statement;
  readonly #clear: Statement;
  readonly #prune: Statement;
  readonly #lock: Statement;
  readonly #lockedUntil: Statement;
  readonly #unlock: Statement;
  readonly #totalSince: Statement;

  constructor(records: RecordsDb) {
    const db = records.db;
    this.#add = db.prepare('INSERT INTO login_failures (kind, key, at) VALUES (?, ?, ?)');
    this.#countSince = db.prepare('SELECT COUNT(*) AS n FROM login_failures WHERE kind = ? AND key = ? AND at >= ?');
    this.#clear = db.prepare('DELETE FROM login_failures WHERE kind = ? AND key = ?');
    this.#prune = db.prepare('DELETE FROM login_failures WHERE at < ?');
    this.#lock = db.prepare('INSERT INTO login_locks (kind, key, locked_until) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET locked_until = excluded.locked_until');
    this.#lockedUntil = db.prepare('SELECT locked_until AS until FROM login_locks WHERE kind = ? AND key = ?');
    this.#unlock = db.prepare('DELETE FROM login_locks WHERE kind = ? AND key = ?');
    // Every failure is stored once per kind; counting the address rows counts each attempt once.
    this.#totalSince = db.prepare("SELECT COUNT(*) AS n FROM login_failures WHERE kind = 'address' AND at >= ?");
  }

  /** Records one failure at `at` (epoch ms). */
  add(kind: LoginFailureKind, key: string, at: number): void {
    this.#add.run(kind, key, at);
  }

  /** Failures for the key at or after `since`. */
  countSince(kind: LoginFailureKind, key: string, since: number): number {
    return (this.#countSince.get(kind, key, since) as { n: number }).n;
  }

  /** Failed attempts of any user at or after `since` (the inspection's failed-login count); cleared and pruned ones are gone. */
  totalSince(since: number): number {
    return (this.#totalSince.get(since) as { n: number }).n;
  }

  /** Forgets the key's failures (after a successful login). */
  clear(kind: LoginFailureKind, key: string): void {
    this.#clear.run(kind, key);
  }

  /** Drops failures older than `before`: they no longer count towards any window. */
  prune(before: number): void {
    this.#prune.run(before);
  }

  /** Refuses logins for the key until `until` (epoch ms). */
  lock(kind: LoginFailureKind, key: string, until: number): void {
    this.#lock.run(kind, key, until);
  }

  /** End of the key's lock, or undefined when it was never locked. */
  lockedUntil(kind: LoginFailureKind, key: string): number | undefined {
    return (this.#lockedUntil.get(kind, key) as { until: number } | undefined)?.until;
  }

  /** Lifts the key's lock (console recovery sets a new password). */
  unlock(kind: LoginFailureKind, key: string): void {
    this.#unlock.run(kind, key);
  }
}
