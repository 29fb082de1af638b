import { USER_ROLES, type UserRecord, type UserRole, type UserStore } from '../../records/index.ts';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword, type ScryptParams } from './password-hash.ts';
import { checkPasswordPolicy, PASSWORD_HISTORY_DEPTH, type PolicyViolation } from './password-policy.ts';

/** Usernames: lower-case ASCII letter first, then letters, digits, `.`, `_`, `-`; 2 to 32 characters. */
export const USERNAME_PATTERN = '^[a-z][a-z0-9._-]{1,31}$';

/** A password broke the policy; `violations` lists every rule it broke. */
export class PasswordPolicyError extends Error {
  override readonly name = 'PasswordPolicyError';
  constructor(readonly violations: PolicyViolation[]) {
    super(`password refused: ${violations.map((v) => v.message).join('; ')}`);
  }
}

/** An account operation was refused: unknown user, name taken, bad name or role, or the last admin. */
export class AccountError extends Error {
  override readonly name = 'AccountError';
  constructor(readonly reason: 'not_found' | 'exists' | 'bad_username' | 'bad_role' | 'last_admin', message: string) {
    super(message);
  }
}

/** Options of the account service. */
export interface AccountsOptions {
  now?: () => number;
  scrypt?: ScryptParams;
}

/**
 * Accounts with their rules (policy, history, last admin), shared by the management API, the
 * console CLI and the first-start setup so all three enforce the same thing.
 */
export class Accounts {
  readonly #now: () => number;
  readonly #scrypt: ScryptParams;
  #dummyHash: Promise<string> | undefined;

  constructor(readonly users: UserStore, opts: AccountsOptions = {}) {
    this.#now = opts.now ?? Date.now;
    this.#scrypt = opts.scrypt ?? DEFAULT_SCRYPT;
  }

  /** Creates an account after checking the name, the role and the password policy. */
  async create(input: { username: string; role: UserRole; password: string; displayName?: string; mustChangePassword?: boolean; extension?: string }): Promise<UserRecord> {
    if (!new RegExp(USERNAME_PATTERN).test(input.username)) throw new AccountError('bad_username', `username "${input.username}" must match ${USERNAME_PATTERN}`);
    if (!USER_ROLES.includes(input.role)) throw new AccountError('bad_role', `role must be one of ${USER_ROLES.join(', ')}`);
    if (this.users.get(input.username)) throw new AccountError('exists', `user ${input.username} already exists`);
    const violations = checkPasswordPolicy(input.password, input.username);
    if (violations.length) throw new PasswordPolicyError(violations);
    const t = this.#now();
    const user: UserRecord = {
      username: input.username,
      role: input.role,
      displayName: input.displayName ?? '',
      passwordHash: await hashPassword(input.password, this.#scrypt),
      passwordHistory: [],
      mustChangePassword: input.mustChangePassword ?? true,
      createdAt: t,
      lastLoginAt: null,
      passwordChangedAt: t,
      ...(input.extension ? { extension: input.extension } : {}),
    };
    if (!this.users.insert(user)) throw new AccountError('exists', `user ${input.username} already exists`);
    return user;
  }

  /** The account or AccountError('not_found'). */
  require(username: string): UserRecord {
    const u = this.users.get(username);
    if (!u) throw new AccountError('not_found', `user ${username} does not exist`);
    return u;
  }

  /**
   * Sets a new password after the policy and the "not one of the last 3" rule. `mustChange` true
   * when someone else set it (admin, console), false when the user chose it.
   */
  async setPassword(username: string, password: string, mustChange: boolean): Promise<UserRecord> {
    const user = this.require(username);
    const violations = checkPasswordPolicy(password, username);
    const recent = [user.passwordHash, ...user.passwordHistory].slice(0, PASSWORD_HISTORY_DEPTH);
    for (const h of recent) {
      if (await verifyPassword(password, h)) {
        violations.push({ reason: 'recently_used', message: `must differ from the last ${PASSWORD_HISTORY_DEPTH} passwords`, messageZh: `不能与最近 ${PASSWORD_HISTORY_DEPTH} 个密码相同` });
        break;
      }
    }
    if (violations.length) throw new PasswordPolicyError(violations);
    const next: UserRecord = {
      ...user,
      passwordHistory: [user.passwordHash, ...user.passwordHistory].slice(0, PASSWORD_HISTORY_DEPTH - 1),
      passwordHash: await hashPassword(password, this.#scrypt),
      mustChangePassword: mustChange,
      passwordChangedAt: this.#now(),
    };
    this.users.update(next);
    return next;
  }

  /**
   * The account when the password is right, else undefined. An unknown user still costs one hash,
   * so response time does not tell which usernames exist.
   */
  async verify(username: string, password: string): Promise<UserRecord | undefined> {
    const user = this.users.get(username);
    if (!user) {
      this.#dummyHash ??= hashPassword('not-a-real-password', this.#scrypt);
      await verifyPassword(password, await this.#dummyHash);
      return undefined;
    }
    return (await verifyPassword(password, user.passwordHash)) ? user : undefined;
  }

  /** Records a successful login time. */
  markLogin(username: string): void {
    const u = this.users.get(username);
    if (u) this.users.update({ ...u, lastLoginAt: this.#now() });
  }

  /** Changes role and/or display name; refuses to demote the last admin. */
  updateProfile(username: string, patch: { role?: UserRole; displayName?: string; extension?: string | null }): UserRecord {
    const user = this.require(username);
    if (patch.role !== undefined && !USER_ROLES.includes(patch.role)) throw new AccountError('bad_role', `role must be one of ${USER_ROLES.join(', ')}`);
    if (user.role === 'admin' && patch.role !== undefined && patch.role !== 'admin' && this.users.countWithRole('admin') <= 1) {
      throw new AccountError('last_admin', 'the last admin cannot lose the admin role');
    }
    const next: UserRecord = { ...user, role: patch.role ?? user.role, displayName: patch.displayName ?? user.displayName };
    // null unlinks the desk phone; undefined keeps it.
    if (patch.extension === null) delete next.extension;
    else if (patch.extension !== undefined) next.extension = patch.extension;
    this.users.update(next);
    return next;
  }

  /** Deletes an account; refuses the last admin. */
  delete(username: string): UserRecord {
    const user = this.require(username);
    if (user.role === 'admin' && this.users.countWithRole('admin') <= 1) throw new AccountError('last_admin', 'the last admin cannot be deleted');
    this.users.delete(username);
    return user;
  }
}
