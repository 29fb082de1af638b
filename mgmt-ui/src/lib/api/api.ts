// Typed endpoints of the management API v1, one function per route the UI uses.
import { apiUrl, fetchBinary, request, upload, type Query } from './client.ts';
import type {
  VoicemailBox, VoicemailMessage, AlarmList, AuditEntry, FaultInput, FaultReport, Finding, InspectionRun, RunSummary, TemplateDefinition, TemplateVersion, TrendSeries, CallRecord, ConfigDocument, ConfigVersion, Extension, ExtensionInput, HourBucket, Page, PortList, RoutesConfig, SnmpForm, SnmpSettingsDoc, SessionInfo, SystemSummary, TrunkList, UserAccount, UserInput, WriteResult, BackupEntry, BackupHealth, BackupProgress, BackupRun, BackupSettings, RestorePlan, TestRestoreReport, AcdSnapshot, AgentCommand, Recording, IvrConfig, IvrConfigDocument, PromptFile, SupervisorCommand, ConferenceCommand, LiveRecording, Customer, CustomerInput, CustomerLookup, CustomerNote, ImportProgress, ImportResult, Report, ReportKind, AgentCallCommand,
} from './types.ts';

/** Filters of the recordings list (durations in seconds). */
export interface RecordingFilter extends Query {
  from?: string;
  to?: string;
  party?: string;
  agent?: string;
  queue?: string;
  trunk?: string;
  minDurationSec?: number;
  maxDurationSec?: number;
  offset?: number;
  limit?: number;
}

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
    supervise: (agent: string, body: SupervisorCommand) => request<{ ringing?: boolean; supervisor?: string }>('POST', `/acd/agents/${encodeURIComponent(agent)}/supervise`, { body }),
    conference: (agent: string, body: ConferenceCommand) => request<unknown>('POST', `/acd/agents/${encodeURIComponent(agent)}/conference`, { body }),
    call: (agent: string, body: AgentCallCommand) => request<unknown>('POST', `/acd/agents/${encodeURIComponent(agent)}/call`, { body }),
  },
  customers: {
    search: (q: { q?: string; service?: string; offset?: number; limit?: number }) => request<Page<Customer>>('GET', '/customers', { query: q }),
    lookup: (number: string, account?: string) => request<CustomerLookup>('GET', '/customers/lookup', { query: { number, account } }),
    create: (body: CustomerInput) => request<Customer>('POST', '/customers', { body }),
    update: (account: string, body: Omit<CustomerInput, 'account'>) => request<Customer>('PUT', `/customers/${encodeURIComponent(account)}`, { body }),
    remove: (account: string) => request<unknown>('DELETE', `/customers/${encodeURIComponent(account)}`),
    addNote: (account: string, text: string, callId?: string) => request<CustomerNote>('POST', `/customers/${encodeURIComponent(account)}/notes`, { body: { text, ...(callId ? { callId } : {}) } }),
    /** Uploads the CSV (the server reads it as it arrives); poll `importProgress` meanwhile. */
    import: (file: Blob) => upload<ImportResult>('/customers/import', new Blob([file], { type: 'text/csv' })),
    importProgress: () => request<{ progress: ImportProgress | null }>('GET', '/customers/import/progress'),
    importErrorsUrl: () => apiUrl('/customers/import/errors.csv'),
  },
  reports: {
    get: (kind: ReportKind, q: { from: string; to: string; queue?: string; agent?: string }) => request<Report>('GET', `/reports/${kind}`, { query: q }),
    exportUrl: (kind: ReportKind, q: { from: string; to: string; queue?: string; agent?: string }) => apiUrl(`/reports/${kind}/export.csv`, q),
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
  recordings: {
    list: (f: RecordingFilter) => request<Page<Recording>>('GET', '/recordings', { query: f }),
    /** The WAV for the player (decoded in the page for the waveform). */
    audio: (id: string) => fetchBinary('GET', `/recordings/${encodeURIComponent(id)}/audio`),
    /** Link of the WAV as an attachment (the browser downloads it; audited). */
    downloadUrl: (id: string) => apiUrl(`/recordings/${encodeURIComponent(id)}/audio`, { download: true }),
    /** Link the <audio> element streams and seeks (Range requests). */
    streamUrl: (id: string) => apiUrl(`/recordings/${encodeURIComponent(id)}/audio`),
    exportZip: (ids: string[]) => fetchBinary('POST', '/recordings/export', { body: { ids } }),
    remove: (id: string, reason: string) => request<unknown>('DELETE', `/recordings/${encodeURIComponent(id)}`, { body: { reason } }),
    live: () => request<{ recorderRunning: boolean; items: LiveRecording[] }>('GET', '/recordings/live'),
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
  snmp: {
    settings: () => request<SnmpSettingsDoc>('GET', '/snmp/settings'),
    save: (snmp: SnmpForm, comment: string) => request<WriteResult & { configVersion: number }>('PUT', '/snmp/settings', { body: { snmp, comment } }),
    /** Where a MIB module downloads from (a plain link: the session cookie goes with it). */
    mibUrl: (name: string) => apiUrl(`/snmp/mibs/${encodeURIComponent(name)}`),
  },
  config: {
    versions: () => request<ConfigVersion[]>('GET', '/config/versions'),
    diff: (a: number, b: number) => request<{ diff: string }>('GET', '/config/diff', { query: { a, b } }),
    rollback: (version: number) => request<ConfigVersion>('POST', '/config/rollback', { body: { version } }),
    /** One stored version, secrets masked. */
    version: (version: number) => request<ConfigDocument>('GET', `/config/versions/${version}`),
    saveRoutes: (routes: RoutesConfig, comment: string) => request<WriteResult & { configVersion: number }>('PUT', '/config/routes', { body: { routes, comment } }),
    /** The version as the IVR page reads it. */
    ivrDocument: (version: number) => request<IvrConfigDocument>('GET', `/config/versions/${version}`),
    saveIvr: (ivr: IvrConfig, comment: string) => request<WriteResult & { configVersion: number }>('PUT', '/config/ivr', { body: { ivr, comment } }),
  },
  prompts: {
    list: () => request<{ prompts: PromptFile[] }>('GET', '/prompts'),
    /** `language` 'all' = the shared file every language falls back to. */
    upload: (name: string, language: 'zh-CN' | 'en' | 'all', file: Blob) => request<PromptFile>('PUT', `/prompts/${encodeURIComponent(name)}`, { query: { language }, raw: file }),
    remove: (name: string, language: 'zh-CN' | 'en' | 'all', force = false) => request<{ ok: true; usedBy?: string[] }>('DELETE', `/prompts/${encodeURIComponent(name)}`, { query: { language, force: force || undefined } }),
    audioUrl: (name: string, language: 'zh-CN' | 'en' | 'all') => apiUrl(`/prompts/${encodeURIComponent(name)}/audio`, { language }),
  },
  voicemail: {
    boxes: () => request<{ boxes: VoicemailBox[] }>('GET', '/voicemail/boxes'),
    messages: (box: string) => request<{ messages: VoicemailMessage[] }>('GET', `/voicemail/boxes/${encodeURIComponent(box)}/messages`),
    setHeard: (id: number, heard: boolean) => request<VoicemailMessage>('PUT', `/voicemail/messages/${id}/heard`, { body: { heard } }),
    remove: (id: number) => request<{ ok: true }>('DELETE', `/voicemail/messages/${id}`),
    audio: (id: number) => fetchBinary('GET', `/voicemail/messages/${id}/audio`),
    audioUrl: (id: number) => apiUrl(`/voicemail/messages/${id}/audio`),
  },
  inspections: {
    probes: () => request<Array<{ id: string; label: { zh: string; en: string }; numeric: boolean; unit: string }>>('GET', '/inspections/probes'),
    templates: () => request<TemplateVersion[]>('GET', '/inspections/templates'),
    versions: (id: string) => request<TemplateVersion[]>('GET', `/inspections/templates/${encodeURIComponent(id)}/versions`),
    saveTemplate: (id: string, definition: TemplateDefinition, comment: string) => request<TemplateVersion>('PUT', `/inspections/templates/${encodeURIComponent(id)}`, { body: { definition, comment } }),
    runs: () => request<RunSummary[]>('GET', '/inspections/runs'),
    start: (templateId: string, site: string) => request<InspectionRun>('POST', '/inspections/runs', { body: { templateId, site } }),
    run: (id: number) => request<InspectionRun>('GET', `/inspections/runs/${id}`),
    remeasure: (id: number) => request<InspectionRun>('POST', `/inspections/runs/${id}/remeasure`),
    record: (id: number, itemId: string, body: { value: string; status: string; note: string }) => request<InspectionRun>('PUT', `/inspections/runs/${id}/items/${itemId}`, { body }),
    uploadPhoto: (id: number, itemId: string, file: Blob) => request<{ name: string }>('POST', `/inspections/runs/${id}/items/${itemId}/photos`, { raw: file }),
    photoUrl: (id: number, name: string) => apiUrl(`/inspections/runs/${id}/photos/${name}`),
    addFinding: (id: number, body: { risk: Finding['risk']; itemId?: string; description: string; remediation: string }) => request<Finding>('POST', `/inspections/runs/${id}/findings`, { body }),
    deleteFinding: (id: number, findingId: number) => request<unknown>('DELETE', `/inspections/runs/${id}/findings/${findingId}`),
    sign: (id: number, signer: 'engineer' | 'customer', name: string, pngBase64: string) => request<InspectionRun>('POST', `/inspections/runs/${id}/signatures`, { body: { signer, name, pngBase64 } }),
    close: (id: number) => request<InspectionRun>('POST', `/inspections/runs/${id}/close`),
    trends: (id: number) => request<TrendSeries[]>('GET', `/inspections/runs/${id}/trends`),
    reportUrl: (id: number, lang: string) => apiUrl(`/inspections/runs/${id}/report.pdf`, { lang }),
  },
  faults: {
    list: () => request<FaultReport[]>('GET', '/fault-reports'),
    create: (body: FaultInput) => request<FaultReport>('POST', '/fault-reports', { body }),
    update: (id: number, body: Partial<FaultInput>) => request<FaultReport>('PUT', `/fault-reports/${id}`, { body }),
    transition: (id: number, state: string) => request<FaultReport>('POST', `/fault-reports/${id}/state`, { body: { state } }),
    reportUrl: (id: number, lang: string) => apiUrl(`/fault-reports/${id}/report.pdf`, { lang }),
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
/** URL of the CTI event WebSocket; `agent` keeps only that agent's events. */
export function ctiUrl(agent?: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/cti${agent ? `?agent=${encodeURIComponent(agent)}` : ''}`;
}

/** URL of the live listen WebSocket of an active recording (supervisors and admins). */
export function listenUrl(id: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/recordings/listen?id=${encodeURIComponent(id)}`;
}

export function liveUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/live`;
}
