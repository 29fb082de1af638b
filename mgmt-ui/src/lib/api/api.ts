// Typed endpoints of the management API v1, one function per route the UI uses.
import { apiUrl, request, type Query } from './client.ts';
import type {
  AlarmList, AuditEntry, CallRecord, ConfigDocument, ConfigVersion, Extension, ExtensionInput, HourBucket, Page,
  PortList, RoutesConfig, SessionInfo, SystemSummary, TrunkList, UserAccount, UserInput, WriteResult, AcdSnapshot, AgentCommand,
} from './types.ts';

/** Filters of the call-record list, stats and export. */
export interface CdrFilter extends Query {
  from?: string;
  to?: string;
  number?: string;
  disposition?: string;
  offset?: number;
  limit?: number;
}

/** Filters of the audit list and export. */
export interface AuditFilter extends Query {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  q?: string;
  offset?: number;
  limit?: number;
}

/** Everything the UI can ask the appliance, grouped by resource. */
export const api = {
  auth: {
    login: (username: string, password: string) => request<SessionInfo>('POST', '/auth/login', { body: { username, password } }),
    logout: () => request<unknown>('POST', '/auth/logout'),
    me: () => request<SessionInfo>('GET', '/auth/me'),
    changePassword: (currentPassword: string, newPassword: string) =>
      request<unknown>('POST', '/auth/password', { body: { currentPassword, newPassword } }),
  },
  system: {
    summary: () => request<SystemSummary>('GET', '/system/summary'),
  },
  extensions: {
    list: (q: { search?: string; offset?: number; limit?: number }) => request<Page<Extension>>('GET', '/extensions', { query: q }),
    create: (body: ExtensionInput) => request<WriteResult>('POST', '/extensions', { body }),
    update: (number: string, body: ExtensionInput) => request<WriteResult>('PUT', `/extensions/${encodeURIComponent(number)}`, { body }),
    remove: (number: string) => request<WriteResult>('DELETE', `/extensions/${encodeURIComponent(number)}`),
  },
  trunks: {
    list: () => request<TrunkList>('GET', '/trunks'),
  },
  acd: {
    snapshot: () => request<AcdSnapshot>('GET', '/acd/snapshot'),
    agentState: (agent: string, body: AgentCommand) => request<unknown>('POST', `/acd/agents/${encodeURIComponent(agent)}/state`, { body }),
  },
  ports: {
    list: () => request<PortList>('GET', '/ports'),
  },
  alarms: {
    list: () => request<AlarmList>('GET', '/alarms'),
  },
  cdr: {
    list: (f: CdrFilter) => request<Page<CallRecord>>('GET', '/cdr', { query: f }),
    hourly: (f: { from?: string; to?: string }) => request<{ buckets: HourBucket[] }>('GET', '/cdr/stats/hourly', { query: f }),
    exportUrl: (f: CdrFilter) => apiUrl('/cdr/export.csv', { ...f, offset: undefined, limit: undefined }),
  },
  users: {
    list: () => request<UserAccount[]>('GET', '/users'),
    create: (body: UserInput) => request<unknown>('POST', '/users', { body }),
    update: (username: string, body: UserInput) => request<unknown>('PUT', `/users/${encodeURIComponent(username)}`, { body }),
    remove: (username: string) => request<unknown>('DELETE', `/users/${encodeURIComponent(username)}`),
  },
  audit: {
    list: (f: AuditFilter) => request<Page<AuditEntry>>('GET', '/audit', { query: f }),
    exportUrl: (f: AuditFilter) => apiUrl('/audit/export.csv', { ...f, offset: undefined, limit: undefined }),
  },
  config: {
    versions: () => request<ConfigVersion[]>('GET', '/config/versions'),
    diff: (a: number, b: number) => request<{ diff: string }>('GET', '/config/diff', { query: { a, b } }),
    rollback: (version: number) => request<ConfigVersion>('POST', '/config/rollback', { body: { version } }),
    /** One stored version, secrets masked. */
    version: (version: number) => request<ConfigDocument>('GET', `/config/versions/${version}`),
    saveRoutes: (routes: RoutesConfig, comment: string) => request<WriteResult & { configVersion: number }>('PUT', '/config/routes', { body: { routes, comment } }),
  },
};

/** URL of the live WebSocket on the page's own origin (the session cookie goes along). */
/** URL of the CTI event WebSocket; `agent` keeps only that agent's events. */
export function ctiUrl(agent?: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/cti${agent ? `?agent=${encodeURIComponent(agent)}` : ''}`;
}

export function liveUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/live`;
}
