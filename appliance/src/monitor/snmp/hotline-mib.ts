import { SERVICE_INDEX, type MonitorSnapshot } from '../snapshot.ts';
import { linkDown, type InterfaceState } from '../health-state.ts';
import { HL_OBJECTS } from './oids.ts';
import { enumValue, i32, secondsSince, u32, unixTime, utf8, type ColumnDef, type MibData, type MibModule, type MibValue, type ScalarDef, type TableDef } from './mib-model.ts';

// HOTLINE-MIB (appliance/mibs/HOTLINE-MIB.txt) as the agent serves it. Object names, numbers
// and enumerations here must match the MIB file; the unit test walks both to check that.

const o = (sub: string) => `${HL_OBJECTS}.${sub}`;
const scalar = (name: string, sub: string, syntax: ScalarDef['syntax']): ScalarDef => ({ name, oid: o(sub), syntax });
const col = (number: number, name: string, syntax: ColumnDef['syntax']): ColumnDef => ({ number, name, syntax });

const SCALARS: ScalarDef[] = [
  scalar('hlProductName', '1.1', 'OctetString'),
  scalar('hlProductVersion', '1.2', 'OctetString'),
  scalar('hlSiteName', '1.3', 'OctetString'),
  scalar('hlConfigVersion', '1.4', 'Unsigned32'),
  scalar('hlCpuLoad', '3.1', 'Gauge32'),
  scalar('hlMemoryTotal', '3.2', 'Gauge32'),
  scalar('hlMemoryUsed', '3.3', 'Gauge32'),
  scalar('hlDiskUsedMax', '3.4', 'Gauge32'),
  scalar('hlTemperature', '3.5', 'Integer32'),
  scalar('hlActiveCalls', '6.1', 'Gauge32'),
  scalar('hlRegisteredEndpoints', '6.2', 'Gauge32'),
  scalar('hlRecorderState', '8.1', 'Integer32'),
  scalar('hlRecorderSessions', '8.2', 'Gauge32'),
  scalar('hlRecorderDiskFree', '8.3', 'Gauge32'),
  scalar('hlRecorderErrors', '8.4', 'Counter32'),
  scalar('hlRecorderLastFile', '8.5', 'OctetString'),
  scalar('hlBackupLastSuccess', '9.1', 'Unsigned32'),
  scalar('hlBackupLastResult', '9.2', 'Integer32'),
  scalar('hlUpsState', '10.1', 'Integer32'),
  scalar('hlUpsInputVoltage', '10.2', 'Gauge32'),
  scalar('hlUpsOutputVoltage', '10.3', 'Gauge32'),
  scalar('hlUpsLoad', '10.4', 'Gauge32'),
  scalar('hlUpsBatteryCharge', '10.5', 'Gauge32'),
  scalar('hlRoomSensorState', '11.1', 'Integer32'),
  scalar('hlRoomTemperature', '11.2', 'Integer32'),
  scalar('hlRoomHumidity', '11.3', 'Gauge32'),
  scalar('hlAlarmActiveCount', '12.1', 'Gauge32'),
  scalar('hlGatewayCount', '13.1', 'Gauge32'),
  scalar('hlTimeSyncState', '14.1.1', 'Integer32'),
  scalar('hlTimeSyncSource', '14.1.2', 'Integer32'),
  scalar('hlTimeOffset', '14.1.3', 'Integer32'),
];

