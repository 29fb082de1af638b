/** One SIP extension (a desk phone or softphone account) that may register and place calls. */
export interface ExtensionConfig {
  /** Dialable number, 2 to 8 digits. Also the digest username. */
  number: string;
  /** Display name, e.g. '座席 1001 / Agent 1001'. */
  name?: string;
  /** Digest password (RFC 7616), at least 8 characters. */
  secret: string;
  /** How many simultaneous Contact bindings the registrar keeps (RFC 3261 §10.3), 1..20, default 5. */
  maxContacts: number;
  /** When false (default) a new call to a busy extension is answered 486 Busy Here. */
  callWaiting: boolean;
}

/** A peer (gateway, trunk, recorder) whose requests are accepted without digest authentication. */
export interface TrustedPeer {
  /** IPv4 or IPv6 literal. */
  address: string;
  /** Human label shown in status and logs. */
  name: string;
}

/** Digest algorithms the registrar may challenge with (RFC 7616 §3.3, RFC 8760). */
export type DigestAlgorithm = 'MD5' | 'SHA-256';

/** SIP listener and registrar settings. */
export interface SipConfig {
  bindAddress: string;
  udpPort: number;
  tcpPort: number;
  realm: string;
  domain?: string;
  noAnswerTimeoutSec: number;
  registerMinExpiresSec: number;
  registerMaxExpiresSec: number;
  registerDefaultExpiresSec: number;
  nonceLifetimeSec: number;
  digestAlgorithms: DigestAlgorithm[];
  maxMessageBytes: number;
}

/** Brute-force protection and trusted peers. */
export interface SecurityConfig {
  authFailureLimit: number;
  authFailureWindowSec: number;
  banSec: number;
  trustedPeers: TrustedPeer[];
}

/** RTP port range the media relay allocates from. */
export interface RtpConfig {
  portMin: number;
  portMax: number;
  /** A call whose RTP stops for this long is hung up (issue 4); default 60 s. */
  timeoutSec?: number;
  /** WAV files (8 kHz) played as music on hold, in order; default: the prompt shipped with the project. */
  musicOnHold?: string[];
}

/**
 * Management service settings. Every field is optional and has no schema default, so files written
 * before the section existed keep their digest (and match their history entry); `mgmtSettings()`
 * fills in the defaults where they are read.
 */
export interface MgmtConfig {
  bindAddress?: string;
  httpsPort?: number;
  /** Plain HTTP, always bound to 127.0.0.1 only (development, local tools). 0 disables it. */
  httpPort?: number;
  sessionIdleMin?: number;
  sessionAbsoluteHours?: number;
  loginFailureLimitUser?: number;
  loginFailureLimitAddress?: number;
  loginFailureWindowMin?: number;
  lockoutMin?: number;
}

/** The whole appliance configuration as stored in `config.json` (schema revision 1). */
export interface HotlineConfig {
  schemaVersion: 1;
  /** `timeZone`: IANA name the appliance reports times in (UI, hourly statistics); default Asia/Shanghai. */
  site: { name: string; timeZone?: string };
  mgmt?: MgmtConfig;
  sip: SipConfig;
  security: SecurityConfig;
  rtp: RtpConfig;
  extensions: ExtensionConfig[];
  /** SIP trunks to a carrier or to external FXO/FXS gateways (issue 5). */
  trunks?: TrunkConfig[];
  /** Telephony cards: FXS desk phones and FXO lines, served by the analog gateway service (issue 5). */
  analog?: AnalogConfig;
  /** Inbound and outbound call routing, emergency numbers (issue 5). */
  routes?: RoutesConfig;
  /** Call-center queues, agents, skills and not-ready reasons (issue 6). */
  acd?: AcdConfig;
  /** The SNMP agent and its traps (issue 8). */
  snmp?: SnmpConfig;
  /** The health monitor: poll interval and alarm thresholds (issue 8). */
  monitor?: MonitorConfig;
  /** Call recording through the SIPREC recording server (issue 7). */
  recording?: RecordingConfig;
  /** IVR menus, digit collection and time conditions (issue 6, docs/ivr.md). */
  ivr?: IvrConfig;
  /** Voicemail boxes the IVR can send callers to (issue 6, docs/voicemail.md). */
  voicemail?: VoicemailConfig;
  /** Serial devices the monitor watches: UPS, room sensor (issue 8, docs/monitor-snmp.md). */
  devices?: DevicesConfig;
}

