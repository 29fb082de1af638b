// Shapes of the management API v1 (see docs/ui.md). Written from the shared contract
// until the backend's OpenAPI document is available; `npm run gen:api` writes
// `schema.gen.ts` from the live document and these names are checked against it.

/** One of the five roles; every route declares which of them it admits. */
export type Role = 'admin' | 'supervisor' | 'engineer' | 'auditor' | 'agent';

/** The signed-in account as `/auth/login` and `/auth/me` return it. */
export interface SessionUser {
  username: string;
  role: Role;
  mustChangePassword: boolean;
  displayName?: string;
  language?: string;
}

/** Answer of `/auth/login` and `/auth/me`. */
export interface SessionInfo {
  user: SessionUser;
  csrfToken: string;
}

/** Answer of `GET /system/summary`. */
export interface SystemSummary {
  product: string;
  version: string;
  hostname: string;
  uptimeSec: number;
  timeZone: string;
  cpu: { loadPercent: number; cores: number };
  memory: { totalBytes: number; usedBytes: number };
  disks: Array<{ mount: string; totalBytes: number; usedBytes: number }>;
  pbx: { running: boolean; registrations: number; activeCalls: number; configVersion: number };
}

/** State of a SIP trunk (docs/sip.md, "Trunks"). */
export type TrunkState = 'up' | 'registering' | 'unregistered' | 'down';

/** A trunk row of `GET /trunks`. */
export interface Trunk {
  name: string;
  host: string;
  port: number;
  transport: string;
  state: TrunkState;
  since: string;
  registeredUntil?: string;
  lastError?: string;
}

/** Answer of `GET /trunks`: no items and `pbxRunning: false` while the PBX is stopped. */
export interface TrunkList {
  items: Trunk[];
  pbxRunning: boolean;
}

/** An extension row of `GET /extensions`; the secret is write-only and never listed. */
export interface Extension {
  number: string;
  name?: string;
  maxContacts: number;
  callWaiting: boolean;
  registered: boolean;
  contacts: number;
}

/** Body of `POST /extensions` and `PUT /extensions/:number`. */
export interface ExtensionInput {
  number?: string;
  name?: string;
  secret?: string;
  maxContacts?: number;
  callWaiting?: boolean;
}

/** Answer of extension writes: `applied` is false when the PBX could not reload. */
export interface WriteResult {
  applied?: boolean;
  [key: string]: unknown;
}

/** How a call ended, as the PBX records it. */
export type Disposition = 'answered' | 'busy' | 'no-answer' | 'cancelled' | 'failed';

/** A call record; times are epoch milliseconds or ISO strings depending on the server. */
export interface CallRecord {
  id: number;
  callId: string;
  caller: string;
  callee: string;
  startedAt: number | string;
  answeredAt: number | string | null;
  endedAt: number | string;
  disposition: Disposition | string;
  durationSec: number;
  billableSec: number;
  sipCode: number;
  sipReason: string;
  hangupSide: string | null;
}

/** A paged list answer. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** One hour of `GET /cdr/stats/hourly`. */
export interface HourBucket {
  hour: string;
  total: number;
  answered: number;
  busy: number;
  noAnswer: number;
  cancelled: number;
  failed: number;
}

/** A management account of `GET /users`. */
export interface UserAccount {
  username: string;
  role: Role;
  displayName: string;
  createdAt: string | null;
  lastLoginAt: string | null;
  passwordChangedAt: string | null;
  locked: boolean;
}

/** Body of `POST /users` and `PUT /users/:username`. */
export interface UserInput {
  username?: string;
  role?: Role;
  password?: string;
  displayName?: string;
}

/** An audit entry; secrets are masked in before/after by the server. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  role: string;
  sourceAddress: string;
  action: string;
  target: string;
  outcome: 'ok' | 'denied' | 'failed';
  before?: unknown;
  after?: unknown;
}

/** Metadata of a stored configuration version. */
export interface ConfigVersion {
  version: number;
  /** ISO time it was written. */
  savedAt: string;
  author: string;
  comment: string;
  sha256?: string;
}

