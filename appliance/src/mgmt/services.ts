import { mgmtSettings } from '../config/index.ts';
import { AuditStore, CdrSearchStore, LoginFailureStore, UserStore } from '../records/index.ts';
import { Accounts } from './auth/accounts.ts';
import { Lockout } from './auth/lockout.ts';
import { SessionStore } from './auth/sessions.ts';
import type { MgmtDeps } from './deps.ts';

/** The app's long-lived collaborators, built once from the injected deps and shared by every route. */
export interface MgmtServices {
  deps: MgmtDeps;
  accounts: Accounts;
  sessions: SessionStore;
  lockout: Lockout;
  auditLog: AuditStore;
  cdr: CdrSearchStore;
}

/** Builds the services; timeouts and lockout limits are read from the live config on each use. */
export function buildServices(deps: MgmtDeps): MgmtServices {
  const settings = () => mgmtSettings(deps.config.current);
  return {
    deps,
    accounts: new Accounts(new UserStore(deps.records), { now: deps.now, scrypt: deps.scrypt }),
    sessions: new SessionStore(deps.now, () => {
      const s = settings();
      return { idleMs: s.sessionIdleMin * 60_000, absoluteMs: s.sessionAbsoluteHours * 3_600_000 };
    }),
    lockout: new Lockout(new LoginFailureStore(deps.records), () => {
      const s = settings();
      return { userLimit: s.loginFailureLimitUser, addressLimit: s.loginFailureLimitAddress, windowMs: s.loginFailureWindowMin * 60_000, lockMs: s.lockoutMin * 60_000 };
    }, deps.now),
    auditLog: new AuditStore(deps.records),
    cdr: new CdrSearchStore(deps.records),
  };
}
