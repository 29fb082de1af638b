// The host-health probes on sample inputs: /proc/mdstat with a degraded, a rebuilding and an
// inactive array, smartctl --json of a healthy, a failing, an NVMe and an unreadable disk,
// chronyc/timedatectl output, and fake /sys/class/hwmon and /sys/class/net trees in a temp dir.
// The mdstat and the ATA/NVMe smartctl samples follow the kernel's md_seq_show() and
// smartmontools 7's JSON output field for field (this VM has no md arrays and no disk smartctl
// can read); the two unreadable-disk samples are real smartctl 7.3 output captured here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMdstat, probeRaid, raidAlarms } from '../../src/monitor/probes/raid-probe.ts';
import { diskAlarms, parseSmartctl } from '../../src/monitor/probes/smart-probe.ts';
import { parseChronyTracking, parseTimedatectl, timeSyncAlarms } from '../../src/monitor/probes/time-sync-probe.ts';
import { probeHwmon, sensorAlarms, trackSpinningFans } from '../../src/monitor/probes/hwmon-probe.ts';
import { InterfaceErrorRate, interfaceAlarms, probeInterfaces } from '../../src/monitor/probes/net-probe.ts';
import { DEFAULT_MONITOR_THRESHOLDS } from '../../src/config/index.ts';

const FIX = new URL('../fixtures/monitor/', import.meta.url);
const fixture = (name: string) => readFile(new URL(name, FIX), 'utf8');
const AT = '2026-11-30T11:00:00.000Z';
const T = DEFAULT_MONITOR_THRESHOLDS;

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-sys-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), `${content}\n`);
  }
  return dir;
}

test('mdstat: degraded raid1 with a failed member, raid5 recovering, raid0, an inactive array, a clean one resyncing', async () => {
  const arrays = parseMdstat(await fixture('mdstat-degraded.txt'));
  assert.deepEqual(arrays, [
    { name: 'md2', level: 'raid5', state: 'rebuilding', devices: 3, activeDevices: 2, failedMembers: [], rebuildPercent: 22.4 },
    { name: 'md1', level: 'raid0', state: 'clean', devices: 2, activeDevices: 2, failedMembers: [] },
    { name: 'md0', level: 'raid1', state: 'degraded', devices: 2, activeDevices: 1, failedMembers: ['sda1'] },
    { name: 'md3', level: 'unknown', state: 'inactive', devices: 1, activeDevices: 0, failedMembers: [] },
    { name: 'md4', level: 'raid1', state: 'clean', devices: 2, activeDevices: 2, failedMembers: [], rebuildPercent: 8.1 },
  ]);
  const alarms = raidAlarms(arrays, AT);
  assert.deepEqual(alarms.map((a) => [a.id, a.severity]), [['raid-degraded:md2', 'major'], ['raid-degraded:md0', 'major'], ['raid-degraded:md3', 'major']]);
  assert.equal(alarms[0]!.text.en, 'RAID array md2 (raid5) is degraded: 2 of 3 members in sync, rebuilding (22.4%)');
  assert.equal(alarms[1]!.text.zh, 'RAID 阵列 md0（raid1）已降级：2 个成员中 1 个同步；故障成员：sda1；请更换故障硬盘');
  assert.deepEqual(raidAlarms(parseMdstat(await fixture('mdstat-clean.txt')), AT), []);
  assert.deepEqual(parseMdstat('garbage\n\n: :\nmdX'), [], 'anything else is no array, not an exception');
  assert.deepEqual(await probeRaid('/nonexistent/mdstat'), [], 'no md driver: no arrays');
});