/** A device on a serial port: the port path (/dev/ttyUSB0) and its speed. */
export interface SerialPortConfig {
  port: string;
  /** Default 2400 for a Megatec UPS. */
  baudRate?: number;
}

/** Serial devices around the appliance; each is watched only when configured. */
export interface DevicesConfig {
  /** A UPS speaking the Megatec Q1 protocol. */
  ups?: SerialPortConfig;
  /** A temperature/humidity sensor on RS-485, Modbus RTU. */
  roomSensor?: RoomSensorConfig;
  /** A GSM modem that texts alarm raises and clears to the people on call. */
  smsModem?: SmsModemConfig;
  /** External FXO/FXS gateways the monitor polls over SNMP (reachability, port states). */
  gateways?: GatewayConfig[];
}

/** SNMPv3 credentials the monitor uses to poll a gateway (authPriv). */
export interface GatewayV3User {
  name: string;
  /** Default SHA-256; SHA (SHA-1) for gateways that offer nothing newer. */
  authProtocol?: SnmpAuthProtocol | 'SHA';
  authKey: string;
  /** Default AES (128). */
  privProtocol?: SnmpPrivProtocol;
  privKey: string;
}

/**
 * An external FXO/FXS gateway polled over SNMP: sysUpTime says it is reachable, and its port
 * states come from ifOperStatus (IF-MIB) or from a column of its own MIB (`portStates`).
 */
export interface GatewayConfig {
  /** hlGatewayIndex: chosen by the operator, so it stays when other gateways come and go. */
  index: number;
  name: string;
  /** IPv4 or IPv6 literal. */
  host: string;
  /** Default 161. */
  port?: number;
  version: 'v2c' | 'v3';
  /** v2c: the gateway's read community. */
  community?: string;
  /** v3: the user, always authPriv. */
  user?: GatewayV3User;
  /**
   * Where the port states are: a table column whose rows are the ports (e.g. a vendor's FXS
   * line status), and the values that mean "up". Default: IF-MIB ifOperStatus, up(1), with
   * ports an operator set ifAdminStatus down(2) left out.
   */
  portStates?: { oid: string; upValues?: number[] };
}

/** SMS alarm notification through a GSM modem (AT commands, PDU mode). */
export interface SmsModemConfig {
  port: string;
  /** Default 115200. */
  baudRate?: number;
  /** Mobile numbers, +8613800138000 or national digits. */
  recipients: string[];
  /** Alarm events texted per hour at most, to all recipients together; default 20. Beyond: logged, not sent. */
  maxPerHour?: number;
  /** Alarms below this severity are not texted; default warning (all). */
  minSeverity?: NotifySeverity;
}

/** Where a Modbus RTU room sensor keeps its readings, and the limits that raise alarms. */
export interface RoomSensorConfig {
  port: string;
  /** Default 9600. */
  baudRate?: number;
  /** Modbus slave address, 1-247; default 1. */
  address?: number;
  /** Holding (function 03, default) or input (04) registers. */
  registerType?: 'holding' | 'input';
  /** Register (0-based PDU address) of the temperature, signed; default 0. */
  temperatureRegister?: number;
  /** Register of the relative humidity; default 1. */
  humidityRegister?: number;
  /** What one count is worth (0.1: 253 reads 25.3 °C); default 0.1. */
  scale?: number;
  /** Alarm limits; defaults in `devicesSettings()`. */
  thresholds?: { temperatureHighC?: number; temperatureLowC?: number; humidityHighPercent?: number; humidityLowPercent?: number };
}

/** SHA-2 HMACs of RFC 7860 for SNMPv3 USM authentication (MD5 and SHA-1 are not offered). */
export type SnmpAuthProtocol = 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** SNMPv3 privacy: AES-128 (RFC 3826), or AES-256 with Blumenthal key extension (draft-blumenthal-aes-usm-04, what net-snmp tools call AES-256). */
export type SnmpPrivProtocol = 'AES' | 'AES-256';

