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
  services: { pbx: boolean; analog: boolean };
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

/** Events of the CTI WebSocket (appliance/src/pbx/call-center/cti-events.ts). */
export type CtiEvent =
  | { type: 'CallOffered'; at: number; callId: string; agent: string; extension: string; callerNumber: string; callerName?: string; queue: string; waitMs: number; ivr: { choices: Array<{ menu: string; digit: string }>; digits: Record<string, string> } }
  | { type: 'CallAnswered'; at: number; callId: string; agent: string; queue: string; waitMs: number }
  | { type: 'CallEnded'; at: number; callId: string; queue?: string; agent?: string; outcome: string }
  | { type: 'AgentStateChanged'; at: number; agent: string; state: AgentStateName; reason?: string; extension?: string }
  | { type: 'QueueStatsUpdated'; at: number; queue: string; stats: QueueRow['stats'] };
