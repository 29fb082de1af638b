import { join } from 'node:path';
import { mgmtSettings, siteTimeZone } from '../config/index.ts';
import { FaultService, FaultStore, backupRunsStatus, hostProbeSources, InspectionService, InspectionStore } from '../maintenance/index.ts';
import { AuditStore, CdrSearchStore, CustomerStore, LoginFailureStore, QueueCallStore, QueueReportStore, UserStore } from '../records/index.ts';
import { CustomerImporter } from './customer-import.ts';
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
  inspections: InspectionService;
  faults: FaultService;
  customers: CustomerStore;
  /** The one customer CSV import that may run at a time, and the last one's result. */
  customerImport: CustomerImporter;
  queueCalls: QueueCallStore;
  reports: QueueReportStore;
}

/** Calendar year of an instant in the site's time zone (fault numbers restart each year there). */
function yearIn(timeZone: string, ms: number): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(new Date(ms)));
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
    inspections: buildInspections(deps),
    faults: new FaultService(new FaultStore(deps.records), deps.now, (ms) => yearIn(siteTimeZone(deps.config.current), ms)),
    ...customerServices(deps),
  };
}

function customerServices(deps: MgmtDeps): Pick<MgmtServices, 'customers' | 'customerImport' | 'queueCalls' | 'reports'> {
  const customers = new CustomerStore(deps.records);
  return { customers, customerImport: new CustomerImporter(customers, deps.now), queueCalls: new QueueCallStore(deps.records), reports: new QueueReportStore(deps.records) };
}

function buildInspections(deps: MgmtDeps): InspectionService {
  const probes = deps.probes ?? hostProbeSources({
    records: deps.records,
    version: deps.version,
    now: deps.now,
    pbx: () => deps.pbx.status(),
    analog: deps.analog && (() => deps.analog!.status()),
    backups: deps.backupStatus ?? (deps.backups && backupRunsStatus(deps.backups.runs)),
    certFile: deps.tlsDir && join(deps.tlsDir, 'cert.pem'),
    recordingsDir: deps.recordingsDir,
  });
  const svc = new InspectionService({ store: new InspectionStore(deps.records), probes, now: deps.now, dir: deps.inspectionsDir ?? '' });
  svc.ensureDefaultTemplate();
  return svc;
}
