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

/** State of the telephony card; `unknown` while the analog gateway is not running. */
export type CardState = 'none' | 'open' | 'missing' | 'misconfigured' | 'unknown';

/** One FXS or FXO port of `GET /ports`. */
export interface AnalogPort {
  port: number;
  kind: 'FXS' | 'FXO';
  card: string;
  /** FXS: the extension the phone is. */
  extension?: string;
  /** FXO: the line group. */
  group?: string;
  /** idle, dialtone, dialing, ringing, connected, busy-tone, stuck-offhook, seized, alarm... */
  state: string;
  since: string;
  callerId?: string;
}

/** An FXS extension the analog gateway registers at the PBX. */
export interface PortRegistration {
  extension: string;
  state: string;
  expiresAt?: string;
  lastError?: string;
}

/** A call through a card port. */
export interface PortCall {
  port: number;
  direction: 'in' | 'out';
  state: string;
  number?: string;
}

/** Answer of `GET /ports`: `running: false` (and card `unknown`) while the gateway is stopped. */
export interface PortList {
  running: boolean;
  card: { state: CardState; driver?: string; since: string; error?: string };
  items: AnalogPort[];
  registrations: PortRegistration[];
  calls: PortCall[];
}

/** ITU-T X.733 perceived severity. */
export type AlarmSeverity = 'critical' | 'major' | 'minor' | 'warning';

/** An active alarm of `GET /alarms`. */
export interface Alarm {
  id: string;
  severity: AlarmSeverity;
  source: string;
  text: { en: string; zh: string };
  raisedAt: string;
}

/** Answer of `GET /alarms`, newest first; `services` says which services answered. */
export interface AlarmList {
  items: Alarm[];
  services: { pbx: boolean; analog: boolean; recorder?: boolean };
}

/** Where an inbound call goes. */
export type RouteDestination = { kind: 'extension'; number: string } | { kind: 'hangup' };

/** An inbound route: DID and caller number are dial patterns or literal numbers; absent matches any. */
export interface InboundRoute {
  name: string;
  did?: string;
  callerNumber?: string;
  destination: RouteDestination;
}

/** An outbound route: matching digits go out through `trunks` (trunks or line groups) in order. */
export interface OutboundRoute {
  name: string;
  patterns: string[];
  strip?: number;
  prepend?: string;
  trunks: string[];
}

/** The `routes` section of the configuration. */
export interface RoutesConfig {
  inbound?: InboundRoute[];
  outbound?: OutboundRoute[];
  emergencyNumbers?: string[];
}

/** The parts of a configuration version (`GET /config/versions/:version`) the Routes page reads. */
export interface ConfigDocument {
  extensions: Array<{ number: string; name?: string }>;
  trunks?: Array<{ name: string }>;
  analog?: { lineGroups?: Array<{ name: string }> };
  routes?: RoutesConfig;
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
  /** The user's desk phone: the wallboard's Listen/Whisper/Barge ring it. */
  extension?: string | null;
}

