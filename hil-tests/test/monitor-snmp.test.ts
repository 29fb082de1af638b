// The monitor's SNMP agent against the reference tools: net-snmp's snmpbulkwalk and snmpget
// (v2c and v3 USM SHA-256/AES), by numeric OID and by HOTLINE-MIB name, and snmptrapd receiving
// the traps of an alarm raised and cleared (the disk-usage threshold lowered to 1 %, then restored).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMonitor, type HilMonitor } from '../src/monitor.ts';
import { authArgs, freeUdpPort, MIB_DIR, runTool, startSnmptrapd, type SnmpAuth, type Snmptrapd } from '../src/snmp-tools.ts';

const ENTERPRISE = '1.3.6.1.4.1.32473';
const ENGINE_ID = '80007ed90548696c54657374';
const V2C: SnmpAuth = { version: 'v2c', community: 'hil-ro-community' };
const V3: SnmpAuth = { version: 'v3', user: 'nms', authKey: 'hil-auth-pass', privKey: 'hil-priv-pass' };
const MIB = ['-m', '+HOTLINE-MIB', '-M', `+${MIB_DIR}`];

describe('monitor SNMP agent with the net-snmp tools', () => {
  let monitor: HilMonitor;
  let trapd: Snmptrapd;
  let target: string;

  before(async () => {
    trapd = await startSnmptrapd({ community: 'hil-traps', v3: { engineId: ENGINE_ID, user: 'nms', authKey: 'hil-auth-pass', privKey: 'hil-priv-pass' } });
    const port = await freeUdpPort();
    target = `127.0.0.1:${port}`;
    monitor = await startMonitor((d) => {
      d.site.name = '供水热线';
      d.trunks = [{ name: 'carrier-a', host: '192.0.2.1' }];
      d.snmp = {
        port, bindAddress: '127.0.0.1', engineId: ENGINE_ID, contact: 'noc@example.com', location: 'Machine room 2',
        v2c: { enabled: true, community: 'hil-ro-community', allowedSources: ['127.0.0.1'] },
        v3Users: [{ name: 'nms', authKey: 'hil-auth-pass', privKey: 'hil-priv-pass' }],
        trapTargets: [
          { host: '127.0.0.1', port: trapd.port, version: 'v2c', community: 'hil-traps' },
          { host: '127.0.0.1', port: trapd.port, version: 'v3', user: 'nms' },
        ],
      };
      d.monitor = { pollIntervalSec: 2 };
    });
  });

  after(async () => {
    if (process.env.DEBUG_MONITOR) console.log(monitor?.logs().split('\n').filter((l) => !l.includes('"level":30')).join('\n'));
    await monitor?.stop();
    await trapd?.stop();
  });

  const walk = (auth: SnmpAuth) => runTool('snmpbulkwalk', [...authArgs(auth), '-On', '-t', '5', target, ENTERPRISE]);

  test('snmpbulkwalk v2c of the enterprise subtree returns the product, services and active alarms', async () => {
    const r = await walk(V2C);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^\\.${ENTERPRISE}\\.1\\.1\\.1\\.0 = STRING: "?Hotline"?$`, 'm'), 'hlProductName');
    assert.match(r.stdout, new RegExp(`^\\.${ENTERPRISE}\\.1\\.2\\.1\\.1\\.3\\.1 = INTEGER: 2$`, 'm'), 'hlServiceState.pbx = notResponding: no PBX runs here');
    assert.match(r.stdout, new RegExp(`^\\.${ENTERPRISE}\\.1\\.2\\.1\\.1\\.3\\.4 = INTEGER: 1$`, 'm'), 'hlServiceState.monitor = running');
    assert.match(r.stdout, /STRING: "service-down:pbx"/, 'the PBX-down alarm is in hlAlarmTable');
    const oids = r.stdout.split('\n').filter((l) => l.startsWith('.') && !l.includes('No more variables')).map((l) => l.split(' ')[0]);
    assert.ok(oids.length > 40, `${oids.length} objects`);
    assert.equal(new Set(oids).size, oids.length, 'no OID twice');
  });

  test('snmpbulkwalk v3 authPriv (SHA-256, AES) sees the same objects as v2c', async () => {
    const [a, b] = [await walk(V3), await walk(V2C)];
    assert.equal(a.status, 0, a.stderr);
    const names = (out: string) => out.split('\n').filter((l) => l.startsWith('.')).map((l) => l.split(' ')[0]);
    assert.deepEqual(names(a.stdout), names(b.stdout));
  });

  test('snmpget of named objects with the MIB loaded (-m +HOTLINE-MIB -M +appliance/mibs)', async () => {
    const r = await runTool('snmpget', [...MIB, ...authArgs(V3), target,
      'HOTLINE-MIB::hlProductName.0', 'HOTLINE-MIB::hlSiteName.0', 'HOTLINE-MIB::hlServiceState.4', 'HOTLINE-MIB::hlAlarmActiveCount.0', 'SNMPv2-MIB::sysObjectID.0', 'SNMPv2-MIB::sysLocation.0', 'HOTLINE-MIB::hlTrunkState."carrier-a"']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /HOTLINE-MIB::hlProductName\.0 = STRING: Hotline/);
    assert.match(r.stdout, /HOTLINE-MIB::hlSiteName\.0 = STRING: 供水热线/, 'UTF-8 site name');
    assert.match(r.stdout, /HOTLINE-MIB::hlServiceState\.4 = INTEGER: running\(1\)/);
    assert.match(r.stdout, /HOTLINE-MIB::hlAlarmActiveCount\.0 = Gauge32: [1-9]/);
    assert.match(r.stdout, /SNMPv2-MIB::sysObjectID\.0 = OID: HOTLINE-MIB::hotlineMIB/);
    assert.match(r.stdout, /SNMPv2-MIB::sysLocation\.0 = STRING: Machine room 2/);
    assert.match(r.stdout, /HOTLINE-MIB::hlTrunkState\."carrier-a" = INTEGER: unknown\(5\)/, 'indexed by the trunk name; unknown: no PBX answers');
  });

  test('host health (hlHealth): time sync state by name, and a network interface row walked by the tools', async () => {
    const r = await runTool('snmpget', [...MIB, ...authArgs(V2C), target, 'HOTLINE-MIB::hlTimeSyncState.0', 'HOTLINE-MIB::hlTimeSyncSource.0']);
    assert.equal(r.status, 0, r.stderr);
    // Whatever this machine can tell: a container without systemd or chrony reads unknown(3)/none(1).
    assert.match(r.stdout, /HOTLINE-MIB::hlTimeSyncState\.0 = INTEGER: (synchronized\(1\)|unsynchronized\(2\)|unknown\(3\))/);
    assert.match(r.stdout, /HOTLINE-MIB::hlTimeSyncSource\.0 = INTEGER: (none\(1\)|chrony\(2\)|timedatectl\(3\))/);
    const w = await runTool('snmpbulkwalk', [...MIB, ...authArgs(V2C), target, 'HOTLINE-MIB::hlNetState']);
    assert.equal(w.status, 0, w.stderr);
    assert.match(w.stdout, /^HOTLINE-MIB::hlNetState\."[^"]+" = INTEGER: (up\(1\)|linkDown\(2\)|adminDown\(3\)|unknown\(4\))$/m, 'every interface but lo, indexed by name');
    assert.doesNotMatch(w.stdout, /hlNetState\."lo"/);
  });

  test('host resources: hrStorageTable has physical memory and the root file system, hrProcessorLoad a row per core, hrSWRun the processes', async () => {
    const r = await runTool('snmpbulkwalk', [...authArgs(V2C), '-On', target, '1.3.6.1.2.1.25']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\.1\.3\.6\.1\.2\.1\.25\.2\.3\.1\.3\.1 = STRING: "Physical memory"$/m);
    assert.match(r.stdout, /^\.1\.3\.6\.1\.2\.1\.25\.2\.3\.1\.3\.31 = STRING: "\/"$/m);
    assert.match(r.stdout, /^\.1\.3\.6\.1\.2\.1\.25\.3\.3\.1\.2\.196608 = INTEGER: \d+$/m);
    assert.match(r.stdout, /^\.1\.3\.6\.1\.2\.1\.25\.4\.2\.1\.2\.1 = STRING: "[^"]+"$/m, 'hrSWRunName of pid 1');
    assert.match(r.stdout, /^\.1\.3\.6\.1\.2\.1\.25\.5\.1\.1\.2\.1 = INTEGER: \d+$/m, 'hrSWRunPerfMem of pid 1');
  });

  test('wrong v3 credentials are refused: a wrong auth key, an unknown user, a wrong community', async () => {
    const wrongKey = await runTool('snmpget', [...authArgs({ ...V3, authKey: 'not-the-key' } as SnmpAuth), '-t', '1', '-r', '0', target, '1.3.6.1.2.1.1.1.0']);
    assert.notEqual(wrongKey.status, 0);
    assert.match(wrongKey.stderr, /Authentication failure|Timeout/);
    assert.doesNotMatch(wrongKey.stdout, /STRING/);
    const unknownUser = await runTool('snmpget', [...authArgs({ ...V3, user: 'intruder' } as SnmpAuth), '-t', '1', '-r', '0', target, '1.3.6.1.2.1.1.1.0']);
    assert.notEqual(unknownUser.status, 0);
    assert.match(unknownUser.stderr, /Unknown user name|Timeout/);
    const community = await runTool('snmpget', [...authArgs({ version: 'v2c', community: 'public' }), '-t', '1', '-r', '0', target, '1.3.6.1.2.1.1.1.0']);
    assert.notEqual(community.status, 0);
    assert.match(community.stderr, /Timeout/);
    const s = await monitor.status();
    assert.ok((s.snmp.counters?.refused ?? 0) >= 2, JSON.stringify(s.snmp));
  });

  test('snmptrapd receives hlAlarmRaised when the disk threshold is set to 1 %, and hlAlarmCleared with the same index after it is restored', async () => {
    await monitor.reconfigure((d) => {
      d.monitor = { pollIntervalSec: 2, thresholds: { diskUsedPercent: 1 } };
    });
    const raised = await trapd.waitFor(/OID: HOTLINE-MIB::hlAlarmRaised\tHOTLINE-MIB::hlAlarmId\.(\d+) = STRING: "?disk-usage:\/"?\tHOTLINE-MIB::hlAlarmSeverity\.\d+ = INTEGER: (critical|major)\(\d\)\tHOTLINE-MIB::hlAlarmSource\.\d+ = STRING: "?host\/fs"?\tHOTLINE-MIB::hlAlarmText\.\d+ = STRING: "?File system \/ is \d+% full/);
    const index = /hlAlarmId\.(\d+)/.exec(raised)![1];
    // One trap per target: v2c with the community, v3 authPriv as user nms.
    await waitCount(trapd, new RegExp(`hlAlarmRaised\\tHOTLINE-MIB::hlAlarmId\\.${index} `, 'g'), 2);
    const during = await runTool('snmpget', [...MIB, ...authArgs(V2C), target, `HOTLINE-MIB::hlAlarmId.${index}`]);
    assert.match(during.stdout, /disk-usage:\//, 'the alarm is in the active-alarm table while it lasts');

    await monitor.reconfigure((d) => {
      d.monitor = { pollIntervalSec: 2 };
    });
    await trapd.waitFor(new RegExp(`OID: HOTLINE-MIB::hlAlarmCleared\\tHOTLINE-MIB::hlAlarmId\\.${index} = STRING: "?disk-usage:/"?\\tHOTLINE-MIB::hlAlarmSeverity\\.${index} = INTEGER: cleared\\(1\\)`));
    await waitCount(trapd, new RegExp(`hlAlarmCleared\\tHOTLINE-MIB::hlAlarmId\\.${index} `, 'g'), 2);
    const afterClear = await runTool('snmpget', [...MIB, ...authArgs(V2C), target, `HOTLINE-MIB::hlAlarmId.${index}`]);
    assert.match(afterClear.stdout, /No Such Instance/, 'gone from the active-alarm table');
  });
});

async function waitCount(trapd: Snmptrapd, re: RegExp, n: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((trapd.output().match(re) ?? []).length < n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} matches of ${re}; snmptrapd logged:\n${trapd.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
