import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { UserRecord } from '../../records/index.ts';
import { ApiError } from '../errors.ts';
import type { RouteAccess } from '../roles.ts';
import { allowedRoles } from '../roles.ts';
import type { MgmtServices } from '../services.ts';
import { readCookie, SESSION_COOKIE } from './cookies.ts';
import type { Session } from './sessions.ts';

/** Methods that change state and so need the CSRF token (RFC 9110 §9.2.1: the others are safe). */
export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What the guard found: the session and user (both undefined on public routes). */
export interface Principal {
  session: Session | undefined;
  user: UserRecord | undefined;
}

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * A browser sends Origin on cross-origin and on state-changing requests; when present its host
 * must be ours. Defence in depth next to SameSite=Strict and the CSRF token.
 */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * THE access check, the one place every route passes through, in this order: session (401),
 * CSRF token and Origin on state-changing methods (403 CSRF), role (403 FORBIDDEN), forced
 * password change (403 PASSWORD_CHANGE_REQUIRED).
 */
export function authorize(ctx: Context, svc: MgmtServices, access: RouteAccess, beforePasswordChange: boolean): Principal {
  const changing = STATE_CHANGING.has(ctx.method);
  if (changing && !originAllowed(ctx.get('origin') || undefined, ctx.get('host') || undefined)) {
    throw new ApiError('CSRF', 'request origin is not this appliance');
  }
  if (access === 'public') return { session: undefined, user: undefined };

  const session = svc.sessions.touch(readCookie(ctx.get('cookie'), SESSION_COOKIE));
  if (!session) throw new ApiError('UNAUTHENTICATED', 'sign in first (no session, or it expired)');
  const user = svc.accounts.users.get(session.username);
  if (!user) {
    svc.sessions.destroy(session.id);
    throw new ApiError('UNAUTHENTICATED', 'the account of this session no longer exists');
  }
  if (changing && !sameToken(ctx.get('x-csrf-token'), session.csrfToken)) {
    throw new ApiError('CSRF', 'missing or wrong X-CSRF-Token header');
  }
  if (!allowedRoles(access).includes(user.role)) throw new ApiError('FORBIDDEN', `role ${user.role} may not ${ctx.method} ${ctx.path}`);
  if (user.mustChangePassword && !beforePasswordChange) {
    throw new ApiError('PASSWORD_CHANGE_REQUIRED', 'change your password first (POST /api/v1/auth/password)');
  }
  return { session, user };
}