/** One SNMPv3 USM user (RFC 3414), always authPriv. */
export interface SnmpV3User {
  name: string;
  /** Default SHA-256. */
  authProtocol?: SnmpAuthProtocol;
  /** Authentication passphrase, at least 8 characters (RFC 3414 §11.2). */
  authKey: string;
  /** Default AES (128). */
  privProtocol?: SnmpPrivProtocol;
  /** Privacy passphrase, at least 8 characters. */
  privKey: string;
}

/** Where alarm notifications are sent: SNMPv2c traps with a community, or SNMPv3 traps as one of the v3 users. */
export interface SnmpTrapTarget {
  /** IPv4 or IPv6 literal of the NMS. */
  host: string;
  /** Default 162. */
  port?: number;
  version: 'v2c' | 'v3';
  /** v2c: the community the NMS accepts. */
  community?: string;
  /** v3: the name of a user in /snmp/v3Users, whose keys sign and encrypt the trap. */
  user?: string;
  /** `trap` (default): unconfirmed. `inform`: the receiver acknowledges, unacknowledged ones are resent. */
  mode?: 'trap' | 'inform';
  /** Informs: resends after the first attempt before giving up; default 3. */
  retries?: number;
  /** Informs: seconds to wait for the acknowledgement, doubled at each resend; default 5. */
  timeoutSec?: number;
}

/** SNMP agent settings. Optional fields have defaults in `snmpSettings()`. */
export interface SnmpConfig {
  /** Default true: the agent runs, answering only the v3 users (and v2c when enabled). */
  enabled?: boolean;
  /** Default 0.0.0.0. */
  bindAddress?: string;
  /** UDP port; default 1161 (development). The appliance image sets 161. */
  port?: number;
  /** snmpEngineID (RFC 3411) as hex, 5 to 32 octets; default derived from the host name, stable across restarts. */
  engineId?: string;
  /** MIB-2 sysContact and sysLocation. */
  contact?: string;
  location?: string;
  /** SNMPv2c, off by default; when on, only from `allowedSources` and with `community`. */
  v2c?: { enabled?: boolean; community?: string; allowedSources?: string[] };
  v3Users?: SnmpV3User[];
  trapTargets?: SnmpTrapTarget[];
}

/** Thresholds above which the monitor raises an alarm; each has a default in `monitorSettings()`. */
export interface MonitorThresholds {
  /** A file system fuller than this (percent); default 90. */
  diskUsedPercent?: number;
  /** Memory applications hold, percent of physical memory; default 90. */
  memoryUsedPercent?: number;
  /** Processor load over all cores, percent, held for three polls in a row; default 95. */
  cpuLoadPercent?: number;
  /** Hottest processor sensor, °C; default 85. */
  temperatureCelsius?: number;
  /** Clock offset from the time server (chrony), milliseconds; default 1000. */
  timeOffsetMs?: number;
  /** A disk's SMART temperature, °C; default 60. */
  diskTemperatureCelsius?: number;
  /** Reallocated sectors (ATA attribute 5; NVMe media errors) of a disk; default 10. */
  diskReallocatedSectors?: number;
  /** Any hwmon temperature sensor, °C, or its driver's own critical limit when lower; default 90. */
  sensorTemperatureCelsius?: number;
  /** A fan seen turning that drops below this, rpm (or below its driver's fanN_min when higher); default 300. */
  fanMinRpm?: number;
  /** Receive plus transmit errors of a network interface per minute; default 10. */
  interfaceErrorsPerMinute?: number;
}

/** The alarm severities (alarms/alarm.ts), as a notifier's minimum. */
export type NotifySeverity = 'critical' | 'major' | 'minor' | 'warning';

/**
 * How the connection to the mail server is protected: `tls` is implicit TLS from the first
 * byte (port 465, RFC 8314), `starttls` upgrades a plain connection and refuses to go on
 * without it (port 587), `none` is plain SMTP to a relay on a trusted network (port 25).
 */
export type SmtpSecurity = 'tls' | 'starttls' | 'none';