const TABLES: TableDef[] = [
  {
    name: 'hlServiceTable', entryOid: o('2.1.1'), index: col(1, 'hlServiceIndex', 'Integer32') as TableDef['index'],
    columns: [col(2, 'hlServiceName', 'OctetString'), col(3, 'hlServiceState', 'Integer32'), col(4, 'hlServiceUptime', 'Unsigned32')],
  },
  {
    name: 'hlCardTable', entryOid: o('4.1.1'), index: col(1, 'hlCardName', 'OctetString') as TableDef['index'],
    columns: [col(2, 'hlCardDriver', 'Integer32'), col(3, 'hlCardState', 'Integer32'), col(4, 'hlCardAlarm', 'Integer32'), col(5, 'hlCardPorts', 'Gauge32')],
  },
  {
    name: 'hlPortTable', entryOid: o('4.2.1'), index: col(1, 'hlPortNumber', 'Integer32') as TableDef['index'],
    columns: [
      col(2, 'hlPortCard', 'OctetString'), col(3, 'hlPortKind', 'Integer32'), col(4, 'hlPortState', 'Integer32'), col(5, 'hlPortAlarm', 'Integer32'),
      col(6, 'hlPortExtension', 'OctetString'), col(7, 'hlPortGroup', 'OctetString'),
    ],
  },
  {
    name: 'hlTrunkTable', entryOid: o('5.1.1'), index: col(1, 'hlTrunkName', 'OctetString') as TableDef['index'],
    columns: [col(2, 'hlTrunkPeer', 'OctetString'), col(3, 'hlTrunkState', 'Integer32'), col(4, 'hlTrunkRegistration', 'Integer32'), col(5, 'hlTrunkStateDuration', 'Unsigned32')],
  },
  {
    name: 'hlCallTable', entryOid: o('6.3.1'), index: col(1, 'hlCallIndex', 'Unsigned32') as TableDef['index'],
    columns: [col(2, 'hlCallCallee', 'OctetString'), col(3, 'hlCallState', 'Integer32'), col(4, 'hlCallDuration', 'Unsigned32')],
  },
  {
    name: 'hlQueueTable', entryOid: o('7.1.1'), index: col(1, 'hlQueueName', 'OctetString') as TableDef['index'],
    columns: [
      col(2, 'hlQueueWaiting', 'Gauge32'), col(3, 'hlQueueLongestWait', 'Gauge32'), col(4, 'hlQueueAgentsLoggedIn', 'Gauge32'),
      col(5, 'hlQueueAgentsAvailable', 'Gauge32'), col(6, 'hlQueueAnswered', 'Counter32'), col(7, 'hlQueueAbandoned', 'Counter32'),
      col(8, 'hlQueueServiceLevel', 'Gauge32'),
    ],
  },
  {
    name: 'hlAgentTable', entryOid: o('7.2.1'), index: col(1, 'hlAgentNumber', 'Unsigned32') as TableDef['index'],
    columns: [col(2, 'hlAgentExtension', 'OctetString'), col(3, 'hlAgentState', 'Integer32'), col(4, 'hlAgentStateDuration', 'Unsigned32'), col(5, 'hlAgentAnswered', 'Counter32')],
  },
  {
    name: 'hlAlarmTable', entryOid: o('12.2.1'), index: col(1, 'hlAlarmIndex', 'Unsigned32') as TableDef['index'],
    columns: [
      col(2, 'hlAlarmId', 'OctetString'), col(3, 'hlAlarmSeverity', 'Integer32'), col(4, 'hlAlarmSource', 'OctetString'),
      col(5, 'hlAlarmText', 'OctetString'), col(6, 'hlAlarmTextZh', 'OctetString'), col(7, 'hlAlarmRaisedTime', 'Unsigned32'),
    ],
  },
  {
    name: 'hlGatewayTable', entryOid: o('13.2.1'), index: col(1, 'hlGatewayIndex', 'Unsigned32') as TableDef['index'],
    columns: [
      col(2, 'hlGatewayName', 'OctetString'), col(3, 'hlGatewayAddress', 'OctetString'), col(4, 'hlGatewayState', 'Integer32'), col(5, 'hlGatewayUptime', 'Unsigned32'),
      col(6, 'hlGatewayPortsTotal', 'Gauge32'), col(7, 'hlGatewayPortsDown', 'Gauge32'), col(8, 'hlGatewayLastAnswer', 'Unsigned32'),
    ],
  },
  {
    name: 'hlRaidTable', entryOid: o('14.2.1'), index: col(1, 'hlRaidName', 'OctetString') as TableDef['index'],
    columns: [
      col(2, 'hlRaidLevel', 'OctetString'), col(3, 'hlRaidState', 'Integer32'), col(4, 'hlRaidDevices', 'Gauge32'), col(5, 'hlRaidActiveDevices', 'Gauge32'),
      col(6, 'hlRaidRebuildProgress', 'Gauge32'),
    ],
  },
  {
    name: 'hlDiskTable', entryOid: o('14.3.1'), index: col(1, 'hlDiskName', 'OctetString') as TableDef['index'],
    columns: [
      col(2, 'hlDiskModel', 'OctetString'), col(3, 'hlDiskHealth', 'Integer32'), col(4, 'hlDiskTemperature', 'Integer32'),
      col(5, 'hlDiskReallocatedSectors', 'Gauge32'), col(6, 'hlDiskPowerOnHours', 'Gauge32'),
    ],
  },
  {
    name: 'hlSensorTable', entryOid: o('14.4.1'), index: col(1, 'hlSensorName', 'OctetString') as TableDef['index'],
    columns: [col(2, 'hlSensorKind', 'Integer32'), col(3, 'hlSensorValue', 'Integer32'), col(4, 'hlSensorLimit', 'Integer32')],
  },
  {
    name: 'hlNetTable', entryOid: o('14.5.1'), index: col(1, 'hlNetName', 'OctetString') as TableDef['index'],
    columns: [
      col(2, 'hlNetState', 'Integer32'), col(3, 'hlNetSpeed', 'Gauge32'), col(4, 'hlNetRxErrors', 'Counter32'), col(5, 'hlNetTxErrors', 'Counter32'),
      col(6, 'hlNetRxDropped', 'Counter32'), col(7, 'hlNetTxDropped', 'Counter32'),
    ],
  },
];

