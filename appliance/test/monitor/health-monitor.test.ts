// The health probes inside a poll (each its own alarm scope, a failing probe keeps its alarms,
// SMART read every DISK_POLL_MS) and their HOTLINE-MIB objects: numbers and enumerations as the
// MIB defines them (snmptranslate), units as documented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import { defaultConfig, type HotlineConfig } from '../../src/config/index.ts';
import { AlarmManager } from '../../src/monitor/alarm-manager.ts';
import { DISK_POLL_MS, Monitor, type HealthProbes } from '../../src/monitor/monitor.ts';
import type { DiskHealth, HealthState, RaidArray } from '../../src/monitor/health-state.ts';
import { syntheticSnapshot } from '../../src/monitor/synthetic-snapshot.ts';
import { hotlineMib, HL_ENUMS, NO_TEMPERATURE } from '../../src/monitor/snmp/hotline-mib.ts';
import { MIB_DIR } from '../../src/monitor/snmp/mib-path.ts';
import { AlarmStore, openRecords } from '../../src/records/index.ts';

const T0 = Date.parse('2026-11-30T08:00:00Z');
const clean: RaidArray = { name: 'md0', level: 'raid1', state: 'clean', devices: 2, activeDevices: 2, failedMembers: [] };
const disk: DiskHealth = { name: 'sda', model: 'M', health: 'passed', temperatureC: 30, reallocatedSectors: 0, powerOnHours: 1 };

test('health probes in a poll: alarms per scope, a failed probe keeps its alarms, SMART read at most every 5 minutes', async (t) => {
  const db = openRecords(':memory:');
  t.after(() => db.close());
  let now = T0;
  let raid: RaidArray[] | Error = [{ ...clean, state: 'degraded', activeDevices: 1, failedMembers: ['sdb1'] }];
  let diskReads = 0;
  let disks: DiskHealth[] = [{ ...disk, health: 'failed' }];
  const health: HealthProbes = {
    time: async () => ({ state: 'unknown', source: 'none', offsetSec: null }),
    raid: async () => {
      if (raid instanceof Error) throw raid;
      return raid;
    },
    disks: async () => (diskReads++, disks),
    sensors: async () => [],
    interfaces: async () => [{ name: 'eth0', adminUp: true, operState: 'down', carrier: false, speedMbps: null, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 }],
  };
  const config: HotlineConfig = { ...defaultConfig(), monitor: { thresholds: { diskUsedPercent: 100 } } };
  const monitor = new Monitor({
    host: async () => syntheticSnapshot({ calls: 0, agents: 0 }, now).host,
    services: { pbx: async () => { throw new Error('ENOENT'); }, analog: async () => { throw new Error('never'); }, mgmtAlive: async () => true },
    alarms: new AlarmManager(new AlarmStore(db), () => now),
    config: () => ({ config, version: 1 }), productVersion: '1', startedAt: T0, log: pino({ level: 'silent' }), now: () => now, health,
  });
  const ids = (events: Array<{ kind: string; alarm: { id: string } }>) => events.map((e) => `${e.kind}:${e.alarm.id}`).filter((e) => !e.includes('service-down')).sort();

  const first = await monitor.poll();
  assert.deepEqual(ids(first.events), ['raised:disk-smart-failed:sda', 'raised:link-down:eth0', 'raised:raid-degraded:md0']);
  assert.equal(first.snapshot.health.raid[0]!.state, 'degraded');
  assert.equal(first.snapshot.health.time.state, 'unknown');

  // mdstat unreadable this poll: the RAID alarm stays (no news is not a clear), the snapshot keeps the last reading.
  raid = new Error('EIO');
  disks = [disk];
  now += 10_000;
  const second = await monitor.poll();
  assert.deepEqual(ids(second.events), []);
  assert.equal(second.snapshot.health.raid[0]!.state, 'degraded');
  assert.equal(diskReads, 1, 'SMART not read again within DISK_POLL_MS');

  raid = [clean];
  now = T0 + DISK_POLL_MS;
  const third = await monitor.poll();
  assert.deepEqual(ids(third.events), ['cleared:disk-smart-failed:sda', 'cleared:raid-degraded:md0']);
  assert.equal(diskReads, 2);
  assert.ok(third.snapshot.alarms.some((a) => a.id === 'link-down:eth0'));
});

test('hlHealth objects: enumerations equal the MIB\'s, values in their documented units', () => {
  for (const [object, labels] of [
    ['hlTimeSyncState', HL_ENUMS.timeSyncState], ['hlTimeSyncSource', HL_ENUMS.timeSyncSource], ['hlRaidState', HL_ENUMS.raidState],
    ['hlDiskHealth', HL_ENUMS.diskHealth], ['hlSensorKind', HL_ENUMS.sensorKind], ['hlNetState', HL_ENUMS.netState],
  ] as const) {
    const r = spawnSync('snmptranslate', ['-m', '+HOTLINE-MIB', '-M', `+${MIB_DIR}`, '-Td', `HOTLINE-MIB::${object}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const syntax = r.stdout.slice(r.stdout.indexOf('SYNTAX'), r.stdout.indexOf('MAX-ACCESS'));
    const inMib = [...syntax.matchAll(/(\w+)\((\d+)\)/g)].map(([, l, n]) => [l, Number(n)]);
    assert.deepEqual(inMib, Object.entries(labels), object);
  }
  const s = syntheticSnapshot({ calls: 0, agents: 0 }, T0);
  const v = hotlineMib.values(s, T0);
  assert.equal(v.scalars.get('hlTimeSyncState'), 1);
  assert.equal(v.scalars.get('hlTimeSyncSource'), 2);
  assert.equal(v.scalars.get('hlTimeOffset'), -123, 'microseconds');
  const tab = (name: string) => v.tables.get(name)!.map((row) => row.map((c) => (Buffer.isBuffer(c) ? c.toString('utf8') : c)));
  assert.deepEqual(tab('hlRaidTable'), [['md0', 'raid1', 3, 2, 1, 175]]);
  assert.deepEqual(tab('hlDiskTable'), [['sda', 'Samsung SSD 860 EVO 500GB', 1, 31, 0, 12345], ['sdb', '', 3, NO_TEMPERATURE, 0, 0]]);
  assert.deepEqual(tab('hlSensorTable'), [['coretemp/Package id 0', 1, 525, 1000], ['nct6775/fan2', 2, 1250, 0]]);
  assert.deepEqual(tab('hlNetTable'), [['eth0', 1, 1000, 3, 0, 12, 0], ['eth1', 2, 0, 0, 0, 0, 0]]);
  const health: HealthState = { ...s.health, interfaces: [{ ...s.health.interfaces[0]!, rxErrors: 2 ** 32 + 5, adminUp: false }], time: { state: 'unknown', source: 'none', offsetSec: null } };
  const w = hotlineMib.values({ ...s, health }, T0);
  assert.deepEqual(w.tables.get('hlNetTable')![0]!.slice(1, 4), [3, 1000, 5], 'adminDown; Counter32 wraps');
  assert.equal(w.scalars.get('hlTimeOffset'), 0);
  assert.equal(w.scalars.get('hlTimeSyncState'), 3);
});
