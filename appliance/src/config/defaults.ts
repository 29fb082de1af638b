import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { EmailNotifyConfig, NotifySeverity, SmtpSecurity, DevicesConfig, GatewayConfig, GatewayV3User, RoomSensorConfig, SmsModemConfig, SerialPortConfig, MonitorConfig, MonitorThresholds, SnmpConfig, SnmpV3User, SnmpTrapTarget, SnmpAuthProtocol, SnmpPrivProtocol } from './types.ts';
import type { VoicemailBoxConfig, IvrConfig, IvrDestination, IvrMenuConfig, IvrTimeConditionConfig, AcdAgentConfig, AcdQueueConfig, AcdReasonConfig, AcdSkillConfig, AnalogConfig, CardConfig, LineGroupConfig, TrunkConfig, HotlineConfig, MgmtConfig, InboundRouteConfig, OutboundRouteConfig } from './types.ts';

/** Schema revision this code reads and writes. */
export const CURRENT_SCHEMA_VERSION = 1 as const;

/** Default number of Contact bindings per extension. */
export const DEFAULT_MAX_CONTACTS = 5;

/** The embedded default configuration: DESIGN.md defaults, no extensions. A fresh object each call. */
export function defaultConfig(): HotlineConfig {
  return {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    site: { name: 'Hotline' },
    sip: {
      bindAddress: '0.0.0.0',
      udpPort: 5060,
      tcpPort: 5060,
      realm: 'hotline',
      noAnswerTimeoutSec: 30,
      registerMinExpiresSec: 60,
      registerMaxExpiresSec: 3600,
      registerDefaultExpiresSec: 600,
      nonceLifetimeSec: 300,
      // MD5 first: most desk phones (and sipp) answer only the first challenge they see; SHA-256
      // is still offered for phones that pick it (RFC 8760 §2.4), and an admin may put it first.
      digestAlgorithms: ['MD5', 'SHA-256'],
      maxMessageBytes: 65535,
    },
    security: { authFailureLimit: 5, authFailureWindowSec: 60, banSec: 600, trustedPeers: [] },
    rtp: { portMin: 10000, portMax: 20000 },
    extensions: [],
  };
}

/** Time zone reported when `site.timeZone` is not set. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** Defaults of the `mgmt` section: issue 3 and the API contract (15 min idle, 12 h absolute, 5/20 failures in 15 min). */
export const DEFAULT_MGMT: Required<MgmtConfig> = {
  bindAddress: '0.0.0.0',
  httpsPort: 8443,
  httpPort: 8080,
  sessionIdleMin: 15,
  sessionAbsoluteHours: 12,
  loginFailureLimitUser: 5,
  loginFailureLimitAddress: 20,
  loginFailureWindowMin: 15,
  lockoutMin: 15,
};

/** The `mgmt` section with every omitted field filled from DEFAULT_MGMT. */
export function mgmtSettings(config: HotlineConfig): Required<MgmtConfig> {
  return { ...DEFAULT_MGMT, ...(config.mgmt ?? {}) };
}

/** The appliance time zone (IANA name). */
export function siteTimeZone(config: HotlineConfig): string {
  return config.site.timeZone ?? DEFAULT_TIME_ZONE;
}

/** Default media timeout: long enough for a caller who goes quiet, short enough to free a dead line. */
export const DEFAULT_MEDIA_TIMEOUT_SEC = 60;

/** Media relay settings with their defaults filled in. */
export function mediaSettings(config: HotlineConfig): { portMin: number; portMax: number; timeoutSec: number; musicOnHold: string[] } {
  return { portMin: config.rtp.portMin, portMax: config.rtp.portMax, timeoutSec: config.rtp.timeoutSec ?? DEFAULT_MEDIA_TIMEOUT_SEC, musicOnHold: config.rtp.musicOnHold ?? [] };
}

/** A trunk with its defaults filled in. */
export type TrunkSettings = Required<Omit<TrunkConfig, 'username' | 'password'>> & Pick<TrunkConfig, 'username' | 'password'>;

/** The configured trunks with their defaults filled in. */
export function trunkSettings(config: HotlineConfig): TrunkSettings[] {
  return (config.trunks ?? []).map((t) => ({
    ...t, port: t.port ?? 5060, transport: t.transport ?? 'udp', register: t.register ?? t.username !== undefined,
    expiresSec: t.expiresSec ?? 3600, keepaliveSec: t.keepaliveSec ?? 30,
  }));
}