/** Alarm e-mail through an SMTP server. */
export interface EmailNotifyConfig {
  /** Default true; false keeps the settings but sends nothing. */
  enabled?: boolean;
  /** Mail server: host name or address. */
  host: string;
  /** Default 465 for tls, 587 for starttls, 25 for none. */
  port?: number;
  /** Default starttls. */
  security?: SmtpSecurity;
  /** Verify the server's certificate against the system CAs; default true. */
  verifyCertificate?: boolean;
  /** SMTP AUTH (PLAIN/LOGIN) user; no authentication when absent. */
  user?: string;
  password?: string;
  /** Envelope and header sender, e.g. hotline@example.com. */
  from: string;
  recipients: string[];
  /** Alarms below this severity are not mailed; default minor. */
  minSeverity?: NotifySeverity;
  /** Alarm events mailed per hour at most; default 30. */
  maxPerHour?: number;
}

/** Health monitor settings. */
export interface MonitorConfig {
  /** Seconds between polls of the host and the services; default 10. */
  pollIntervalSec?: number;
  thresholds?: MonitorThresholds;
  /** Network interfaces whose link and errors raise alarms; default every interface but lo that is configured up. */
  interfaces?: string[];
  /** Alarm e-mail; none is sent when absent. */
  email?: EmailNotifyConfig;
}

/**
 * When calls are recorded: `always` from the answer, `never` (not even on demand), or
 * `on-demand` (only when a party keys *41 or the API starts it). See docs/recorder.md.
 */
export type RecordingPolicy = 'always' | 'never' | 'on-demand';

/**
 * The PBX as SIPREC client (RFC 7866): where the recording server is and which calls it
 * records. Every extension, trunk, queue and route a call touches may carry a policy; an
 * `always` anywhere wins, then `never`, then `on-demand`, then `default` (always).
 */
export interface RecordingConfig {
  /** The SRS: host (IP address) and SIP port (5080). */
  recorder: { host: string; port?: number };
  default?: RecordingPolicy;
  /** Per-extension overrides by number (the caller's, the callee's, the agent's). */
  extensions?: Record<string, RecordingPolicy>;
  /** Per carrier: a SIP trunk by name, or an analog line group as `analog:<group>` (as call records name them). */
  trunks?: Record<string, RecordingPolicy>;
  /** Per ACD queue by name (calls answered from the queue). */
  queues?: Record<string, RecordingPolicy>;
  /** Per inbound or outbound route by name (`emergency` for emergency numbers no route matched). */
  routes?: Record<string, RecordingPolicy>;
  /** Refuse calls (503) that must be recorded while the recorder is down; false: calls go on with an alarm. */
  requireRecorder?: boolean;
  /** Seconds between SIP OPTIONS probes of the recorder (default 5; 0 turns the probe off). */
  probeIntervalSec?: number;
  /** Seconds after which a pause ends by itself, so a forgotten pause cannot leave the rest of a call unrecorded (default 120; 0 = never). */
  maxPauseSec?: number;
}

/**
 * Where an inbound call goes: an extension, an IVR menu (or a time condition: they share one
 * namespace in the `ivr` section), an ACD queue, or nowhere.
 */
export type RouteDestination =
  | { kind: 'extension'; number: string }
  | { kind: 'ivr'; menu: string }
  | { kind: 'queue'; name: string }
  | { kind: 'hangup' };

/**
 * An inbound route: calls from a trunk or an FXO line whose dialled number (DID) and caller
 * number match go to `destination`. Both matchers are dial patterns (`_` prefixed, Asterisk
 * style: X Z N [..] . !) or literal numbers; a missing matcher matches anything. The first
 * matching route in the list wins.
 */
export interface InboundRouteConfig {
  name: string;
  did?: string;
  callerNumber?: string;
  destination: RouteDestination;
}

/**
 * An outbound route: digits an extension dials that match one of `patterns` go out through
 * `trunks` (SIP trunk names or analog line group names), tried in order until one takes the
 * call. `strip` leading digits are removed, then `prepend` is added.
 */
export interface OutboundRouteConfig {
  name: string;
  patterns: string[];
  strip?: number;
  prepend?: string;
  trunks: string[];
}

/** Call routing. Optional fields have defaults in `routeSettings()`. */
export interface RoutesConfig {
  inbound?: InboundRouteConfig[];
  outbound?: OutboundRouteConfig[];
  /**
   * Numbers that always go out, whatever the routes say, through every trunk and line group
   * in turn until one takes the call; default 110, 119, 120, 122 (China's police, fire,
   * ambulance, traffic) and 112.
   */
  emergencyNumbers?: string[];
}