/** Live message pushed over `/api/v1/live`. */
export type LiveMessage =
  | { type: 'snapshot'; pbxRunning?: boolean; registrations: LiveRegistration[]; activeCalls: LiveCall[] }
  | { type: 'ping' };

/** A registered contact, as the PBX status reports it. */
export interface LiveRegistration {
  extension: string;
  contact: string;
  source: string;
  transport: string;
  expiresAt: string;
  userAgent?: string;
}

/** A call in progress, as the PBX status reports it. */
export interface LiveCall {
  callId: string;
  caller: string;
  callee: string;
  state: 'ringing' | 'answered';
  startedAt: string;
  answeredAt?: string;
}

/** One entry of `error.details`: a JSON pointer and what is wrong there. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** The error envelope every failing route answers with. */
export interface ErrorBody {
  error: { code: string; message: string; messageZh?: string; details?: ErrorDetail[]; retryAfterSec?: number };
}

/** What a backup holds, in numbers. */
export interface BackupContents {
  config: boolean;
  configHistoryVersions: number;
  records: { tables: Record<string, number> } | null;
  tlsFiles: number;
  promptFiles: number;
  recordings: { included: number; referenced: number; bytes: number } | null;
}

/** A good archive on a backup target (its catalog entry). */
export interface BackupEntry {
  name: string;
  createdAt: string;
  size: number;
  sha256: string;
  encrypted: boolean;
  productVersion: string;
  configSchemaVersion: number | null;
  contents: BackupContents;
}

/** Progress of the running (or last) backup job. */
export interface BackupProgress {
  operation: 'backup' | 'verify' | 'restore' | 'test-restore';
  phase: 'snapshot' | 'archive' | 'upload' | 'verify' | 'apply' | 'compare' | 'done' | 'failed';
  bytesDone: number;
  bytesTotal: number;
  percent: number;
  startedAt: number;
  target?: string;
  error?: string;
}

/** What a restore would change. */
export interface RestorePlan {
  archive: { name: string; createdAt: string; productVersion: string; encrypted: boolean };
  config: { schemaVersion: number; migratedTo: number | null; changedSections: string[]; linesAdded: number; linesRemoved: number; historyVersions: number } | null;
  records: { schemaRevision: number | null; tables: Array<{ table: string; current: number; restored: number }> } | null;
  files: {
    tls: { current: number; restored: number };
    prompts: { current: number; restored: number };
    recordings: { restored: number; added: number; replaced: number; unchanged: number; bytes: number } | null;
  };
}

/** One backup or test-restore run. */
export interface BackupRun {
  id: number;
  kind: 'backup' | 'test-restore';
  trigger: 'schedule' | 'manual';
  target: string;
  startedAt: number;
  finishedAt: number | null;
  status: 'running' | 'ok' | 'failed' | 'interrupted';
  archive: string | null;
  bytes: number | null;
  error: string | null;
}

/** Backup health (what the monitor reads too). */
export interface BackupHealth {
  lastSuccessAt: number | null;
  lastSuccessArchive: string | null;
  alarm: { reason: 'failed' | 'missed'; message: string; messageZh: string } | null;
}

/** Outcome of a test restore. */
export interface TestRestoreReport {
  archive: string;
  ok: boolean;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  error?: { code: string; message: string; messageZh: string };
}

/** A backup target as configured (`password` comes back masked). */
export type BackupTargetSettings =
  | { id: string; kind: 'folder' | 'mounted'; path: string }
  | { id: string; kind: 'sftp'; host: string; port: number; username: string; path: string; password?: string; privateKeyPath?: string; hostKeySha256: string };

/** A backup schedule. */
export interface BackupSchedule {
  id: string;
  target: string;
  every: 'daily' | 'weekly';
  weekday?: number;
  time: string;
  recordings: boolean;
  enabled: boolean;
  createdAt?: number;
}

/** Targets, schedules and retention. */
export interface BackupSettings {
  targets: BackupTargetSettings[];
  schedules: BackupSchedule[];
  retention: { keepCount: number; maxAgeDays: number };
}