/** Body of `POST /users` and `PUT /users/:username`. */
export interface UserInput {
  username?: string;
  role?: Role;
  password?: string;
  displayName?: string;
  /** The desk phone's extension; null (edit only) unlinks it. */
  extension?: string | null;
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

/** Both languages of a user-facing text stored on the appliance (templates, probe names). */
export interface Bilingual {
  zh: string;
  en: string;
}

/** An inspection item's outcome; `pending` until a manual item is recorded. */
export type ItemStatus = 'pass' | 'warn' | 'fail' | 'na' | 'pending';

/** One checklist item of a template. */
export interface ChecklistItem {
  kind: 'automatic' | 'manual';
  id: string;
  label: Bilingual;
  probe?: string;
  threshold?: { direction: 'max' | 'min'; warn?: number; fail?: number };
  unit?: string;
  expected?: Bilingual;
  guidance?: Bilingual;
}

/** A template's content. */
export interface TemplateDefinition {
  name: Bilingual;
  sections: Array<{ id: string; title: Bilingual; items: ChecklistItem[] }>;
}

/** A stored template version. */
export interface TemplateVersion {
  id: string;
  version: number;
  definition: TemplateDefinition;
  createdAt: string;
  createdBy: string;
  comment: string;
}

/** An inspection run's header. */
export interface RunSummary {
  id: number;
  templateId: string;
  templateVersion: number;
  templateName: Bilingual;
  state: 'draft' | 'signed' | 'closed';
  site: string;
  startedAt: string;
  startedBy: string;
  signedAt: string | null;
  closedAt: string | null;
  counts: Record<ItemStatus, number>;
}

/** One item's result in a run. */
export interface ItemResult {
  itemId: string;
  valueNum: number | null;
  valueText: string | null;
  status: ItemStatus;
  note: string;
  photos: string[];
  measuredAt: string | null;
  detail: Bilingual | null;
}

/** A finding of a run. */
export interface Finding {
  id: number;
  risk: 'low' | 'medium' | 'high' | 'critical';
  itemId: string | null;
  description: string;
  remediation: string;
}

/** A full run. */
export interface InspectionRun extends RunSummary {
  template: TemplateDefinition;
  results: ItemResult[];
  findings: Finding[];
  signatures: Array<{ signer: 'engineer' | 'customer'; name: string; signedAt: string }>;
}

/** A numeric item's values across runs. */
export interface TrendSeries {
  itemId: string;
  label: Bilingual;
  unit: string;
  points: Array<{ runId: number; startedAt: string; value: number | null }>;
}

/** Fault report states, in order. */
export type FaultState = 'reported' | 'responding' | 'on-site' | 'resolved' | 'closed';

/** A fault report with its timing. */
export interface FaultReport {
  id: number;
  number: string;
  state: FaultState;
  title: string;
  level: 1 | 2 | 3 | 4;
  contactName: string;
  contactPhone: string;
  occurredAt: string;
  reportedAt: string;
  respondedAt: string | null;
  onSiteAt: string | null;
  diagnosedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  location: string;
  method: string;
  steps: string;
  result: string;
  prevention: string;
  createdBy: string;
  timing: {
    elapsedMs: number;
    overdue: boolean;
    breached: boolean;
    milestones: Array<{ id: 'respond' | 'on-site' | 'diagnose' | 'resolve'; targetMs: number; dueAt: string; reachedAt: string | null; elapsedMs: number; overdue: boolean; late: boolean }>;
  };
}

/** Editable fields of a fault report (times ISO). */
export interface FaultInput {
  title: string;
  level: 1 | 2 | 3 | 4;
  contactName: string;
  contactPhone: string;
  occurredAt: string;
  reportedAt?: string;
  location: string;
  method: string;
  steps: string;
  result: string;
  prevention: string;
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

/** Agent states (docs/acd.md). */
export type AgentStateName = 'logged-out' | 'ready' | 'ringing' | 'on-call' | 'wrap-up' | 'not-ready';

/** One queue on the wallboard. */
export interface QueueRow {
  name: string;
  agentsReady: number;
  stats: { offered: number; answered: number; abandoned: number; serviceLevel: number; asaSec: number; ahtSec: number; longestWaitMs: number; waiting: number; oldestWaitingMs: number; overflowed: number };
}

/** One agent on the wallboard and the desktop. */
export interface AgentRow { agent: string; name: string; extension?: string; state: AgentStateName; reason?: string }

/** `GET /acd/snapshot`. */
export interface AcdSnapshot { at: number; queues: QueueRow[]; agents: AgentRow[] }

/** `POST /acd/agents/:agent/state`. */
export interface AgentCommand { action: 'login' | 'logout' | 'ready' | 'not-ready'; extension?: string; pin?: string; reason?: string }

/** `POST /acd/agents/:agent/supervise`: force release / not ready / logout; listen / whisper / barge switch the supervisor in the call, or ring the user's own phone (answer `ringing: true`). */
export interface SupervisorCommand { action: 'listen' | 'whisper' | 'barge' | 'release' | 'not-ready' | 'logout'; supervisor?: string }

/** `POST /acd/agents/:agent/conference`. */
export interface ConferenceCommand { action: 'merge' | 'leave' }

/** `POST /acd/agents/:agent/call`: control of the agent's call; `to` for a blind transfer, a click-to-dial and a consult call (answer is refused with the reason: only the phone can answer). */
export interface AgentCallCommand { action: 'answer' | 'hangup' | 'hold' | 'resume' | 'transfer' | 'dial' | 'consult' | 'complete' | 'cancel'; to?: string }

/** Events of the CTI WebSocket (appliance/src/pbx/call-center/cti-events.ts). */
export type CtiEvent =
  | { type: 'CallOffered'; at: number; callId: string; agent: string; extension: string; callerNumber: string; callerName?: string; queue: string; waitMs: number; ivr: { choices: Array<{ menu: string; digit: string }>; digits: Record<string, string> }; callback?: { attempt: number } }
  | { type: 'CallAnswered'; at: number; callId: string; agent: string; queue: string; waitMs: number }
  | { type: 'CallEnded'; at: number; callId: string; queue?: string; agent?: string; outcome: string }
  | { type: 'CallTransferred'; at: number; callId: string; by: string; agent?: string; fromQueue?: string; to: { queue: string } | { menu: string } }
  | { type: 'AgentStateChanged'; at: number; agent: string; state: AgentStateName; reason?: string; extension?: string }
  | { type: 'QueueStatsUpdated'; at: number; queue: string; stats: QueueRow['stats'] }
  | { type: 'SupervisionStarted' | 'SupervisionModeChanged'; at: number; agent: string; supervisor: string; callId: string; mode: 'listen' | 'whisper' | 'barge' }
  | { type: 'SupervisionEnded'; at: number; agent: string; supervisor: string; callId: string }
  | { type: 'SupervisionCallFailed'; at: number; agent: string; supervisor: string; mode: 'listen' | 'whisper' | 'barge'; status: number; reason: string }
  | { type: 'AgentForced'; at: number; agent: string; supervisor: string; action: 'release' | 'not-ready' | 'logout'; callId?: string }
  | { type: 'ConferenceStarted'; at: number; room: string; agent: string; parties: string[] }
  | { type: 'ConferencePartyJoined' | 'ConferencePartyLeft'; at: number; room: string; agent: string; party: string }
  | { type: 'ConferenceEnded'; at: number; room: string; agent: string }
  | { type: 'CallHeld' | 'CallResumed'; at: number; callId: string; agent: string; party: string }
  | { type: 'DialStarted' | 'DialAnswered' | 'DialConnected'; at: number; callId: string; agent: string; to: string; purpose: 'dial' | 'consult' }
  | { type: 'DialFailed'; at: number; callId: string; agent: string; to: string; purpose: 'dial' | 'consult'; status: number; reason: string }
  | { type: 'DialEnded'; at: number; callId: string; agent: string; to: string; purpose: 'dial' | 'consult'; side: string }
  | { type: 'ConsultTransferred'; at: number; callId: string; agent: string; party: string }
  | { type: 'ConsultTransferFailed'; at: number; callId: string; agent: string; status: number };

/** One party of a recording: WAV channel `channel` holds what it said. */
export interface RecordingParty {
  channel: number;
  label: string;
  aor?: string;
  name?: string;
  role?: string;
}

/** A call being recorded now, as GET /recordings/live lists it for live listening. */
export interface LiveRecording {
  id: string;
  callId: string;
  startedAt: string;
  durationMs: number;
  codec: 'PCMU' | 'PCMA';
  /** Live listeners now. */
  listeners: number;
  /** One per channel, in channel order (0 = left when listening in stereo). */
  parties: Array<{ channel: number; name: string }>;
}

/** A recording as GET /recordings lists it (times ISO). */
export interface Recording {
  id: string;
  callId: string;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  parties: RecordingParty[];
  agent?: string;
  queue?: string;
  direction?: 'inbound' | 'outbound' | 'internal';
  /** Carrier of a call from or to outside: SIP trunk name or `analog:<group>`. */
  trunk?: string;
  /** Pauses (card numbers ...) as offsets into the file; `toMs` null while a pause is open. */
  pauses: Array<{ fromMs: number; toMs: number | null }>;
  /** 1, then +1 for each transfer; `previousId` is the segment before. */
  segment: number;
  previousId?: string;
  codec: 'PCMU' | 'PCMA';
  channels: number;
  sha256: string | null;
  sizeBytes: number | null;
  encrypted: boolean;
  state: 'active' | 'closed' | 'recovered' | 'archived' | 'deleted' | 'lost';
}

// ---- IVR designer (issue 6) ----

/** Where an IVR key leads (`menu` names a menu or a time condition). */
export type IvrDestination =
  | { kind: 'extension'; number: string }
  | { kind: 'queue'; name: string }
  | { kind: 'menu'; menu: string }
  | { kind: 'hangup' }
  | { kind: 'repeat' }
  | { kind: 'voicemail'; box: string };

/** One key of a menu. */
export interface IvrOption { digit: string; destination: IvrDestination; skills?: Array<{ skill: string; minLevel: number }> }

/** An IVR menu (docs/ivr.md). */
export interface IvrMenu {
  name: string;
  prompt: string;
  options?: IvrOption[];
  collect?: { name: string; minDigits?: number; maxDigits: number; then: IvrDestination };
  timeoutSec?: number;
  maxRetries?: number;
  invalidPrompt?: string;
  timeoutPrompt?: string;
  failDestination?: IvrDestination;
}

/** Business hours choosing between two menus. */
export interface IvrTimeCondition {
  name: string;
  hours: Array<{ days: number[]; from: string; to: string }>;
  holidays?: string[];
  open: string;
  closed: string;
}

/** The `ivr` section. */
export interface IvrConfig {
  language?: 'zh-CN' | 'en';
  promptRecorders?: string[];
  menus?: IvrMenu[];
  timeConditions?: IvrTimeCondition[];
}

/** The parts of a configuration version the IVR page reads. */
export interface IvrConfigDocument {
  extensions: Array<{ number: string; name?: string }>;
  acd?: { queues?: Array<{ name: string }> };
  routes?: RoutesConfig;
  ivr?: IvrConfig;
  voicemail?: { boxes?: Array<{ box: string; name: string }> };
}

/** A prompt file (`GET /prompts`). */
export interface PromptFile {
  name: string;
  /** null: the shared file every language falls back to. */
  language: 'zh-CN' | 'en' | null;
  bytes: number;
  durationMs: number | null;
  modifiedAt: string;
  builtIn: boolean;
  /** JSON pointers of the menu fields that play it. */
  usedBy: string[];
}

/** SHA-2 authentication of an SNMPv3 user (RFC 7860). */
export type SnmpAuthProtocol = 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';
/** AES-128 (RFC 3826) or AES-256 privacy of an SNMPv3 user. */
export type SnmpPrivProtocol = 'AES' | 'AES-256';

/** The `snmp` section as `GET /snmp/settings` shows it: every key and community masked. */
export interface SnmpSettingsView {
  enabled: boolean;
  port: number;
  bindAddress: string;
  engineId: string;
  contact: string;
  location: string;
  v2c: { enabled: boolean; community: string; allowedSources: string[] };
  v3Users: Array<{ name: string; authProtocol: string; authKey: string; privProtocol: string; privKey: string }>;
  trapTargets: Array<{ host: string; port: number; version: string; community?: string; user?: string; mode?: 'trap' | 'inform'; retries?: number; timeoutSec?: number }>;
}

/** Answer of `GET /snmp/settings`. */
export interface SnmpSettingsDoc {
  settings: SnmpSettingsView;
  configVersion: number;
  /** MIB modules offered at `/snmp/mibs/<name>`, HOTLINE-MIB.txt first. */
  mibFiles: string[];
}

/** Body of `PUT /snmp/settings`: a key or community left empty keeps its stored value. */
export interface SnmpForm {
  enabled: boolean;
  contact: string;
  location: string;
  v2c: { enabled: boolean; community?: string; allowedSources: string[] };
  v3Users: Array<{ name: string; authProtocol: SnmpAuthProtocol; authKey?: string; privProtocol: SnmpPrivProtocol; privKey?: string }>;
  trapTargets: Array<{ host: string; port?: number; version: 'v2c' | 'v3'; community?: string; user?: string; mode?: 'trap' | 'inform'; retries?: number; timeoutSec?: number }>;
}

/** What the utility supplies to a customer. */
export type CustomerService = 'water' | 'power' | 'gas';

/** A customer (phones normalised by the server; times ISO). */
export interface Customer { account: string; name: string; phones: string[]; address: string; service: CustomerService; notes: string; createdAt: string; updatedAt: string }

/** Fields of a customer form. */
export interface CustomerInput { account: string; name: string; phones: string[]; address: string; service: CustomerService; notes: string }

/** A note an agent added to a customer. */
export interface CustomerNote { id: number; account: string; at: string; author: string; callId: string | null; text: string }

/** One earlier call of a caller or account: the call record's fields (null when only the queue saw it) and its queues. */
export interface HistoryCall {
  callId: string;
  startedAt: string;
  caller: string;
  callee: string | null;
  disposition: string | null;
  durationSec: number | null;
  queues: Array<{ queue: string; outcome: string; waitMs: number; agent: string | null; talkMs: number }>;
}

/** `GET /customers/lookup`: the screen pop's record. */
export interface CustomerLookup { customers: Customer[]; history: HistoryCall[]; notes: CustomerNote[] }

/** Progress of a customer import. */
export interface ImportProgress {
  id: string; state: 'running' | 'done' | 'failed'; startedAt?: string; finishedAt?: string;
  bytesDone: number; bytesTotal: number; lines: number; created: number; updated: number; rejected: number; error?: string;
}

/** `POST /customers/import`: the result and the first rejected lines. */
export interface ImportResult { progress: ImportProgress; errors: Array<{ line: number; message: string; messageZh: string; raw: string }>; errorsTruncated: boolean }

/** The call-center reports. */
export type ReportKind = 'hour' | 'day' | 'agent' | 'queue';

/** One line of a report (times ms; ratios 0–1 or null). */
export interface ReportRow {
  key: string; name?: string;
  offered: number; answered: number; abandoned: number; overflowed: number; callbacks: number; answeredWithinSl: number;
  serviceLevel: number | null; asaMs: number | null; ahtMs: number | null; longestWaitMs: number; talkMs: number; wrapUpMs: number;
  notReadyMs?: Record<string, number>;
}

/** `GET /reports/:kind`. */
export interface Report { kind: string; from: string; to: string; timeZone: string; rows: ReportRow[]; total: ReportRow }

// ---- Voicemail (issue 6, docs/voicemail.md) ----

/** A voicemail box with its message counts (`GET /voicemail/boxes`). */
export interface VoicemailBox {
  box: string;
  name: string;
  owners: string[];
  total: number;
  unheard: number;
}

/** A message left in a box. */
export interface VoicemailMessage {
  id: number;
  box: string;
  caller: string;
  /** IVR keys that led to the box, `menu:digit`, comma-separated. */
  digits: string;
  receivedAt: string;
  durationMs: number;
  heard: boolean;
}
