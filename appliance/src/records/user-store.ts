import type { Statement } from 'better-sqlite3';
import type { RecordsDb } from './db.ts';

/** Roles of management users (API contract v1); what each may do is decided by the mgmt route table. */
export type UserRole = 'admin' | 'supervisor' | 'engineer' | 'auditor' | 'agent';

/** Every role, in the order the UI lists them. */
export const USER_ROLES: readonly UserRole[] = ['admin', 'supervisor', 'engineer', 'auditor', 'agent'];

/** One management account as stored. Times are epoch ms. Holds hashes, never passwords. */
export interface UserRecord {
  username: string;
  role: UserRole;
  displayName: string;
  passwordHash: string;
  /** Previous password hashes, newest first (the current one is `passwordHash`). */
  passwordHistory: string[];
  mustChangePassword: boolean;
  createdAt: number;
  lastLoginAt: number | null;
  passwordChangedAt: number;
  /** The user's desk phone (an extension number): the wallboard's Listen/Whisper/Barge ring it. Absent: none. */
  extension?: string;
}

interface UserRow {
  username: string;
  role: UserRole;
  display_name: string;
  password_hash: string;
  password_history: string;
  must_change_password: number;
  created_at: number;
  last_login_at: number | null;
  password_changed_at: number;
  phone_extension: string | null;
}

const fromRow = (r: UserRow): UserRecord => ({
  username: r.username,
  role: r.role,
  displayName: r.display_name,
  passwordHash: r.password_hash,
  passwordHistory: JSON.parse(r.password_history) as string[],
  mustChangePassword: r.must_change_password !== 0,
  createdAt: r.created_at,
  lastLoginAt: r.last_login_at,
  passwordChangedAt: r.password_changed_at,
  ...(r.phone_extension ? { extension: r.phone_extension } : {}),
});

/** Management accounts in records.db. Pure storage: hashing and policy live in mgmt/auth. */
export class UserStore {
  readonly #get: Statement;
  readonly #all: Statement;
  readonly #insert: Statement;
  readonly #update: Statement;
  readonly #delete: Statement;
  readonly #countRole: Statement;
  readonly #count: Statement;

  constructor(records: RecordsDb) {
    const db = records.db;
    this.#get = db.prepare('SELECT * FROM users WHERE username = ?');
    this.#all = db.prepare('SELECT * FROM users ORDER BY username');
    this.#insert = db.prepare(
      `INSERT INTO users (username, role, display_name, password_hash, password_history, must_change_password, created_at, last_login_at, password_changed_at, phone_extension)
       VALUES (@username, @role, @displayName, @passwordHash, @passwordHistory, @mustChangePassword, @createdAt, @lastLoginAt, @passwordChangedAt, @extension)`,
    );
    this.#update = db.prepare(
      `UPDATE users SET role = @role, display_name = @displayName, password_hash = @passwordHash, password_history = @passwordHistory,
       must_change_password = @mustChangePassword, last_login_at = @lastLoginAt, password_changed_at = @passwordChangedAt, phone_extension = @extension WHERE username = @username`,
    );
    this.#delete = db.prepare('DELETE FROM users WHERE username = ?');
    this.#countRole = db.prepare('SELECT COUNT(*) AS n FROM users WHERE role = ?');
    this.#count = db.prepare('SELECT COUNT(*) AS n FROM users');
  }

  /** The account, or undefined. */
  get(username: string): UserRecord | undefined {
    const row = this.#get.get(username) as UserRow | undefined;
    return row && fromRow(row);
  }

  /** Every account, by username. */
  list(): UserRecord[] {
    return (this.#all.all() as UserRow[]).map(fromRow);
  }

  /** Stores a new account; returns false when the username is taken. */
  insert(user: UserRecord): boolean {
    if (this.get(user.username)) return false;
    this.#insert.run(toParams(user));
    return true;
  }

  /** Writes every field of an existing account. */
  update(user: UserRecord): void {
    this.#update.run(toParams(user));
  }

  /** Removes an account; true when it existed. */
  delete(username: string): boolean {
    return this.#delete.run(username).changes > 0;
  }

  /** How many accounts hold `role`. */
  countWithRole(role: UserRole): number {
    return (this.#countRole.get(role) as { n: number }).n;
  }

  /** How many accounts exist. */
  count(): number {
    return (this.#count.get() as { n: number }).n;
  }
}

function toParams(u: UserRecord) {
  return {
    username: u.username,
    role: u.role,
    displayName: u.displayName,
    passwordHash: u.passwordHash,
    passwordHistory: JSON.stringify(u.passwordHistory),
    mustChangePassword: u.mustChangePassword ? 1 : 0,
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
    passwordChangedAt: u.passwordChangedAt,
    extension: u.extension ?? null,
  };
}