/** The analog section with its defaults filled in (every card, port and group given). */
export interface AnalogSettings extends Required<Omit<AnalogConfig, 'cards' | 'lineGroups'>> {
  cards: CardConfig[];
  lineGroups: Array<Required<LineGroupConfig>>;
}

/** Default UDP port of the analog gateway's SIP user agent (on 127.0.0.1). */
export const DEFAULT_ANALOG_SIP_PORT = 5062;

/** The `analog` section with defaults filled in; undefined when no card is configured. */
export function analogSettings(config: HotlineConfig): AnalogSettings | undefined {
  const a = config.analog;
  if (!a || a.cards.length === 0) return undefined;
  return {
    cards: a.cards,
    lineGroups: (a.lineGroups ?? []).map((g) => ({ name: g.name, hunt: g.hunt ?? 'sequential' })),
    law: a.law ?? 'alaw', toneZone: a.toneZone ?? 'cn', callerId: a.callerId ?? 'bell202',
    ringsBeforeAnswer: a.ringsBeforeAnswer ?? 2, interDigitTimeoutSec: a.interDigitTimeoutSec ?? 4,
    sipPort: a.sipPort ?? DEFAULT_ANALOG_SIP_PORT,
  };
}

/** China's police, fire, ambulance and traffic-accident numbers, and 112 (GSM's, answered by mobile networks in China too). */
export const DEFAULT_EMERGENCY_NUMBERS: readonly string[] = ['110', '119', '120', '122', '112'];

/** The routes section with its defaults filled in. */
export interface RouteSettings {
  inbound: InboundRouteConfig[];
  outbound: Array<Required<OutboundRouteConfig>>;
  emergencyNumbers: string[];
}

/** The `routes` section with defaults filled in (no routes: nothing routed but extensions and emergency numbers). */
export function routeSettings(config: HotlineConfig): RouteSettings {
  const r = config.routes ?? {};
  return {
    inbound: r.inbound ?? [],
    outbound: (r.outbound ?? []).map((o) => ({ ...o, strip: o.strip ?? 0, prepend: o.prepend ?? '' })),
    emergencyNumbers: r.emergencyNumbers ?? [...DEFAULT_EMERGENCY_NUMBERS],
  };
}

/** A queue with every default filled in (overflow stays optional in form: hangup when absent). */
export type AcdQueueSettings = Required<Omit<AcdQueueConfig, 'musicOnHold' | 'number'>> & Pick<AcdQueueConfig, 'musicOnHold'>;

/** An agent with its defaults filled in. */
export interface AcdAgentSettings {
  number: string;
  name: string;
  pin?: string;
  skills: Array<{ skill: string; level: number }>;
  queues: Array<{ queue: string; penalty: number }>;
}

/** The ACD section with defaults filled in. */
export interface AcdSettings {
  skills: AcdSkillConfig[];
  queues: AcdQueueSettings[];
  agents: AcdAgentSettings[];
  notReadyReasons: AcdReasonConfig[];
  /** CTI offer before the agent's INVITE (screen pop first). */
  screenPopLeadMs: number;
  /** Extensions that may use the supervisor feature codes. */
  supervisors: string[];
}

/** The reason the engine itself gives an agent who let an offer ring out; always known. */
export const ACD_NO_ANSWER_REASON: AcdReasonConfig = { code: 'no-answer', zh: '未接听', en: 'Missed call' };

/** The reason of an agent a supervisor forced not ready (*35, or the wallboard); always known. */
export const ACD_SUPERVISOR_REASON: AcdReasonConfig = { code: 'supervisor', zh: '班长置忙', en: 'Set by supervisor' };

/** Reasons offered when the section names none. */
export const DEFAULT_NOT_READY_REASONS: readonly AcdReasonConfig[] = [
  { code: 'break', zh: '小休', en: 'Break' },
  { code: 'meal', zh: '用餐', en: 'Meal' },
  { code: 'training', zh: '培训', en: 'Training' },
  { code: 'after-call-work', zh: '事后处理', en: 'After-call work' },
];

