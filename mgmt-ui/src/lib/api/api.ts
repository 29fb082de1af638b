// Typed endpoints of the management API v1, one function per route the UI uses.
import { apiUrl, request, upload, type Query } from './client.ts';
import type {
  AuditEntry, BackupEntry, BackupHealth, BackupProgress, BackupRun, BackupSettings, CallRecord, ConfigVersion, RestorePlan, TestRestoreReport, Extension, ExtensionInput, HourBucket, Page,
  SessionInfo, SystemSummary, TrunkList, UserAccount, UserInput, WriteResult,
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
  },
  backups: {
    list: (target?: string) => request<BackupEntry[]>('GET', '/backups', { query: { target } }),
    create: (recordings: boolean, target?: string) => request<{ started: boolean }>('POST', '/backups', { body: { recordings, ...(target ? { target } : {}) } }),
    progress: () => request<{ progress: BackupProgress | null }>('GET', '/backups/progress'),
    runs: () => request<BackupRun[]>('GET', '/backups/runs', { query: { limit: 20 } }),
    status: () => request<BackupHealth>('GET', '/backups/status'),
    settings: () => request<{ settings: BackupSettings; passphrase: { set: boolean; setAt?: string } }>('GET', '/backups/settings'),
    saveSettings: (settings: BackupSettings) => request<{ settings: BackupSettings }>('PUT', '/backups/settings', { body: settings }),
    setPassphrase: (passphrase: string) => request<unknown>('PUT', '/backups/passphrase', { body: { passphrase } }),
    stageFromTarget: (name: string, passphrase: string, target?: string) => request<{ id: string; plan: RestorePlan }>('POST', `/backups/${encodeURIComponent(name)}/restore`, { body: { ...(passphrase ? { passphrase } : {}), ...(target ? { target } : {}) } }),
    stageUpload: (file: Blob, passphrase: string) => upload<{ id: string; plan: RestorePlan }>('/backups/restore/upload', file, passphrase ? { 'x-backup-passphrase': encodeURIComponent(passphrase) } : {}),
    apply: (id: string) => request<{ applied: boolean; recordings: number }>('POST', `/backups/restore/${id}/apply`, { body: {} }),
    discard: (id: string) => request<unknown>('DELETE', `/backups/restore/${id}`),
    testRestore: (name: string, target?: string) => request<TestRestoreReport>('POST', '/backups/test-restore', { body: { name, ...(target ? { target } : {}) } }),
    downloadUrl: (name: string, target?: string) => apiUrl(`/backups/${encodeURIComponent(name)}/download`, { target }),
    kitUrl: () => apiUrl('/backups/recovery-kit'),
  },
};

/** URL of the live WebSocket on the page's own origin (the session cookie goes along). */
export function liveUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/live`;
}
