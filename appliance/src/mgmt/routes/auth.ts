import type { UserRecord } from '../../records/index.ts';
import { audit } from '../audit.ts';
import { PasswordPolicyError } from '../auth/accounts.ts';
import { clearedSessionCookie, sessionCookie } from '../auth/cookies.ts';
import { ApiError } from '../errors.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { okSchema, sessionResponseSchema } from '../schemas.ts';

/** The user as the session endpoints show it. */
export const sessionUser = (u: UserRecord) => ({ username: u.username, role: u.role, mustChangePassword: u.mustChangePassword, ...(u.displayName ? { displayName: u.displayName } : {}) });

/** PasswordPolicyError → 400 PASSWORD_POLICY listing each broken rule at `path`. */
export function policyError(err: unknown, path: string): unknown {
  if (!(err instanceof PasswordPolicyError)) return err;
  return new ApiError('PASSWORD_POLICY', `password refused: ${err.violations.map((v) => v.message).join('; ')}`, {
    messageZh: '密码不符合要求：' + err.violations.map((v) => v.messageZh).join('；'),
    details: err.violations.map((v) => ({ path, message: v.message })),
  });
}

/** `/auth/*`: login, logout, me, password. */
export const authRoutes: AnyRoute[] = [
  route<Record<string, never>, { username: string; password: string }>({
    method: 'POST',
    path: '/auth/login',
    access: 'public',
    summary: 'Sign in; sets the hotline_session cookie and returns the CSRF token',
    tag: 'auth',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['username', 'password'],
      properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 256 } },
    },
    response: { status: 200, schema: sessionResponseSchema },
    async handler({ ctx, svc, body }) {
      const address = ctx.request.ip || '-';
      const lock = svc.lockout.check(body.username, address);
      const retry = (until: number) => Math.max(1, Math.ceil((until - svc.deps.now()) / 1000));
      if (lock) {
        audit(svc, ctx, undefined, { action: 'auth.locked_out', target: body.username, outcome: 'denied', actor: body.username, role: '-' });
        throw new ApiError('LOCKED_OUT', `too many failed logins; try again in ${retry(lock.until)} s`, { retryAfterSec: retry(lock.until) });
      }
      const user = await svc.accounts.verify(body.username, body.password);
      if (!user) {
        audit(svc, ctx, undefined, { action: 'auth.login_failed', target: body.username, outcome: 'failed', actor: body.username, role: '-' });
        const locked = svc.lockout.fail(body.username, address);
        if (locked) {
          audit(svc, ctx, undefined, { action: 'auth.locked_out', target: body.username, outcome: 'denied', actor: body.username, role: '-' });
          throw new ApiError('LOCKED_OUT', `too many failed logins; try again in ${retry(locked.until)} s`, { retryAfterSec: retry(locked.until) });
        }
        throw new ApiError('UNAUTHENTICATED', 'wrong username or password', { messageZh: '用户名或密码错误' });
      }
      svc.lockout.succeed(user.username);
      svc.accounts.markLogin(user.username);
      const session = svc.sessions.create(user.username, address);
      ctx.set('Set-Cookie', sessionCookie(session.id, ctx.secure));
      audit(svc, ctx, user, { action: 'auth.login', target: user.username, outcome: 'ok' });
      return { user: sessionUser(user), csrfToken: session.csrfToken };
    },
  }),
  route({
    method: 'POST',
    path: '/auth/logout',
    access: 'authenticated',
    summary: 'Sign out (ends this session)',
    tag: 'auth',
    beforePasswordChange: true,
    response: { status: 200, schema: okSchema },
    handler({ ctx, svc, session, user }) {
      svc.sessions.destroy(session!.id);
      ctx.set('Set-Cookie', clearedSessionCookie(ctx.secure));
      audit(svc, ctx, user, { action: 'auth.logout', target: user!.username, outcome: 'ok' });
      return { ok: true };
    },
  }),
  route({
    method: 'GET',
    path: '/auth/me',
    access: 'authenticated',
    summary: 'The signed-in user and the CSRF token of this session',
    tag: 'auth',
    beforePasswordChange: true,
    response: { status: 200, schema: sessionResponseSchema },
    handler({ session, user }) {
      return { user: sessionUser(user!), csrfToken: session!.csrfToken };
    },
  }),
  route<Record<string, never>, { currentPassword: string; newPassword: string }>({
    method: 'POST',
    path: '/auth/password',
    access: 'authenticated',
    summary: 'Change your own password (policy: 10+ chars, 3 of 4 classes, not the username, not one of the last 3)',
    tag: 'auth',
    beforePasswordChange: true,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['currentPassword', 'newPassword'],
      properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 256 }, newPassword: { type: 'string', minLength: 1, maxLength: 256 } },
    },
    response: { status: 200, schema: sessionResponseSchema },
    async handler({ ctx, svc, session, user, body }) {
      if (!(await svc.accounts.verify(user!.username, body.currentPassword))) {
        audit(svc, ctx, user, { action: 'auth.password_changed', target: user!.username, outcome: 'failed' });
        throw new ApiError('VALIDATION', 'current password is wrong', { details: [{ path: '/currentPassword', message: 'is wrong' }], messageZh: '当前密码错误' });
      }
      let next: UserRecord;
      try {
        next = await svc.accounts.setPassword(user!.username, body.newPassword, false);
      } catch (err) {
        throw policyError(err, '/newPassword');
      }
      // Other sessions of this account may belong to whoever knew the old password.
      svc.sessions.destroyUser(user!.username, session!.id);
      audit(svc, ctx, user, { action: 'auth.password_changed', target: user!.username, outcome: 'ok' });
      return { user: sessionUser(next), csrfToken: session!.csrfToken };
    },
  }),
];
