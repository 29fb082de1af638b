// SNMP informs from the monitor to net-snmp's snmptrapd, which acknowledges each InformRequest
// with a Response (v2c and v3 authPriv, where snmptrapd is the authoritative engine and the
// monitor discovers its engine ID); an inform target with nobody listening is resent a bounded
// number of times and then counted as failed, while the monitor goes on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMonitor, type HilMonitor } from '../src/monitor.ts';
import { freeUdpPort, startSnmptrapd, type Snmptrapd } from '../src/snmp-tools.ts';

const ENGINE_ID = '80007ed90548696c496e666f';

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('monitor SNMP informs with snmptrapd', () => {
  let monitor: HilMonitor;
  let trapd: Snmptrapd;

  before(async () => {
    trapd = await startSnmptrapd({ community: 'hil-informs', v3: { engineId: ENGINE_ID, user: 'nms', authKey: 'hil-auth-pass', privKey: 'hil-priv-pass' } });
    const [agentPort, deadPort] = [await freeUdpPort(), await freeUdpPort()];
    monitor = await startMonitor((d) => {
      d.snmp = {
        port: agentPort, bindAddress: '127.0.0.1', engineId: ENGINE_ID,
        v3Users: [{ name: 'nms', authKey: 'hil-auth-pass', privKey: 'hil-priv-pass' }],
        trapTargets: [
          { host: '127.0.0.1', port: trapd.port, version: 'v2c', community: 'hil-informs', mode: 'inform' },
          { host: '127.0.0.1', port: trapd.port, version: 'v3', user: 'nms', mode: 'inform' },
          // Nobody listens here: two tries a second apart, then given up on.
          { host: '127.0.0.1', port: deadPort, version: 'v2c', community: 'x', mode: 'inform', retries: 1, timeoutSec: 1 },
        ],
      };
      d.monitor = { pollIntervalSec: 2 };
    });
  });

  after(async () => {
    await monitor?.stop();
    await trapd?.stop();
  });

  test('the PBX-down alarm goes out as informs: snmptrapd logs it from both targets and acknowledges both; the dead target fails after its retries', async () => {
    // No PBX runs here: service-down:pbx is raised by the first poll.
    await trapd.waitFor(/hlAlarmRaised\tHOTLINE-MIB::hlAlarmId\.\d+ = STRING: "?service-down:pbx"?/);
    const t0 = Date.now();
    // Every alarm event (service-down:pbx, and service-down:mgmt: no mgmt either) goes to all three targets.
    const events = (await monitor.status()).alarms.length;
    assert.ok(events >= 1);
    const s = await until('every inform acknowledged or given up on', () => monitor.status(), (v) => v.snmp.informsAcked + v.snmp.informsFailed >= 3 * events);
    assert.equal(s.snmp.informsAcked, 2 * events, 'snmptrapd acknowledged each inform from the v2c and the v3 target');
    assert.equal(s.snmp.informsFailed, events, 'the dead target: each inform given up on after its retries');
    assert.equal(s.snmp.trapTargets, 3);
    const raises = trapd.output().match(/hlAlarmRaised\tHOTLINE-MIB::hlAlarmId\.\d+ = STRING: "?service-down:pbx"?/g) ?? [];
    assert.equal(raises.length, 2, 'once per answering target: an acknowledged inform is not resent');
    // 1 s + 2 s with the doubling, plus a loaded machine: bounded, not forever.
    assert.ok(Date.now() - t0 < 20_000);
    const later = await monitor.status();
    assert.ok(later.polls >= s.polls, 'the monitor polls on');
  });
});