test('smartctl JSON: ATA passed with reallocations, failing and hot, NVMe, unreadable; alarms against the thresholds', async () => {
  const ok = parseSmartctl(await fixture('smartctl-ata-passed.json'));
  assert.deepEqual(ok, { name: 'sda', model: 'Samsung SSD 860 EVO 500GB', health: 'passed', temperatureC: 34, reallocatedSectors: 12, powerOnHours: 23456 });
  const bad = parseSmartctl(await fixture('smartctl-ata-failing.json'));
  assert.deepEqual(bad, { name: 'sdb', model: 'WDC WD20EFRX-68EUZN0', health: 'failed', temperatureC: 63, reallocatedSectors: 2456, powerOnHours: 51234 });
  const nvme = parseSmartctl(await fixture('smartctl-nvme.json'));
  assert.deepEqual(nvme, { name: 'nvme0', model: 'Samsung SSD 970 EVO Plus 1TB', health: 'passed', temperatureC: 41, reallocatedSectors: 0, powerOnHours: 8765 });
  // Captured from smartctl 7.3 on this VM: a device that does not exist, and a virtio disk it cannot drive.
  const denied = parseSmartctl(await fixture('smartctl-open-failed.json'), '/dev/sdz');
  assert.deepEqual(denied, { name: 'sdz', model: '', health: 'unknown', temperatureC: null, reallocatedSectors: null, powerOnHours: null });
  assert.equal(parseSmartctl(await fixture('smartctl-vda-virtio.json'), '/dev/vda').health, 'unknown');
  assert.throws(() => parseSmartctl('not json'), SyntaxError);

  const alarms = diskAlarms([ok, bad, nvme, denied], T, AT);
  assert.deepEqual(alarms.map((a) => [a.id, a.severity]), [
    ['disk-reallocated:sda', 'minor'],
    ['disk-smart-failed:sdb', 'critical'], ['disk-temperature:sdb', 'major'], ['disk-reallocated:sdb', 'minor'],
  ]);
  assert.match(alarms[1]!.text.en, /^Disk sdb \(WDC WD20EFRX-68EUZN0\) fails its SMART health check/);
  assert.deepEqual(diskAlarms([ok], { ...T, diskReallocatedSectors: 13 }, AT), [], 'threshold configurable');
});

test('time sync: chrony tracking synced with an offset, chrony without a source, timedatectl, and the alarms', () => {
  const synced = parseChronyTracking('A9FEA9FE,169.254.169.254,3,1796030000.123456789,-0.000012345,0.000001234,0.000056789,-12.345,0.001,0.012,0.000123456,0.000456789,64.2,Normal\n');
  assert.deepEqual(synced, { state: 'synchronized', source: 'chrony', offsetSec: -0.000012345, server: '169.254.169.254' });
  assert.deepEqual(timeSyncAlarms(synced!, T, AT), []);
  const off = parseChronyTracking('C0A80001,ntp.example.com,2,1796030000.0,1.5,0.1,0.2,1.0,0.0,0.01,0.01,0.01,64.0,Normal');
  assert.deepEqual(timeSyncAlarms(off!, T, AT).map((a) => [a.id, a.text.en]), [['time-offset', 'The system clock is 1500 ms off the time server (threshold 1000 ms)']]);
  const lost = parseChronyTracking('00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised');
  assert.deepEqual(lost, { state: 'unsynchronized', source: 'chrony', offsetSec: null });
  assert.deepEqual(timeSyncAlarms(lost!, T, AT).map((a) => [a.id, a.severity]), [['time-unsynchronized', 'minor']]);
  assert.equal(parseChronyTracking('506 Cannot talk to daemon'), undefined);

  const td = 'Timezone=Asia/Shanghai\nLocalRTC=no\nCanNTP=yes\nNTP=yes\nNTPSynchronized=no\nTimeUSec=Mon 2026-11-30 19:12:05 CST\n';
  assert.deepEqual(parseTimedatectl(td), { state: 'unsynchronized' });
  assert.deepEqual(parseTimedatectl(td.replace('NTPSynchronized=no', 'NTPSynchronized=yes')), { state: 'synchronized' });
  assert.equal(parseTimedatectl('System has not been booted with systemd as init system (PID 1). Can\'t operate.'), undefined);
  assert.deepEqual(timeSyncAlarms({ state: 'unknown', source: 'none', offsetSec: null }, T, AT), [], 'unknown is a state, not an alarm');
});

