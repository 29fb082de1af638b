import type { AlarmOccurrence } from '../records/index.ts';
import type { HealthState } from './health-state.ts';

/**
 * What the monitor knows after a poll: the one structure the SNMP agent (and later the UI and
 * the patrol inspection) read. Plain data, built by the probes and the poller; times are epoch ms.
 */
export interface MonitorSnapshot {
  /** When the poll finished. */
  at: number;
  product: { name: string; version: string; site: string; configVersion: number };
  services: ServiceRow[];
  host: HostState;
  cards: CardRow[];
  ports: PortRow[];
  trunks: TrunkRow[];
  /** SIP registrations the registrar holds. */
  registrations: number;
  calls: CallRow[];
  queues: QueueRow[];
  agents: AgentRow[];
  recorder: RecorderState;
  backup: BackupState;
  ups: UpsState;
  room: RoomState;
  /** Time sync, RAID, disks, sensors, network interfaces (health-state.ts). */
  health: HealthState;
  /** External FXO/FXS gateways polled over SNMP, by configured index. */
  gateways: GatewayRow[];
  /** Active alarm occurrences, oldest first. */
  alarms: AlarmOccurrence[];
}

/** Service numbers are fixed (hlServiceIndex): an NMS keys its graphs on them. */
export const SERVICE_INDEX = { pbx: 1, mgmt: 2, analog: 3, monitor: 4, recorder: 5 } as const;
export type ServiceName = keyof typeof SERVICE_INDEX;

export interface ServiceRow {
  name: ServiceName;
  state: 'running' | 'notResponding' | 'notConfigured';
  /** Epoch ms the process started; undefined when unknown or not running. */
  startedAt?: number;
}

export interface FilesystemState {
  mount: string;
  /** Device or source, e.g. /dev/sda1. */
  device: string;
  type: string;
  sizeBytes: number;
  usedBytes: number;
}

export interface HostState {
  /** Average over all cores, percent. */
  cpuLoadPercent: number;
  /** Per core, percent (hrProcessorLoad). */
  coreLoadPercent: number[];
  memTotalBytes: number;
  memUsedBytes: number;
  swapTotalBytes: number;
  swapUsedBytes: number;
  filesystems: FilesystemState[];
  /** Hottest processor sensor, °C; null when none is readable. */
  temperatureC: number | null;
  /** Processes running on the host (hrSystemProcesses). */
  processes: number;
  /** The processes themselves (hrSWRunTable); empty when /proc is not readable. */
  processList: ProcessInfo[];
  /** Seconds the host has been up (hrSystemUptime). */
  uptimeSec: number;
}

/** One running process, as /proc shows it. */
export interface ProcessInfo {
  pid: number;
  name: string;
  path: string;
  args: string;
  /** A kernel thread (hrSWRunType operatingSystem). */
  kernel: boolean;
  /** proc(5) state letter: R running, S/D sleeping, Z zombie, T stopped... */
  state: string;
  /** CPU time used, centiseconds (hrSWRunPerfCPU). */
  cpuCs: number;
  /** Resident memory, KiB (hrSWRunPerfMem). */
  memKiB: number;
}

export interface CardRow {
  name: string;
  driver: 'dahdi' | 'simulator';
  state: 'open' | 'missing' | 'misconfigured' | 'unknown';
  alarm: 'none' | 'lineAlarm' | 'unavailable';
  ports: number;
}

export interface PortRow {
  port: number;
  card: string;
  kind: 'FXS' | 'FXO';
  /** The gateway's state word (idle, ringing, stuck-offhook...); `unknown` when it does not answer. */
  state: string;
  alarm: 'none' | 'stuckOffhook' | 'lineAlarm';
  extension: string;
  group: string;
}

export interface TrunkRow {
  name: string;
  peer: string;
  state: 'up' | 'registering' | 'unregistered' | 'down' | 'unknown';
  registration: 'notRequired' | 'registered' | 'registering' | 'refused';
  /** Epoch ms the trunk entered its state; undefined when unknown. */
  since?: number;
}

export interface CallRow {
  /** hlCallIndex: given when the monitor first sees the call, never reused. */
  index: number;
  callee: string;
  state: 'ringing' | 'answered';
  startedAt: number;
}

export interface QueueRow {
  name: string;
  waiting: number;
  longestWaitSec: number;
  agentsLoggedIn: number;
  agentsAvailable: number;
  answered: number;
  abandoned: number;
  serviceLevelPercent: number;
}

export interface AgentRow {
  number: number;
  extension: string;
  state: 'loggedOut' | 'available' | 'notReady' | 'ringing' | 'onCall' | 'wrapUp';
  since: number;
  answered: number;
}

export interface RecorderState {
  state: 'notInstalled' | 'running' | 'notResponding';
  sessions: number;
  diskFreeBytes: number;
  errors: number;
  lastFile: string;
}

export interface BackupState {
  /** Epoch ms of the last successful backup; 0 when none. */
  lastSuccessAt: number;
  lastResult: 'none' | 'success' | 'failed';
}

export interface UpsState {
  state: 'notConfigured' | 'online' | 'onBattery' | 'lowBattery' | 'commLost';
  inputVolts: number;
  outputVolts: number;
  loadPercent: number;
  batteryPercent: number;
}

export interface RoomState {
  state: 'notConfigured' | 'ok' | 'commLost';
  temperatureC: number;
  humidityPercent: number;
}

/** An external gateway as the last poll saw it (probes/gateway-probe.ts). */
export interface GatewayRow {
  /** hlGatewayIndex: the configured number. */
  index: number;
  name: string;
  /** host:port polled. */
  address: string;
  state: 'reachable' | 'unreachable';
  /** The gateway's sysUpTime in seconds at its last answer; 0 while unreachable. */
  uptimeSec: number;
  /** Epoch ms of its last answer; undefined if it never answered. */
  lastAnswerAt?: number;
  /** Why the last poll failed. */
  error?: string;
  /** Port states of its last answer, in index order. */
  ports: Array<{ port: string; value: number; up: boolean }>;
}

/** The parts before their probes fill them: the ACD and recorder (later issues), and the backup, UPS and room groups when those are absent or not configured. */
export function notYetMonitored(): Pick<MonitorSnapshot, 'queues' | 'agents' | 'recorder' | 'backup' | 'ups' | 'room'> {
  return {
    queues: [],
    agents: [],
    recorder: { state: 'notInstalled', sessions: 0, diskFreeBytes: 0, errors: 0, lastFile: '' },
    backup: { lastSuccessAt: 0, lastResult: 'none' },
    ups: { state: 'notConfigured', inputVolts: 0, outputVolts: 0, loadPercent: 0, batteryPercent: 0 },
    room: { state: 'notConfigured', temperatureC: 0, humidityPercent: 0 },
  };
}