/** How caller ID is sent to FXS phones: FSK (Bell 202 or V.23 tones) or DTMF digits, or not at all. */
export type CallerIdSignalling = 'bell202' | 'v23' | 'dtmf' | 'off';

/** One port of a card. */
export interface AnalogPortConfig {
  /** DAHDI channel number (1-based, counted across cards as DAHDI numbers them). */
  port: number;
  /** FXS feeds a phone; FXO takes a line from the exchange. */
  kind: 'FXS' | 'FXO';
  /** FXS: the extension the phone is (it must exist in /extensions). */
  extension?: string;
  /** FXO: the line group the line belongs to (it must exist in /analog/lineGroups). */
  group?: string;
  /** FXO: the number this line counts as dialled, matched by inbound routes (its DID). */
  did?: string;
  /** Echo canceller length in taps (8 per ms); 0 turns it off; default 128 (16 ms). */
  echoCancelTaps?: number;
}

/** One telephony card and the ports it has. */
export interface CardConfig {
  name: string;
  /** dahdi: the kernel driver through /dev/dahdi/channel; simulator: libdahdisim (tests and demos). */
  driver: 'dahdi' | 'simulator';
  ports: AnalogPortConfig[];
}

/** FXO lines that outbound routes use together. */
export interface LineGroupConfig {
  name: string;
  /** sequential: the lowest free line first; round-robin: the free line after the one used last. Default sequential. */
  hunt?: 'sequential' | 'round-robin';
}

/** Cards, their ports and how the analog gateway treats them. Optional fields have defaults in `analogSettings()`. */
export interface AnalogConfig {
  cards: CardConfig[];
  lineGroups?: LineGroupConfig[];
  /** Companding law on the cards; default alaw (China, Europe). */
  law?: 'alaw' | 'ulaw';
  /** Tone zone for dial, ringback and busy tones (media/src/tones); default cn. */
  toneZone?: 'cn' | 'us' | 'eu' | 'uk';
  /** Caller ID signalling to FXS phones; default bell202 (the FSK China's YDN 069 uses). */
  callerId?: CallerIdSignalling;
  /** FXO: rings before the line is answered (caller ID arrives after the first); default 2. */
  ringsBeforeAnswer?: number;
  /** FXS: seconds after the last digit before the number counts as complete; default 4. */
  interDigitTimeoutSec?: number;
  /** UDP port on 127.0.0.1 the analog gateway's SIP user agent listens on; default 5062. */
  sipPort?: number;
}

/** One SIP trunk. `host` is an IP literal (DNS for trunks is not done yet). */
export interface TrunkConfig {
  name: string;
  host: string;
  /** Default 5060. */
  port?: number;
  /** Default udp. */
  transport?: 'udp' | 'tcp';
  /** Digest credentials the carrier gives; without them the trunk is an IP-authenticated peer. */
  username?: string;
  password?: string;
  /** Register to the carrier (RFC 3261 §10.2); default true when a username is set. */
  register?: boolean;
  /** Registration interval asked for; default 3600 s. */
  expiresSec?: number;
  /** OPTIONS keepalive interval; default 30 s. */
  keepaliveSec?: number;
}

/** Metadata of one accepted configuration version, as kept in `config-history/<version>.json`. */
export interface ConfigVersion {
  version: number;
  /** ISO 8601 time the version was written. */
  savedAt: string;
  author: string;
  comment: string;
  /** SHA-256 (hex) of the pretty-printed JSON of the configuration. */
  sha256: string;
}

/** Who made a change and why; recorded with every version. */
export interface ChangeMeta {
  author: string;
  comment: string;
}

/** How a queue picks among the idle agents that may take a caller (docs/acd.md). */
export type AcdStrategy = 'ring-all' | 'longest-idle' | 'round-robin' | 'fewest-calls' | 'random' | 'linear';

/** Where a caller goes when a queue is full, empty (per joinEmpty) or the wait runs out. */
export type AcdOverflowDestination =
  | { kind: 'extension'; number: string }
  | { kind: 'queue'; name: string }
  | { kind: 'hangup' }
  /** The caller leaves a message in a voicemail box (docs/voicemail.md). */
  | { kind: 'voicemail'; box: string };