test('hwmon: temperatures with labels and driver limits, fans; a fan never seen turning is no alarm, one that stops is', async (t) => {
  const root = await tree({
    'hwmon0/name': 'coretemp',
    'hwmon0/temp1_input': '45000', 'hwmon0/temp1_label': 'Package id 0', 'hwmon0/temp1_crit': '100000', 'hwmon0/temp1_max': '80000',
    'hwmon0/temp2_input': '91000', 'hwmon0/temp2_label': 'Core 0', 'hwmon0/temp2_crit': '100000',
    'hwmon1/name': 'nct6775',
    'hwmon1/fan1_input': '0', 'hwmon1/fan2_input': '1200', 'hwmon1/fan2_min': '0', 'hwmon1/fan3_input': '900', 'hwmon1/fan3_min': '1000',
    'hwmon1/temp7_input': 'garbage',
    'hwmon10/name': 'acpitz', 'hwmon10/temp1_input': '27800', 'hwmon10/temp1_crit': '70000',
  });
  t.after(() => rm(root, { recursive: true, force: true }));
  const sensors = await probeHwmon(root);
  assert.deepEqual(sensors, [
    { name: 'coretemp/Package id 0', kind: 'temperature', value: 45, limit: 100 },
    { name: 'coretemp/Core 0', kind: 'temperature', value: 91, limit: 100 },
    { name: 'nct6775/fan1', kind: 'fan', value: 0, limit: null },
    { name: 'nct6775/fan2', kind: 'fan', value: 1200, limit: null },
    { name: 'nct6775/fan3', kind: 'fan', value: 900, limit: 1000 },
    { name: 'acpitz/temp1', kind: 'temperature', value: 27.8, limit: 70 },
  ]);
  const spinning = new Set<string>();
  trackSpinningFans(sensors, spinning);
  assert.deepEqual([...spinning].sort(), ['nct6775/fan2', 'nct6775/fan3']);
  // Core 0 at 91 °C is over the configured 90; fan3 under its driver minimum of 1000 rpm.
  assert.deepEqual(sensorAlarms(sensors, spinning, T, AT).map((a) => a.id), ['sensor-temperature:coretemp/Core 0', 'fan-failed:nct6775/fan3']);
  // fan2 stops: now an alarm; fan1 (an empty header) still none.
  await writeFile(join(root, 'hwmon1/fan2_input'), '0\n');
  const later = await probeHwmon(root);
  trackSpinningFans(later, spinning);
  assert.deepEqual(sensorAlarms(later, spinning, { ...T, sensorTemperatureCelsius: 95 }, AT).map((a) => a.id), ['fan-failed:nct6775/fan2', 'fan-failed:nct6775/fan3']);
  // The acpitz zone goes over its own critical limit (70 °C), below the configured 90.
  await writeFile(join(root, 'hwmon10/temp1_input'), '71000\n');
  assert.ok(sensorAlarms(await probeHwmon(root), spinning, T, AT).some((a) => a.id === 'sensor-temperature:acpitz/temp1' && a.text.en.includes('limit 70 °C')));
  assert.deepEqual(await probeHwmon(join(root, 'nonexistent')), [], 'no hwmon class (a VM): no sensors');
});

test('two chips with the same driver name are told apart by their hwmon number', async (t) => {
  const root = await tree({ 'hwmon2/name': 'coretemp', 'hwmon2/temp1_input': '40000', 'hwmon5/name': 'coretemp', 'hwmon5/temp1_input': '42000' });
  t.after(() => rm(root, { recursive: true, force: true }));
  assert.deepEqual((await probeHwmon(root)).map((s) => s.name), ['coretemp-2/temp1', 'coretemp-5/temp1']);
});

test('network interfaces: link down only for interfaces configured up; error rate over a minute; the watch list', async (t) => {
  const stats = (rxE: number, txE = 0) => ({ 'statistics/rx_errors': String(rxE), 'statistics/tx_errors': String(txE), 'statistics/rx_dropped': '7', 'statistics/tx_dropped': '0' });
  const prefix = (name: string, files: Record<string, string>) => Object.fromEntries(Object.entries(files).map(([k, v]) => [`${name}/${k}`, v]));
  const root = await tree({
    ...prefix('eth0', { flags: '0x1003', operstate: 'up', carrier: '1', speed: '1000', ...stats(10) }),
    ...prefix('eth1', { flags: '0x1003', operstate: 'down', carrier: '0', speed: '-1', ...stats(0) }),
    ...prefix('eth2', { flags: '0x1002', operstate: 'down', ...stats(0) }),
    ...prefix('lo', { flags: '0x9', operstate: 'unknown', ...stats(0) }),
  });
  t.after(() => rm(root, { recursive: true, force: true }));
  const ifs = await probeInterfaces(root);
  assert.deepEqual(ifs, [
    { name: 'eth0', adminUp: true, operState: 'up', carrier: true, speedMbps: 1000, rxErrors: 10, txErrors: 0, rxDropped: 7, txDropped: 0 },
    { name: 'eth1', adminUp: true, operState: 'down', carrier: false, speedMbps: null, rxErrors: 0, txErrors: 0, rxDropped: 7, txDropped: 0 },
    // carrier cannot be read while the interface is down (EINVAL): unknown, not "no cable".
    { name: 'eth2', adminUp: false, operState: 'down', carrier: null, speedMbps: null, rxErrors: 0, txErrors: 0, rxDropped: 7, txDropped: 0 },
  ]);
  const rate = new InterfaceErrorRate();
  const t0 = Date.parse(AT);
  assert.deepEqual(interfaceAlarms(ifs, rate.update(ifs, t0), T, [], AT).map((a) => [a.id, a.severity]), [['link-down:eth1', 'major']]);
  // 30 s later 10 more errors: the window is not over yet, no rate.
  const more = (n: number) => ifs.map((i) => (i.name === 'eth0' ? { ...i, rxErrors: n } : i));
  assert.equal(rate.update(more(20), t0 + 30_000).size, 0);
  // 60 s after the start, 15 errors in total: 15 a minute, over the default 10.
  const r = rate.update(more(25), t0 + 60_000);
  assert.equal(r.get('eth0'), 15);
  const alarms = interfaceAlarms(more(25), r, T, [], AT);
  assert.deepEqual(alarms.map((a) => a.id), ['interface-errors:eth0', 'link-down:eth1']);
  assert.equal(alarms[0]!.text.zh, '网络接口 eth0 每分钟 15 个错误（阈值 10）：通话质量可能下降');
  assert.deepEqual(interfaceAlarms(more(25), r, { interfaceErrorsPerMinute: 20 }, ['eth0'], AT), [], 'watch list leaves eth1 out; threshold 20');
  // A driver reset (counters back to 0) starts a new window instead of a negative rate.
  assert.equal(rate.update(more(0), t0 + 130_000).get('eth0'), undefined);
});