/** Enumerations of the MIB, by label. */
export const HL_ENUMS = {
  serviceState: { running: 1, notResponding: 2, notConfigured: 3 },
  cardDriver: { dahdi: 1, simulator: 2 },
  cardState: { open: 1, missing: 2, misconfigured: 3, unknown: 4 },
  cardAlarm: { none: 1, lineAlarm: 2, unavailable: 3 },
  portKind: { FXS: 1, FXO: 2 },
  portState: { other: 1, idle: 2, dialtone: 3, dialing: 4, ringing: 5, connected: 6, 'busy-tone': 7, 'stuck-offhook': 8, seized: 9, alarm: 10 },
  portAlarm: { none: 1, stuckOffhook: 2, lineAlarm: 3 },
  trunkState: { up: 1, registering: 2, unregistered: 3, down: 4, unknown: 5 },
  trunkRegistration: { notRequired: 1, registered: 2, registering: 3, refused: 4 },
  callState: { ringing: 1, answered: 2 },
  agentState: { loggedOut: 1, available: 2, notReady: 3, ringing: 4, onCall: 5, wrapUp: 6 },
  recorderState: { notInstalled: 1, running: 2, notResponding: 3 },
  backupResult: { none: 1, success: 2, failed: 3 },
  upsState: { notConfigured: 1, online: 2, onBattery: 3, lowBattery: 4, commLost: 5 },
  roomState: { notConfigured: 1, ok: 2, commLost: 3 },
  /** HlPerceivedSeverity: ItuPerceivedSeverity numbering (RFC 3877). */
  severity: { cleared: 1, indeterminate: 2, critical: 3, major: 4, minor: 5, warning: 6 },
  timeSyncState: { synchronized: 1, unsynchronized: 2, unknown: 3 },
  timeSyncSource: { none: 1, chrony: 2, timedatectl: 3 },
  raidState: { clean: 1, degraded: 2, rebuilding: 3, inactive: 4 },
  diskHealth: { passed: 1, failed: 2, unknown: 3 },
  sensorKind: { temperature: 1, fan: 2 },
  netState: { up: 1, linkDown: 2, adminDown: 3, unknown: 4 },
  gatewayState: { reachable: 1, unreachable: 2 },
} as const;