/** One queue with defaults filled in. */
export function acdQueueSettings(q: AcdQueueConfig): AcdQueueSettings {
  return {
    name: q.name,
    strategy: q.strategy ?? 'longest-idle',
    ringTimeoutSec: q.ringTimeoutSec ?? 15,
    retrySec: q.retrySec ?? 0,
    wrapUpSec: q.wrapUpSec ?? 10,
    maxWaitSec: q.maxWaitSec ?? 0,
    maxLength: q.maxLength ?? 0,
    overflow: q.overflow ?? { kind: 'hangup' },
    joinEmpty: q.joinEmpty ?? 'always',
    serviceLevelSec: q.serviceLevelSec ?? 20,
    priority: q.priority ?? 0,
    requiredSkills: q.requiredSkills ?? [],
    relaxation: [...(q.relaxation ?? [])].sort((a, b) => a.afterSec - b.afterSec),
    announcePositionSec: q.announcePositionSec ?? 60,
    announceWaitSec: q.announceWaitSec ?? 0,
    callbackAllowed: q.callbackAllowed ?? false,
    callbackDigit: q.callbackDigit ?? '*',
    callbackRetries: q.callbackRetries ?? 2,
    callbackRetrySec: q.callbackRetrySec ?? 60,
    vipNumbers: q.vipNumbers ?? [],
    vipIvrDigit: q.vipIvrDigit ?? '',
    vipPriority: q.vipPriority ?? 10,
    noAnswer: q.noAnswer ?? 'not-ready',
    ...(q.musicOnHold !== undefined ? { musicOnHold: q.musicOnHold } : {}),
  };
}

/** One agent with defaults filled in. */
export function acdAgentSettings(a: AcdAgentConfig): AcdAgentSettings {
  return {
    number: a.number,
    name: a.name ?? a.number,
    ...(a.pin !== undefined ? { pin: a.pin } : {}),
    skills: a.skills ?? [],
    queues: a.queues.map((m) => ({ queue: m.queue, penalty: m.penalty ?? 0 })),
  };
}

/** The `acd` section with defaults filled in (no section: no queues, no agents, the default reasons). */
export function acdSettings(config: HotlineConfig): AcdSettings {
  const a = config.acd ?? {};
  const reasons = [...(a.notReadyReasons ?? DEFAULT_NOT_READY_REASONS)];
  if (!reasons.some((r) => r.code === ACD_NO_ANSWER_REASON.code)) reasons.push(ACD_NO_ANSWER_REASON);
  if (!reasons.some((r) => r.code === ACD_SUPERVISOR_REASON.code)) reasons.push(ACD_SUPERVISOR_REASON);
  return {
    skills: a.skills ?? [],
    queues: (a.queues ?? []).map(acdQueueSettings),
    agents: (a.agents ?? []).map(acdAgentSettings),
    notReadyReasons: reasons,
    screenPopLeadMs: a.screenPopLeadMs ?? 150,
    supervisors: a.supervisors ?? [],
  };
}

/** A menu with its defaults filled in. */
export type IvrMenuSettings = Required<Omit<IvrMenuConfig, 'collect' | 'options' | 'number'>> & { options: NonNullable<IvrMenuConfig['options']>; collect?: IvrMenuConfig['collect'] };

/** The IVR section with defaults filled in. */
export interface IvrSettings {
  language: 'zh-CN' | 'en';
  /** Extensions allowed to record prompts by feature code. */
  promptRecorders: string[];
  menus: IvrMenuSettings[];
  timeConditions: IvrTimeConditionConfig[];
}

/** Where a menu goes after its last retry when it names nowhere. */
export const IVR_DEFAULT_FAIL: IvrDestination = { kind: 'hangup' };

/** The `ivr` section with defaults filled in (no section: no menus). */
export function ivrSettings(config: HotlineConfig): IvrSettings {
  const i: IvrConfig = config.ivr ?? {};
  return {
    language: i.language ?? 'zh-CN',
    promptRecorders: i.promptRecorders ?? [],
    menus: (i.menus ?? []).map((m) => ({
      name: m.name, prompt: m.prompt, options: m.options ?? [],
      ...(m.collect ? { collect: m.collect } : {}),
      timeoutSec: m.timeoutSec ?? 5,
      maxRetries: m.maxRetries ?? 2,
      invalidPrompt: m.invalidPrompt ?? 'invalid',
      timeoutPrompt: m.timeoutPrompt ?? 'timeout',
      failDestination: m.failDestination ?? IVR_DEFAULT_FAIL,
    })),
    timeConditions: i.timeConditions ?? [],
  };
}

/** SNMP UDP port in development (DESIGN.md Defaults); the image configures 161. */
export const DEFAULT_SNMP_PORT = 1161;

