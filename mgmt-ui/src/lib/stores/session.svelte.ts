// Who is signed in. The session itself is the HttpOnly cookie; this store keeps the
// user and hands the CSRF token to the API client.
import { api } from '../api/api.ts';
import { setCsrfToken, setUnauthenticatedHandler } from '../api/client.ts';
import type { SessionInfo, SessionUser } from '../api/types.ts';

class Session {
  /** 'loading' until `/auth/me` answered once. */
  status = $state<'loading' | 'anonymous' | 'ready'>('loading');
  /** The signed-in user, when there is one. */
  user = $state<SessionUser | undefined>(undefined);

  constructor() {
    setUnauthenticatedHandler(() => this.clear());
  }

  /** May record inspections and fault reports (MAINTENANCE_WRITERS on the server). */
  get isMaintainer(): boolean {
    return this.user?.role === 'admin' || this.user?.role === 'engineer';
  }

  /** May use the supervisor actions on the wallboard (admin or supervisor; the API decides). */
  get isSupervisor(): boolean {
    return this.user?.role === 'admin' || this.user?.role === 'supervisor';
  }

  /** True when the user may write (the API decides; this only hides buttons). */
  get isAdmin(): boolean {
    return this.user?.role === 'admin';
  }

  private accept(info: SessionInfo): void {
    setCsrfToken(info.csrfToken);
    this.user = info.user;
    this.status = 'ready';
  }

  /** Drops the local session after logout or expiry. */
  clear(): void {
    setCsrfToken('');
    this.user = undefined;
    this.status = 'anonymous';
  }

  /** Restores a session from the cookie at page load. */
  async load(): Promise<void> {
    try {
      this.accept(await api.auth.me());
    } catch {
      this.clear();
    }
  }

  /** Signs in; throws ApiError on failure. */
  async login(username: string, password: string): Promise<void> {
    this.accept(await api.auth.login(username, password));
  }

  /** Changes the password, then reloads the session (mustChangePassword is now false). */
  async changePassword(current: string, next: string): Promise<void> {
    await api.auth.changePassword(current, next);
    this.accept(await api.auth.me());
  }

  /** Signs out on the server and locally. */
  async logout(): Promise<void> {
    try {
      await api.auth.logout();
    } finally {
      this.clear();
    }
  }
}

/** The app-wide session. */
export const session = new Session();