test('fuzz: the parsers never throw on arbitrary input (only non-JSON smartctl output does), a degraded array is always a member short, odd smartctl fields read as unknown', async () => {
  const { default: fc } = await import('fast-check');
  const sample = await fixture('mdstat-degraded.txt');
  const lines = sample.split('\n');
  // Real lines shuffled, cut and mixed with noise: what a truncated read or a future kernel may print.
  const mdstatish = fc.array(fc.oneof(fc.constantFrom(...lines), fc.string(), fc.constantFrom('md9 : active raid1', '      [0/0] [__]', '  recovery = x%')), { maxLength: 20 }).map((ls) => ls.join('\n'));
  fc.assert(fc.property(mdstatish, (text) => {
    for (const a of parseMdstat(text)) {
      assert.ok(Number.isInteger(a.devices) && Number.isInteger(a.activeDevices));
      if (a.state === 'degraded' || a.state === 'rebuilding') assert.ok(a.activeDevices < a.devices, 'degraded means a member short');
      if (a.rebuildPercent !== undefined) assert.ok(Number.isFinite(a.rebuildPercent));
      assert.equal(raidAlarms([a], AT).length, a.state === 'clean' ? 0 : 1);
    }
  }), { numRuns: 500 });
  fc.assert(fc.property(fc.string(), (text) => {
    parseTimedatectl(text);
    parseChronyTracking(text);
  }), { numRuns: 500 });
  fc.assert(fc.property(fc.array(fc.string({ maxLength: 12 }), { minLength: 14, maxLength: 16 }), (fields) => {
    const t = parseChronyTracking(fields.join(','));
    assert.ok(t === undefined || t.offsetSec === null || Number.isFinite(t.offsetSec));
  }), { numRuns: 500 });
  // smartctl: the documented keys holding anything at all read as values or unknown, never throw
  // (only text that is not JSON throws, as tested above).
  const anything = fc.oneof(fc.jsonValue(), fc.record({ name: fc.jsonValue(), passed: fc.jsonValue(), current: fc.jsonValue(), hours: fc.jsonValue(), exit_status: fc.jsonValue(), table: fc.jsonValue() }, { requiredKeys: [] }));
  const smartish = fc.record({
    smartctl: anything, device: anything, model_name: anything, smart_status: anything, temperature: anything,
    power_on_time: anything, ata_smart_attributes: anything, nvme_smart_health_information_log: anything,
  }, { requiredKeys: [] });
  fc.assert(fc.property(fc.oneof(fc.jsonValue(), smartish), (doc) => {
    const d = parseSmartctl(JSON.stringify(doc) ?? 'null', '/dev/sdx');
    assert.ok(['passed', 'failed', 'unknown'].includes(d.health));
    assert.equal(typeof d.name, 'string');
    for (const v of [d.temperatureC, d.reallocatedSectors, d.powerOnHours]) assert.ok(v === null || Number.isFinite(v));
  }), { numRuns: 1000 });
});
