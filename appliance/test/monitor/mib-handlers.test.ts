import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hotlineMib, HL_ENUMS, NO_TEMPERATURE } from '../../src/monitor/snmp/hotline-mib.ts';
import { hostResourcesMib, systemGroup } from '../../src/monitor/snmp/standard-mibs.ts';
import { MibView, compareOid, parseOid } from '../../src/monitor/snmp/mib-builder.ts';
import { utf8, u32 } from '../../src/monitor/snmp/mib-model.ts';
import { MIB_DIR } from '../../src/monitor/snmp/mib-path.ts';
import { syntheticSnapshot } from '../../src/monitor/synthetic-snapshot.ts';

const NOW = Date.parse('2026-11-30T08:00:00Z');

test('every object the agent serves has the OID HOTLINE-MIB gives its name (checked with snmptranslate)', () => {
  const objects = [
    ...hotlineMib.scalars.map((s) => [s.name, s.oid] as const),
    ...hotlineMib.tables.flatMap((t) => [t.index, ...t.columns].map((c) => [c.name, `${t.entryOid}.${c.number}`] as const)),
  ];
  const r = spawnSync('snmptranslate', ['-m', '+HOTLINE-MIB', '-M', `+${MIB_DIR}`, '-On', ...objects.map(([n]) => `HOTLINE-MIB::${n}`)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').filter(Boolean), objects.map(([, oid]) => `.${oid}`));
});

test('enumerations match the MIB\'s labels and numbers', () => {
  const r = spawnSync('snmptranslate', ['-m', '+HOTLINE-MIB', '-M', `+${MIB_DIR}`, '-Td', 'HOTLINE-MIB::hlTrunkState'], { encoding: 'utf8' });
  for (const [label, n] of Object.entries(HL_ENUMS.trunkState)) assert.match(r.stdout, new RegExp(`${label}\\(${n}\\)`));
  const sev = spawnSync('snmptranslate', ['-m', '+HOTLINE-MIB', '-M', `+${MIB_DIR}`, '-Td', 'HOTLINE-MIB::hlAlarmSeverity'], { encoding: 'utf8' });
  for (const [label, n] of Object.entries(HL_ENUMS.severity)) assert.match(sev.stdout, new RegExp(`${label}\\(${n}\\)`));
});

test('scalars: gauges are numbers in their units, missing sensors use the documented sentinel', () => {
  const s = syntheticSnapshot({ calls: 3, agents: 4 }, NOW);
  const v = hotlineMib.values(s, NOW).scalars;
  assert.equal(v.get('hlActiveCalls'), 3);
  assert.equal(v.get('hlMemoryTotal'), 8 * 1024 * 1024, 'KiB');
  assert.equal(v.get('hlDiskUsedMax'), 50, 'the fullest file system, percent');
  assert.equal(v.get('hlTemperature'), 525, 'tenths of a degree');
  assert.equal(v.get('hlAlarmActiveCount'), 2);
  s.host.temperatureC = null;
  assert.equal(hotlineMib.values(s, NOW).scalars.get('hlTemperature'), NO_TEMPERATURE);
  assert.deepEqual(v.get('hlSiteName'), Buffer.from('供水热线 Water hotline'));
});

test('table rows: stable indexes, enumerations, durations from the snapshot time', () => {
  const s = syntheticSnapshot({ calls: 2, agents: 1 }, NOW);
  const t = hotlineMib.values(s, NOW + 10_000).tables;
  assert.deepEqual(t.get('hlServiceTable')!.map((r) => [r[0], r[2]]), [[1, 1], [2, 1], [3, 1], [4, 1], [5, 3]]);
  assert.equal(t.get('hlServiceTable')![0]![3], 3610, 'pbx uptime in seconds');
  assert.deepEqual(t.get('hlCallTable')![1], [2, Buffer.from('1001'), HL_ENUMS.callState.answered, 11]);
  const trunk = t.get('hlTrunkTable')![0]!;
  assert.deepEqual(trunk[0], Buffer.from('carrier-1'), 'indexed by the configured name');
  assert.equal(trunk[2], HL_ENUMS.trunkState.up);
  const alarm = t.get('hlAlarmTable')![0]!;
  assert.equal(alarm[0], 1);
  assert.equal(alarm[2], HL_ENUMS.severity.major);
  assert.equal((alarm[5] as Buffer).toString('utf8'), '中继 carrier-x0 无响应');
  assert.equal(alarm[6], Math.floor((NOW - 60_000) / 1000), 'HlUnixTime seconds');
  const port = t.get('hlPortTable')![0]!;
  assert.equal(port[3], HL_ENUMS.portState.connected);
  s.ports[0]!.state = 'something-new';
  assert.equal(hotlineMib.values(s, NOW).tables.get('hlPortTable')![0]![3], HL_ENUMS.portState.other, 'an unknown state word is other(1), never an error');
});

test('UTF-8 text is cut at a character boundary, gauges stick at 2^32-1 and never go negative', () => {
  const zh = '告警'.repeat(100);
  const b = utf8(zh, 255);
  assert.ok(b.length <= 255);
  assert.equal(b.length % 3, 0, 'whole three-byte characters only');
  assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(b));
  assert.equal(u32(2 ** 40), 0xffffffff);
  assert.equal(u32(-5), 0);
  assert.equal(u32(Number.NaN), 0);
});

test('host resources: RAM, swap and each file system in hrStorageTable, processor load per core', () => {
  const s = syntheticSnapshot({ calls: 0, agents: 0 }, NOW);
  const v = hostResourcesMib.values(s.host, NOW);
  const storage = v.tables.get('hrStorageTable')!;
  assert.deepEqual(storage.map((r) => r[0]), [1, 3, 31, 32]);
  assert.deepEqual(storage[2]!.slice(2, 6), [Buffer.from('/'), 4096, 50 * 2 ** 30 / 4096, 20 * 2 ** 30 / 4096]);
  assert.deepEqual(v.tables.get('hrProcessorTable'), [[196608, '0.0', 40], [196609, '0.0', 35]]);
  const run = v.tables.get('hrSWRunTable')!;
  assert.deepEqual(run.map((r) => [r[0], (r[1] as Buffer).toString(), r[5], r[6]]), [[1, 'systemd', 4, 2], [2, 'kthreadd', 2, 2], [4242, 'node', 4, 1]], 'pid, name, type (os/application), status');
  assert.deepEqual(v.tables.get('hrSWRunPerfTable')![2], [4242, 98_000, 180_000]);
});

test('the MIB view answers GetNext in OID order across modules and ends with no instance', () => {
  const s = syntheticSnapshot({ calls: 20, agents: 30 }, NOW);
  const sys = systemGroup(() => NOW);
  const view = new MibView([
    { module: sys, data: sys.values({ descr: 'Hotline', name: 'hl', contact: '', location: '', agentStartedAt: NOW }, NOW) },
    { module: hostResourcesMib, data: hostResourcesMib.values(s.host, NOW) },
    { module: hotlineMib, data: hotlineMib.values(s, NOW) },
  ]);
  const seen: string[] = [];
  let oid = '1.3.6.1';
  for (;;) {
    const n = view.next(oid);
    if (!n) break;
    seen.push(n.oid);
    oid = n.oid;
  }
  assert.equal(seen.length, view.size);
  assert.equal(seen[0], '1.3.6.1.2.1.1.1.0', 'sysDescr first');
  for (let i = 1; i < seen.length; i++) assert.ok(compareOid(parseOid(seen[i - 1]!)!, parseOid(seen[i]!)!) < 0, `${seen[i - 1]} before ${seen[i]}`);
  assert.equal(view.next('1.3.6.1.4.1.32473.1.7.2.1.2.10005')?.oid, '1.3.6.1.4.1.32473.1.7.2.1.2.10006', 'next agent row');
  assert.equal(view.next('1.3.6.1.4.1.32473.1.6.3.1.1')?.oid, '1.3.6.1.4.1.32473.1.6.3.1.2.1', 'a not-accessible index column has no instances');
  assert.equal(view.next('1.3.6.1.4.1.32473.9'), null);
  assert.equal(view.next('garbage')?.oid, '1.3.6.1.2.1.1.1.0', 'an unparsable start walks from the beginning');
});
