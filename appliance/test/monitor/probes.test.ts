import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MONITOR_THRESHOLDS, defaultConfig, type HotlineConfig } from '../../src/config/index.ts';
import type { PbxStatus } from '../../src/control/index.ts';
import type { AnalogStatus } from '../../src/analog/analog-status.ts';
import { CPU_POLLS_BEFORE_ALARM, hostAlarms } from '../../src/monitor/probes/host-alarms.ts';
import { serviceAlarms } from '../../src/monitor/probes/service-alarms.ts';
import { CallIndexer, cardRows, trunkRows } from '../../src/monitor/telephony-state.ts';
import { syntheticSnapshot } from '../../src/monitor/synthetic-snapshot.ts';
import { alarmTrap } from '../../src/monitor/snmp/traps.ts';
import { HL_ALARM_CLEARED, HL_ALARM_RAISED } from '../../src/monitor/snmp/oids.ts';

const AT = '2026-11-30T08:00:00.000Z';

test('host alarms: a file system at or over the threshold, memory, sustained CPU load, temperature', () => {
  const host = syntheticSnapshot({ calls: 0, agents: 0 }).host; // / at 40 %, /var/lib/hotline at 50 %
  assert.deepEqual(hostAlarms(host, DEFAULT_MONITOR_THRESHOLDS, 0, AT), []);
  const low = { ...DEFAULT_MONITOR_THRESHOLDS, diskUsedPercent: 45 };
  const disk = hostAlarms(host, low, 0, AT);
  assert.deepEqual(disk.map((a) => [a.id, a.severity, a.source]), [['disk-usage:/var/lib/hotline', 'major', 'host/fs/var/lib/hotline']]);
  assert.match(disk[0]!.text.zh, /文件系统 \/var\/lib\/hotline 已用 50%（阈值 45%）/);
  assert.deepEqual(hostAlarms(host, DEFAULT_MONITOR_THRESHOLDS, CPU_POLLS_BEFORE_ALARM - 1, AT), [], 'a short burst is no alarm');
  assert.deepEqual(hostAlarms(host, DEFAULT_MONITOR_THRESHOLDS, CPU_POLLS_BEFORE_ALARM, AT).map((a) => a.id), ['cpu-load']);
  assert.deepEqual(hostAlarms({ ...host, temperatureC: 90 }, DEFAULT_MONITOR_THRESHOLDS, 0, AT).map((a) => a.id), ['temperature']);
  assert.deepEqual(hostAlarms({ ...host, temperatureC: null }, DEFAULT_MONITOR_THRESHOLDS, 0, AT), [], 'no sensor, no alarm');
  assert.deepEqual(hostAlarms({ ...host, memUsedBytes: host.memTotalBytes }, DEFAULT_MONITOR_THRESHOLDS, 0, AT).map((a) => a.id), ['memory-usage']);
});

test('service alarms: only services that should run and do not answer; the PBX is critical', () => {
  const alarms = serviceAlarms([
    { name: 'pbx', state: 'notResponding' }, { name: 'mgmt', state: 'running' }, { name: 'analog', state: 'notConfigured' }, { name: 'recorder', state: 'notConfigured' },
  ], AT);
  assert.deepEqual(alarms.map((a) => [a.id, a.severity]), [['service-down:pbx', 'critical']]);
});

test('call indexes: a call keeps its number across polls, numbers are not reused after a call ends', () => {
  const idx = new CallIndexer();
  const call = (callId: string) => ({ callId, caller: '13800000000', callee: '1001', state: 'answered' as const, startedAt: AT });
  assert.deepEqual(idx.rows([call('a'), call('b')]).map((c) => c.index), [1, 2]);
  assert.deepEqual(idx.rows([call('b'), call('c')]).map((c) => c.index), [2, 3]);
  assert.deepEqual(idx.rows([call('a')]).map((c) => c.index), [4], 'a call id seen again after it ended is a new call');
});

const config = (): HotlineConfig => ({
  ...defaultConfig(),
  extensions: [{ number: '2001', secret: 'secret-2001', maxContacts: 5, callWaiting: false }],
  trunks: [{ name: 'carrier-a', host: '192.0.2.1', username: 'u', password: 'p' }, { name: 'gw', host: '192.0.2.2' }],
  analog: {
    cards: [{ name: 'span1', driver: 'simulator', ports: [{ port: 1, kind: 'FXS', extension: '2001' }, { port: 2, kind: 'FXO', group: 'pstn' }] }],
    lineGroups: [{ name: 'pstn' }],
  },
});