/**
 * When a caller may join a queue: always; only while some agent of the queue is logged in;
 * only while some logged-in agent is not in not-ready (busy and wrap-up count as ready).
 */
export type AcdJoinEmpty = 'always' | 'if-logged-in' | 'if-ready';

/** A skill agents may carry, with the labels supervisors read. */
export interface AcdSkillConfig {
  name: string;
  zh?: string;
  en?: string;
}

/** A skill a call needs, at a level (1..10) or better. */
export interface AcdSkillRequirement {
  skill: string;
  minLevel: number;
}

/**
 * One relaxation step: once a caller has waited `afterSec`, every required level drops by
 * `lowerLevelsBy` (cumulative over steps, never below 1), or with `anyAgent` any agent of the
 * queue will do.
 */
export interface AcdRelaxStep {
  afterSec: number;
  lowerLevelsBy?: number;
  anyAgent?: boolean;
}

/** One ACD queue. Optional fields have defaults in `acdSettings()`. */
export interface AcdQueueConfig {
  name: string;
  /** Number an extension dials (or a blind transfer names) to join the queue; 2 to 8 digits, unique among extensions, queues and menus. */
  number?: string;
  /** Default longest-idle. */
  strategy?: AcdStrategy;
  /** Seconds an offered call rings an agent before the next one is tried; default 15. */
  ringTimeoutSec?: number;
  /** Seconds a caller waits after an unanswered or rejected offer before the next offer; default 0. */
  retrySec?: number;
  /** Seconds an agent stays in wrap-up after a call from this queue; default 10. */
  wrapUpSec?: number;
  /** Longest wait before the caller overflows; 0 = no limit; default 0. */
  maxWaitSec?: number;
  /** Most callers waiting at once; a caller beyond it overflows on joining; 0 = no limit; default 0. */
  maxLength?: number;
  /** Overflow destination; default hangup. */
  overflow?: AcdOverflowDestination;
  /** Default always. */
  joinEmpty?: AcdJoinEmpty;
  /** Answered within this many seconds counts toward the service level; default 20. */
  serviceLevelSec?: number;
  /** Queues with a higher priority are served first by agents they share; default 0. */
  priority?: number;
  /** Skills every call of the queue needs; default none. */
  requiredSkills?: AcdSkillRequirement[];
  /** Steps by which the skill requirement relaxes as the wait grows, in afterSec order; default none. */
  relaxation?: AcdRelaxStep[];
  /** Position announcement interval; 0 = never; default 60. */
  announcePositionSec?: number;
  /** Estimated-wait announcement interval; 0 = never; default 0. */
  announceWaitSec?: number;
  /** Whether a caller may press a key to be called back instead of waiting; default false. */
  callbackAllowed?: boolean;
  /** The key a waiting caller presses for a callback; default `*`. */
  callbackDigit?: string;
  /** Further attempts when the called-back customer is busy or does not answer; default 2. */
  callbackRetries?: number;
  /** Seconds between callback attempts; default 60. */
  callbackRetrySec?: number;
  /** Caller numbers served as VIP (they jump ahead); default none. */
  vipNumbers?: string[];
  /** An IVR digit that marks the caller VIP; default none. */
  vipIvrDigit?: string;
  /** Priority a VIP caller gets (callers with a higher one are served first); default 10. */
  vipPriority?: number;
  /** What happens to an agent who lets an offer ring out: set not-ready (reason no-answer) or stay ready; default not-ready. */
  noAnswer?: 'not-ready' | 'stay-ready';
  /** Music-on-hold class played while waiting (rtp.musicOnHold when absent). */
  musicOnHold?: string;
}

/** One agent: a person who logs in on any phone with number and PIN. */
export interface AcdAgentConfig {
  /** Agent number, 2 to 8 digits, unique among agents. */
  number: string;
  name?: string;
  /** Login PIN, 4 to 8 digits. */
  pin?: string;
  skills?: Array<{ skill: string; level: number }>;
  /** Queues the agent serves; a lower penalty is offered calls first (default 0). */
  queues: Array<{ queue: string; penalty?: number }>;
}

/** A not-ready reason code with its labels. */
export interface AcdReasonConfig {
  code: string;
  zh: string;
  en: string;
}