/** The `snmp` section with defaults filled in. */
export interface SnmpSettings {
  enabled: boolean;
  bindAddress: string;
  port: number;
  engineId: string;
  contact: string;
  location: string;
  v2c: { enabled: boolean; community: string; allowedSources: string[] };
  v3Users: Array<Required<SnmpV3User> & { authProtocol: SnmpAuthProtocol; privProtocol: SnmpPrivProtocol }>;
  trapTargets: Array<SnmpTrapTarget & { port: number; mode: 'trap' | 'inform'; retries: number; timeoutSec: number }>;
}

/**
 * A default snmpEngineID that stays the same across restarts (NMSs and trap receivers key v3
 * users by it): RFC 3411 §5 format 5 (octets) under the enterprise number, then 8 octets of a
 * hash of the host name, so two appliances never share one.
 */
export function defaultEngineId(host: string = hostname()): string {
  return '80007ed905' + createHash('sha256').update(host).digest('hex').slice(0, 16);
}

/** The `snmp` section with every omitted field filled in (agent on, v2c off, no users, no targets). */
export function snmpSettings(config: HotlineConfig): SnmpSettings {
  const s: SnmpConfig = config.snmp ?? {};
  return {
    enabled: s.enabled ?? true,
    bindAddress: s.bindAddress ?? '0.0.0.0',
    port: s.port ?? DEFAULT_SNMP_PORT,
    engineId: (s.engineId ?? defaultEngineId()).toLowerCase(),
    contact: s.contact ?? '',
    location: s.location ?? '',
    v2c: { enabled: s.v2c?.enabled ?? false, community: s.v2c?.community ?? '', allowedSources: s.v2c?.allowedSources ?? [] },
    v3Users: (s.v3Users ?? []).map((u) => ({ ...u, authProtocol: u.authProtocol ?? 'SHA-256', privProtocol: u.privProtocol ?? 'AES' })),
    trapTargets: (s.trapTargets ?? []).map((t) => ({ ...t, port: t.port ?? 162, mode: t.mode ?? 'trap', retries: t.retries ?? 3, timeoutSec: t.timeoutSec ?? 5 })),
  };
}

/** Default alarm thresholds of the monitor. */
export const DEFAULT_MONITOR_THRESHOLDS: Required<MonitorThresholds> = {
  diskUsedPercent: 90, memoryUsedPercent: 90, cpuLoadPercent: 95, temperatureCelsius: 85,
  timeOffsetMs: 1000, diskTemperatureCelsius: 60, diskReallocatedSectors: 10, sensorTemperatureCelsius: 90, fanMinRpm: 300, interfaceErrorsPerMinute: 10,
};

/** `monitor.email` with defaults filled in; user and password only when authenticating. */
export interface EmailSettings {
  enabled: boolean;
  host: string;
  port: number;
  security: SmtpSecurity;
  verifyCertificate: boolean;
  auth?: { user: string; password: string };
  from: string;
  recipients: string[];
  minSeverity: NotifySeverity;
  maxPerHour: number;
}

const SMTP_PORT: Record<SmtpSecurity, number> = { tls: 465, starttls: 587, none: 25 };

function emailSettings(e: EmailNotifyConfig): EmailSettings {
  const security = e.security ?? 'starttls';
  const out: EmailSettings = {
    enabled: e.enabled ?? true, host: e.host, port: e.port ?? SMTP_PORT[security], security, verifyCertificate: e.verifyCertificate ?? true,
    from: e.from, recipients: e.recipients, minSeverity: e.minSeverity ?? 'minor', maxPerHour: e.maxPerHour ?? 30,
  };
  if (e.user !== undefined) out.auth = { user: e.user, password: e.password ?? '' };
  return out;
}

/** The `monitor` section with defaults filled in; `email` only when configured. */
export function monitorSettings(config: HotlineConfig): { pollIntervalSec: number; thresholds: Required<MonitorThresholds>; interfaces: string[]; email?: EmailSettings } {
  const m: MonitorConfig = config.monitor ?? {};
  const out: ReturnType<typeof monitorSettings> = { pollIntervalSec: m.pollIntervalSec ?? 10, thresholds: { ...DEFAULT_MONITOR_THRESHOLDS, ...(m.thresholds ?? {}) }, interfaces: m.interfaces ?? [] };
  if (m.email) out.email = emailSettings(m.email);
  return out;
}

