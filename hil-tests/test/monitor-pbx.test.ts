// The monitor watching a real PBX process in the same data dir: the PBX's state reaches the
// MIB through its control socket (service running, trunk rows, registrations, calls).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPbx, type HilPbx } from '../src/pbx.ts';
import { startMonitor, type HilMonitor } from '../src/monitor.ts';
import { authArgs, freeUdpPort, MIB_DIR, runTool } from '../src/snmp-tools.ts';

describe('monitor with a running PBX', () => {
  let pbx: HilPbx;
  let monitor: HilMonitor;
  let target: string;

  before(async () => {
    pbx = await startPbx({ extensions: [{ number: '1001', secret: 'secret-1001' }], trunks: [{ name: 'carrier-x', host: '192.0.2.77', port: 5060 }] });
    const port = await freeUdpPort();
    target = `127.0.0.1:${port}`;
    monitor = await startMonitor((d) => {
      d.snmp = { port, bindAddress: '127.0.0.1', v2c: { enabled: true, community: 'hil-ro', allowedSources: ['127.0.0.1'] } };
    }, 20_000, pbx.dataDir);
  });

  after(async () => {
    await monitor?.stop();
    await pbx?.stop();
  });

  test('the PBX is running(1) with its uptime, its trunk is a row named by the trunk, no service-down:pbx alarm', async () => {
    const r = await runTool('snmpget', ['-m', '+HOTLINE-MIB', '-M', `+${MIB_DIR}`, ...authArgs({ version: 'v2c', community: 'hil-ro' }), target,
      'HOTLINE-MIB::hlServiceState.1', 'HOTLINE-MIB::hlServiceUptime.1', 'HOTLINE-MIB::hlTrunkPeer."carrier-x"', 'HOTLINE-MIB::hlActiveCalls.0']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /hlServiceState\.1 = INTEGER: running\(1\)/);
    assert.match(r.stdout, /hlServiceUptime\.1 = Gauge32: \d+ seconds/);
    assert.match(r.stdout, /hlTrunkPeer\."carrier-x" = STRING: 192\.0\.2\.77:5060/);
    assert.match(r.stdout, /hlActiveCalls\.0 = Gauge32: 0/);
    const s = await monitor.status();
    assert.ok(!s.alarms.some((a) => a.id === 'service-down:pbx'), JSON.stringify(s.alarms));
  });
});