/** hlNetState of one interface: configured down, up without link, up with link, or the driver does not say. */
function netState(i: InterfaceState): keyof typeof HL_ENUMS.netState {
  if (!i.adminUp) return 'adminDown';
  if (linkDown(i)) return 'linkDown';
  return i.operState === 'up' || i.carrier === true ? 'up' : 'unknown';
}

/** hlTemperature when no sensor is readable (the MIB's documented sentinel). */
export const NO_TEMPERATURE = -1000;

const KiB = 1024;
const MiB = 1024 * 1024;

function values(s: MonitorSnapshot, now: number): MibData {
  const E = HL_ENUMS;
  const scalars = new Map<string, MibValue>([
    ['hlProductName', utf8(s.product.name, 64)],
    ['hlProductVersion', utf8(s.product.version, 64)],
    ['hlSiteName', utf8(s.product.site)],
    ['hlConfigVersion', u32(s.product.configVersion)],
    ['hlCpuLoad', u32(Math.min(100, Math.round(s.host.cpuLoadPercent)))],
    ['hlMemoryTotal', u32(s.host.memTotalBytes / KiB)],
    ['hlMemoryUsed', u32(s.host.memUsedBytes / KiB)],
    ['hlDiskUsedMax', u32(Math.max(0, ...s.host.filesystems.map(usedPercent)))],
    ['hlTemperature', s.host.temperatureC === null ? NO_TEMPERATURE : i32(s.host.temperatureC * 10, -999, 2000)],
    ['hlActiveCalls', u32(s.calls.length)],
    ['hlRegisteredEndpoints', u32(s.registrations)],
    ['hlRecorderState', E.recorderState[s.recorder.state]],
    ['hlRecorderSessions', u32(s.recorder.sessions)],
    ['hlRecorderDiskFree', u32(s.recorder.diskFreeBytes / MiB)],
    ['hlRecorderErrors', u32(s.recorder.errors)],
    ['hlRecorderLastFile', utf8(s.recorder.lastFile)],
    ['hlBackupLastSuccess', unixTime(s.backup.lastSuccessAt)],
    ['hlBackupLastResult', E.backupResult[s.backup.lastResult]],
    ['hlUpsState', E.upsState[s.ups.state]],
    ['hlUpsInputVoltage', u32(s.ups.inputVolts * 10)],
    ['hlUpsOutputVoltage', u32(s.ups.outputVolts * 10)],
    ['hlUpsLoad', u32(Math.min(200, s.ups.loadPercent))],
    ['hlUpsBatteryCharge', u32(Math.min(100, s.ups.batteryPercent))],
    ['hlRoomSensorState', E.roomState[s.room.state]],
    ['hlRoomTemperature', i32(s.room.temperatureC * 10, -1000, 1500)],
    ['hlRoomHumidity', u32(Math.min(1000, s.room.humidityPercent * 10))],
    ['hlAlarmActiveCount', u32(s.alarms.length)],
    ['hlGatewayCount', u32(s.gateways.length)],
    ['hlTimeSyncState', E.timeSyncState[s.health.time.state]],
    ['hlTimeSyncSource', E.timeSyncSource[s.health.time.source]],
    ['hlTimeOffset', s.health.time.offsetSec === null ? 0 : i32(s.health.time.offsetSec * 1e6)],
  ]);
  const tables = new Map<string, MibValue[][]>([
    ['hlServiceTable', s.services.map((r) => [
      SERVICE_INDEX[r.name], utf8(r.name, 32), E.serviceState[r.state], r.state === 'running' ? secondsSince(r.startedAt, now) : 0,
    ])],
    ['hlCardTable', s.cards.map((c) => [utf8(c.name, 32), E.cardDriver[c.driver], E.cardState[c.state], E.cardAlarm[c.alarm], u32(c.ports)])],
    ['hlPortTable', s.ports.map((p) => [
      p.port, utf8(p.card, 32), E.portKind[p.kind], enumValue(E.portState, p.state, E.portState.other), E.portAlarm[p.alarm], utf8(p.extension, 8), utf8(p.group, 32),
    ])],
    ['hlTrunkTable', s.trunks.map((t) => [utf8(t.name, 32), utf8(t.peer, 64), E.trunkState[t.state], E.trunkRegistration[t.registration], secondsSince(t.since, now)])],
    ['hlCallTable', s.calls.map((c) => [c.index, utf8(c.callee, 64), E.callState[c.state], secondsSince(c.startedAt, now)])],
    ['hlQueueTable', s.queues.map((q) => [
      utf8(q.name, 32), u32(q.waiting), u32(q.longestWaitSec), u32(q.agentsLoggedIn), u32(q.agentsAvailable), u32(q.answered), u32(q.abandoned),
      u32(Math.min(100, q.serviceLevelPercent)),
    ])],
    ['hlAgentTable', s.agents.map((a) => [a.number, utf8(a.extension, 8), E.agentState[a.state], secondsSince(a.since, now), u32(a.answered)])],
    ['hlAlarmTable', s.alarms.map((a) => [
      a.seq, utf8(a.id, 128), E.severity[a.severity], utf8(a.source, 128), utf8(a.text.en), utf8(a.text.zh), unixTime(a.raisedAt),
    ])],
    ['hlGatewayTable', s.gateways.map((g) => [
      g.index, utf8(g.name, 32), utf8(g.address, 64), E.gatewayState[g.state], u32(g.uptimeSec),
      u32(g.ports.length), u32(g.ports.filter((p) => !p.up).length), unixTime(g.lastAnswerAt),
    ])],
    ['hlRaidTable', s.health.raid.map((r) => [
      utf8(r.name, 32), utf8(r.level, 16), E.raidState[r.state], u32(r.devices), u32(r.activeDevices), u32(Math.min(1000, (r.rebuildPercent ?? 0) * 10)),
    ])],
    ['hlDiskTable', s.health.disks.map((d) => [
      utf8(d.name, 32), utf8(d.model, 64), E.diskHealth[d.health], d.temperatureC === null ? NO_TEMPERATURE : i32(d.temperatureC, -999, 200),
      u32(d.reallocatedSectors ?? 0), u32(d.powerOnHours ?? 0),
    ])],
    ['hlSensorTable', s.health.sensors.map((x) => {
      const scale = x.kind === 'temperature' ? 10 : 1;
      return [utf8(x.name, 64), E.sensorKind[x.kind], i32(x.value * scale), x.limit === null ? 0 : i32(x.limit * scale)];
    })],
    ['hlNetTable', s.health.interfaces.map((i) => [
      utf8(i.name, 15), E.netState[netState(i)], u32(i.speedMbps ?? 0), counter32(i.rxErrors), counter32(i.txErrors), counter32(i.rxDropped), counter32(i.txDropped),
    ])],
  ]);
  return { scalars, tables };
}

/** A Counter32 wraps at 2^32 (RFC 2578 §7.1.6); the kernel's counters are 64-bit. */
function counter32(n: number): number {
  return n % 2 ** 32;
}

function usedPercent(f: { sizeBytes: number; usedBytes: number }): number {
  return f.sizeBytes > 0 ? Math.round((f.usedBytes / f.sizeBytes) * 100) : 0;
}

/** HOTLINE-MIB's objects, filled from a monitor snapshot. */
export const hotlineMib: MibModule<MonitorSnapshot> = { scalars: SCALARS, tables: TABLES, values };