/** A room sensor's settings with defaults filled in. */
export interface RoomSensorSettings {
  port: string;
  baudRate: number;
  address: number;
  registerType: 'holding' | 'input';
  temperatureRegister: number;
  humidityRegister: number;
  scale: number;
  thresholds: Required<NonNullable<RoomSensorConfig['thresholds']>>;
}

/** Server-room limits: ASHRAE's allowable envelope is wider, these leave time to act. */
export const DEFAULT_ROOM_THRESHOLDS: RoomSensorSettings['thresholds'] = { temperatureHighC: 35, temperatureLowC: 5, humidityHighPercent: 80, humidityLowPercent: 20 };

/** The `devices` section with defaults filled in; a device that is not configured is undefined. */
export function devicesSettings(config: HotlineConfig): { ups?: Required<SerialPortConfig>; roomSensor?: RoomSensorSettings; smsModem?: Required<SmsModemConfig> } {
  const d: DevicesConfig = config.devices ?? {};
  const out: { ups?: Required<SerialPortConfig>; roomSensor?: RoomSensorSettings; smsModem?: Required<SmsModemConfig> } = {};
  if (d.smsModem) out.smsModem = { port: d.smsModem.port, baudRate: d.smsModem.baudRate ?? 115200, recipients: d.smsModem.recipients, maxPerHour: d.smsModem.maxPerHour ?? 20, minSeverity: d.smsModem.minSeverity ?? 'warning' };
  if (d.ups) out.ups = { port: d.ups.port, baudRate: d.ups.baudRate ?? 2400 };
  const r = d.roomSensor;
  if (r) out.roomSensor = {
    port: r.port, baudRate: r.baudRate ?? 9600, address: r.address ?? 1, registerType: r.registerType ?? 'holding',
    temperatureRegister: r.temperatureRegister ?? 0, humidityRegister: r.humidityRegister ?? 1, scale: r.scale ?? 0.1,
    thresholds: { ...DEFAULT_ROOM_THRESHOLDS, ...(r.thresholds ?? {}) },
  };
  return out;
}

/** IF-MIB ifOperStatus (RFC 2863): the default column of a gateway's port states. */
export const IF_OPER_STATUS_OID = '1.3.6.1.2.1.2.2.1.8';

/** A polled gateway with defaults filled in. */
export interface GatewaySettings {
  index: number;
  name: string;
  host: string;
  port: number;
  version: 'v2c' | 'v3';
  community: string;
  user?: Required<GatewayV3User>;
  /** `ifOperStatus` for the default (ports with ifAdminStatus down are left out), else the configured column. */
  portStates: { oid: string; upValues: number[]; ifTable: boolean };
}

/** The polled gateways of `devices.gateways`, defaults filled in (port 161, SHA-256/AES, ifOperStatus up(1)). */
export function gatewaySettings(config: HotlineConfig): GatewaySettings[] {
  return (config.devices?.gateways ?? []).map((g: GatewayConfig) => {
    const out: GatewaySettings = {
      index: g.index, name: g.name, host: g.host, port: g.port ?? 161, version: g.version, community: g.community ?? '',
      portStates: g.portStates
        ? { oid: g.portStates.oid, upValues: g.portStates.upValues ?? [1], ifTable: g.portStates.oid === IF_OPER_STATUS_OID }
        : { oid: IF_OPER_STATUS_OID, upValues: [1], ifTable: true },
    };
    if (g.user) out.user = { ...g.user, authProtocol: g.user.authProtocol ?? 'SHA-256', privProtocol: g.user.privProtocol ?? 'AES' };
    return out;
  });
}

/** A voicemail box with its defaults filled in. */
export type VoicemailBoxSettings = Required<VoicemailBoxConfig>;

/** Greeting of a box that names none (in the shipped default prompt set). */
export const VOICEMAIL_DEFAULT_GREETING = 'voicemail-greeting';

/** The `voicemail` section's boxes with defaults filled in (no section: no boxes). */
export function voicemailBoxes(config: HotlineConfig): VoicemailBoxSettings[] {
  return (config.voicemail?.boxes ?? []).map((b) => ({
    box: b.box, name: b.name, owners: b.owners ?? [],
    greeting: b.greeting ?? VOICEMAIL_DEFAULT_GREETING,
    maxMessageSec: b.maxMessageSec ?? 120,
  }));
}