test('trunk rows: configured trunks in the PBX\'s state; registration from the register flag; unknown without the PBX', () => {
  const pbx = { trunks: [
    { name: 'carrier-a', host: '192.0.2.1', port: 5060, transport: 'udp', state: 'unregistered', since: AT },
    { name: 'gw', host: '192.0.2.2', port: 5060, transport: 'udp', state: 'up', since: AT },
  ] } as PbxStatus;
  assert.deepEqual(trunkRows(config(), pbx).map((t) => [t.name, t.peer, t.state, t.registration]), [
    ['carrier-a', '192.0.2.1:5060', 'unregistered', 'refused'],
    ['gw', '192.0.2.2:5060', 'up', 'notRequired'],
  ]);
  assert.deepEqual(trunkRows(config(), undefined).map((t) => t.state), ['unknown', 'unknown']);
});

test('card and port rows: line alarm and stuck phone from the gateway, unavailable card, unknown when it does not answer', () => {
  const analog = {
    card: { state: 'open', since: AT },
    ports: [
      { port: 1, kind: 'FXS', card: 'span1', state: 'stuck-offhook', since: AT },
      { port: 2, kind: 'FXO', card: 'span1', state: 'alarm', since: AT },
    ],
  } as AnalogStatus;
  const { cards, ports } = cardRows(config(), analog);
  assert.deepEqual(cards, [{ name: 'span1', driver: 'simulator', state: 'open', alarm: 'lineAlarm', ports: 2 }]);
  assert.deepEqual(ports.map((p) => [p.port, p.state, p.alarm, p.extension, p.group]), [[1, 'stuck-offhook', 'stuckOffhook', '2001', ''], [2, 'alarm', 'lineAlarm', '', 'pstn']]);
  assert.equal(cardRows(config(), { ...analog, card: { state: 'missing', since: AT } }).cards[0]!.alarm, 'unavailable');
  const silent = cardRows(config(), undefined);
  assert.equal(silent.cards[0]!.state, 'unknown');
  assert.deepEqual(silent.ports.map((p) => p.state), ['unknown', 'unknown']);
  assert.deepEqual(cardRows(defaultConfig(), undefined), { cards: [], ports: [] }, 'no card configured, no rows');
});

test('trap varbinds: hlAlarmRaised/hlAlarmCleared with the occurrence number as every instance; a clear says cleared(1)', () => {
  const alarm = { seq: 42, id: 'disk-usage:/', scope: 'host', severity: 'major' as const, source: 'host/fs', text: { en: 'full', zh: '满' }, raisedAt: Date.parse(AT) };
  const raised = alarmTrap({ kind: 'raised', alarm });
  assert.equal(raised.oid, HL_ALARM_RAISED);
  assert.deepEqual(raised.varbinds.map((v) => v.oid.split('.').slice(-2).join('.')), ['2.42', '3.42', '4.42', '5.42', '6.42', '7.42']);
  assert.equal(raised.varbinds[1]!.value, 4, 'major(4)');
  assert.deepEqual(raised.varbinds[4]!.value, Buffer.from('满'));
  assert.equal(raised.varbinds[5]!.value, Date.parse(AT) / 1000);
  const cleared = alarmTrap({ kind: 'cleared', alarm: { ...alarm, clearedAt: Date.parse(AT) + 1000 } });
  assert.equal(cleared.oid, HL_ALARM_CLEARED);
  assert.equal(cleared.varbinds[1]!.value, 1, 'cleared(1)');
});

test('proc stat lines: comm with spaces and parentheses, CPU ticks to centiseconds, RSS pages to KiB', async () => {
  const { parseProcStat } = await import('../../src/monitor/probes/process-probe.ts');
  const line = '4242 (node (pbx) x) R 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 12345 1000000 2500 18446744073709551615';
  assert.deepEqual(parseProcStat(line), { pid: 4242, comm: 'node (pbx) x', state: 'R', ppid: 1, cpuCs: 300, rssKiB: 10_000 });
  assert.equal(parseProcStat('garbage'), undefined);
  assert.equal(parseProcStat('12 (short) S 1 2'), undefined);
});