/** The call-center section. Optional fields have defaults in `acdSettings()`. */
export interface AcdConfig {
  skills?: AcdSkillConfig[];
  queues?: AcdQueueConfig[];
  agents?: AcdAgentConfig[];
  notReadyReasons?: AcdReasonConfig[];
  /** Milliseconds between the CTI offer (screen pop) and the INVITE to the agent's phone; default 150. */
  screenPopLeadMs?: number;
  /** Extensions allowed to dial the supervisor feature codes *31–*36 (listen, whisper, barge, force release/not ready/logout); default none. */
  supervisors?: string[];
}

/** Where an IVR choice leads: `menu` names a menu or a time condition; `repeat` plays the current menu again. */
export type IvrDestination =
  | { kind: 'extension'; number: string }
  | { kind: 'queue'; name: string }
  | { kind: 'menu'; menu: string }
  | { kind: 'hangup' }
  | { kind: 'repeat' }
  | { kind: 'voicemail'; box: string };

/** One key of a menu. `skills` are added to the queue's requirement when the choice leads to a queue. */
export interface IvrOptionConfig {
  digit: string;
  destination: IvrDestination;
  skills?: AcdSkillRequirement[];
}

/**
 * Digit collection: after the prompt the caller keys up to `maxDigits` digits (ended early by
 * `#`); at least `minDigits` are needed, else it counts as invalid input. The digits are kept
 * with the call under `name` and reach the agent's screen (CTI).
 */
export interface IvrCollectConfig {
  name: string;
  minDigits?: number;
  maxDigits: number;
  then: IvrDestination;
}

/**
 * An IVR menu: `prompt` is played (a prompt file name without `.wav`), then the caller has
 * `timeoutSec` to press a key of `options` (or to key digits, for a collecting menu). No key or
 * a wrong one plays `timeoutPrompt`/`invalidPrompt` and the menu again, up to `maxRetries`
 * times; then the call goes to `failDestination`. Defaults in `ivrSettings()`.
 */
export interface IvrMenuConfig {
  name: string;
  /** Number an extension dials (or a blind transfer names) to hear the menu; 2 to 8 digits, unique among extensions, queues and menus. */
  number?: string;
  prompt: string;
  options?: IvrOptionConfig[];
  collect?: IvrCollectConfig;
  /** Default 5. */
  timeoutSec?: number;
  /** Default 2 (the menu is heard at most three times). */
  maxRetries?: number;
  /** Default `invalid`. */
  invalidPrompt?: string;
  /** Default `timeout`. */
  timeoutPrompt?: string;
  /** Default hangup (after the `goodbye` prompt). */
  failDestination?: IvrDestination;
}

/** Opening hours on some weekdays (1 = Monday … 7 = Sunday), `from`–`to` as HH:MM in the site's time zone. */
export interface IvrOpenHours {
  days: number[];
  from: string;
  to: string;
}

/**
 * A time condition: within `hours` and not on a holiday (`YYYY-MM-DD`, or `MM-DD` every year)
 * the call goes to menu `open`, otherwise to menu `closed`. Usable wherever a menu name is.
 */
export interface IvrTimeConditionConfig {
  name: string;
  hours: IvrOpenHours[];
  holidays?: string[];
  open: string;
  closed: string;
}

/** The IVR section. */
export interface IvrConfig {
  /** Prompt language folder tried first (`prompts/<language>/<name>.wav`); default zh-CN. */
  language?: 'zh-CN' | 'en';
  /** Extensions (admins', supervisors' phones) allowed to record prompts with `*51<n>#`; none by default. */
  promptRecorders?: string[];
  menus?: IvrMenuConfig[];
  timeConditions?: IvrTimeConditionConfig[];
}

/** One voicemail box: callers sent to it hear `greeting`, a beep, and leave a message. */
export interface VoicemailBoxConfig {
  /** The box number (1–8 digits), unique. */
  box: string;
  name: string;
  /** Extensions whose users may hear the box's messages (besides admins and supervisors). */
  owners?: string[];
  /** Prompt played before the beep; default `voicemail-greeting`. */
  greeting?: string;
  /** Longest message; recording stops by itself after it. Default 120. */
  maxMessageSec?: number;
}

/** The `voicemail` section. */
export interface VoicemailConfig {
  boxes?: VoicemailBoxConfig[];
}
