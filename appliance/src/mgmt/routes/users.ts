import type { UserRecord, UserRole } from '../../records/index.ts';
import { audit } from '../audit.ts';
import { AccountError } from '../auth/accounts.ts';
import { ApiError } from '../errors.ts';
import { ADMIN_ONLY, CONFIG_READERS } from '../roles.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { okSchema, roleSchema, usernameSchema } from '../schemas.ts';
import type { MgmtServices } from '../services.ts';
import { policyError } from './auth.ts';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** A user as the API lists it: no hashes. */
const view = (svc: MgmtServices, u: UserRecord) => ({
  username: u.username,
  role: u.role,
  displayName: u.displayName,
  createdAt: iso(u.createdAt),
  lastLoginAt: iso(u.lastLoginAt),
  passwordChangedAt: iso(u.passwordChangedAt),
  mustChangePassword: u.mustChangePassword,
  locked: svc.lockout.isUserLocked(u.username),
  extension: u.extension ?? null,
});

/** What the audit log keeps of an account. */
const auditView = (u: UserRecord) => ({ username: u.username, role: u.role, displayName: u.displayName, extension: u.extension ?? null });

/** AccountError → the matching API error. */
function accountError(err: unknown): unknown {
  if (!(err instanceof AccountError)) return err;
  if (err.reason === 'not_found') return new ApiError('NOT_FOUND', err.message);
  if (err.reason === 'exists' || err.reason === 'last_admin') return new ApiError('CONFLICT', err.message, { messageZh: err.reason === 'last_admin' ? '不能删除或降级最后一个管理员' : '用户已存在' });
  return new ApiError('VALIDATION', err.message, { details: [{ path: err.reason === 'bad_role' ? '/role' : '/username', message: err.message }] });
}

const userSchema = {
  type: 'object',
  properties: {
    username: { type: 'string' }, role: roleSchema, displayName: { type: 'string' }, createdAt: { type: 'string' },
    lastLoginAt: { type: ['string', 'null'] }, passwordChangedAt: { type: 'string' }, mustChangePassword: { type: 'boolean' }, locked: { type: 'boolean' },
    extension: { type: ['string', 'null'], description: 'the user\'s desk phone: the wallboard\'s Listen/Whisper/Barge ring it' },
  },
};
const params = { type: 'object', required: ['username'], properties: { username: usernameSchema } };

/** `/users`: management accounts. */
export const userRoutes: AnyRoute[] = [
  route({
    method: 'GET',
    path: '/users',
    access: CONFIG_READERS,
    summary: 'List management accounts',
    tag: 'users',
    response: { status: 200, schema: { type: 'array', items: userSchema } },
    handler({ svc }) {
      return svc.accounts.users.list().map((u) => view(svc, u));
    },
  }),
  route<Record<string, never>, { username: string; role: UserRole; password: string; displayName?: string; extension?: string }>({
    method: 'POST',
    path: '/users',
    access: ADMIN_ONLY,
    summary: 'Create an account; the user must change the password at first login',
    tag: 'users',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['username', 'role', 'password'],
      properties: { username: usernameSchema, role: roleSchema, password: { type: 'string', minLength: 1, maxLength: 256, writeOnly: true }, displayName: { type: 'string', maxLength: 64 }, extension: { type: 'string', pattern: '^[0-9]{2,8}$' } },
    },
    response: { status: 201, schema: userSchema },
    async handler({ ctx, svc, user, body }) {
      let created: UserRecord;
      try {
        created = await svc.accounts.create({ ...body, mustChangePassword: true });
      } catch (err) {
        throw accountError(policyError(err, '/password'));
      }
      audit(svc, ctx, user, { action: 'user.created', target: created.username, outcome: 'ok', after: auditView(created) });
      return view(svc, created);
    },
  }),
  route<Record<string, never>, { role?: UserRole; displayName?: string; password?: string; extension?: string | null }>({
    method: 'PUT',
    path: '/users/:username',
    access: ADMIN_ONLY,
    summary: 'Change role, display name, desk phone extension (null: none), or set a new password (which the user must change at next login)',
    tag: 'users',
    params,
    body: { type: 'object', additionalProperties: false, properties: { role: roleSchema, displayName: { type: 'string', maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 256, writeOnly: true }, extension: { type: ['string', 'null'], pattern: '^[0-9]{2,8}$' } } },
    response: { status: 200, schema: userSchema },
    async handler({ ctx, svc, user, params: p, body }) {
      let before: UserRecord;
      let after: UserRecord;
      try {
        before = svc.accounts.require(p.username);
        after = svc.accounts.updateProfile(p.username, { role: body.role, displayName: body.displayName, extension: body.extension });
        if (body.password !== undefined) {
          after = await svc.accounts.setPassword(p.username, body.password, true);
          svc.lockout.unlockUser(p.username);
          svc.sessions.destroyUser(p.username);
        }
      } catch (err) {
        throw accountError(policyError(err, '/password'));
      }
      const afterAudit = { ...auditView(after), ...(body.password !== undefined ? { passwordReset: true } : {}) };
      audit(svc, ctx, user, { action: 'user.updated', target: p.username, outcome: 'ok', before: auditView(before), after: afterAudit });
      return view(svc, after);
    },
  }),
  route({
    method: 'DELETE',
    path: '/users/:username',
    access: ADMIN_ONLY,
    summary: 'Delete an account (not your own, not the last admin)',
    tag: 'users',
    params,
    response: { status: 200, schema: okSchema },
    handler({ ctx, svc, user, params: p }) {
      if (p.username === user!.username) throw new ApiError('CONFLICT', 'you cannot delete your own account', { messageZh: '不能删除自己的账户' });
      let before: UserRecord;
      try {
        before = svc.accounts.delete(p.username);
      } catch (err) {
        throw accountError(err);
      }
      svc.sessions.destroyUser(p.username);
      audit(svc, ctx, user, { action: 'user.deleted', target: p.username, outcome: 'ok', before: auditView(before) });
      return { ok: true };
    },
  }),
];
