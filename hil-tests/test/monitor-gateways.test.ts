// External FXO/FXS gateways polled over SNMP (issue 8), against a real agent: Debian's snmpd on a
// free port with a temporary config stands in for the gateway. The real monitor process polls it:
// reachable → no unreachable alarm, and the ports it reports are exactly what snmpbulkwalk sees of
// ifOperStatus/ifAdminStatus; snmpd killed → gateway-unreachable raised (also in hlGatewayTable
// through the monitor's own agent); snmpd restarted on the same port → the alarm cleared.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ControlClient } from '@hotline/appliance/control';
import type { MonitorStatus } from '@hotline/appliance/monitor';
import { startMonitor, type HilMonitor } from '../src/monitor.ts';
import { freeUdpPort, MIB_DIR, runTool, snmpToolsInstalled, startSnmpd, type Snmpd } from '../src/snmp-tools.ts';

const GW_COMMUNITY = 'gw-read-1';
const AGENT_COMMUNITY = 'hil-agent-1';
const IF_OPER = '1.3.6.1.2.1.2.2.1.8';
const IF_ADMIN = '1.3.6.1.2.1.2.2.1.7';

let snmpd: Snmpd;
let monitor: HilMonitor;
let agentTarget: string;

/** Polls the monitor's status until `ok` holds (the monitor polls every second), or fails with the last status. */
async function waitForStatus(ok: (s: MonitorStatus) => boolean, what: string, timeoutMs = 30_000): Promise<MonitorStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: MonitorStatus | undefined;
  while (Date.now() < deadline) {
    last = await monitor.status();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} within ${timeoutMs} ms; last status: ${JSON.stringify({ gateways: last?.gateways, alarms: last?.alarms.map((a) => a.id) })}\n${monitor.logs().slice(-3000)}`);
}

/** One column as snmpbulkwalk -On sees it: index → integer value. */
async function walkColumn(oid: string): Promise<Map<string, number>> {
  const r = await runTool('snmpbulkwalk', ['-v2c', '-c', GW_COMMUNITY, '-On', '-Oe', snmpd.target, oid]);
  assert.equal(r.status, 0, r.stderr);
  const out = new Map<string, number>();
  for (const m of r.stdout.matchAll(new RegExp(`^\\.${oid.replaceAll('.', '\\.')}\\.([0-9.]+) = INTEGER: (-?[0-9]+)$`, 'gm'))) out.set(m[1]!, Number(m[2]));
  return out;
}

const unreachable = (s: MonitorStatus) => s.alarms.find((a) => a.id === 'gateway-unreachable:pstn-gw');

before(async () => {
  assert.ok(snmpToolsInstalled(), 'net-snmp tools missing: bash provisioning/scripts/bootstrap-host.sh test');
  snmpd = await startSnmpd(GW_COMMUNITY);
  const agentPort = await freeUdpPort();
  agentTarget = `127.0.0.1:${agentPort}`;
  monitor = await startMonitor((d) => {
    d.monitor = { pollIntervalSec: 1 };
    d.snmp = { port: agentPort, bindAddress: '127.0.0.1', v2c: { enabled: true, community: AGENT_COMMUNITY, allowedSources: ['127.0.0.1'] } };
    d.devices = { gateways: [{ index: 12, name: 'pstn-gw', host: '127.0.0.1', port: snmpd.port, version: 'v2c', community: GW_COMMUNITY }] };
  }, 30_000);
});

after(async () => {
  await monitor?.stop();
  await snmpd?.stop();
});

test('a reachable gateway raises no alarm, and its ports are what snmpbulkwalk sees of ifOperStatus', async () => {
  const s = await waitForStatus((x) => x.gateways[0]?.state === 'reachable', 'the gateway is reachable');
  assert.equal(unreachable(s), undefined);
  const gw = s.gateways[0]!;
  assert.equal(gw.index, 12);
  assert.equal(gw.address, `127.0.0.1:${snmpd.port}`);
  const oper = await walkColumn(IF_OPER);
  const admin = await walkColumn(IF_ADMIN);
  const expected = [...oper].filter(([i]) => admin.get(i) !== 2).map(([port, value]) => ({ port, value, up: value === 1 }));
  assert.ok(expected.length > 0, 'snmpd reports at least the loopback interface');
  assert.deepEqual(gw.ports, expected);
  const portAlarms = s.alarms.filter((a) => a.id.startsWith('gateway-port-down:pstn-gw:')).map((a) => a.id).sort();
  assert.deepEqual(portAlarms, expected.filter((p) => !p.up).map((p) => `gateway-port-down:pstn-gw:${p.port}`).sort(), 'a port-down alarm exactly for each port not up');
  const row = await runTool('snmpget', ['-v2c', '-c', AGENT_COMMUNITY, '-M', `+${MIB_DIR}`, '-m', 'HOTLINE-MIB:SNMPv2-MIB', agentTarget, 'HOTLINE-MIB::hlGatewayState.12', 'HOTLINE-MIB::hlGatewayPortsTotal.12', 'HOTLINE-MIB::hlGatewayName.12']);
  assert.equal(row.status, 0, row.stderr);
  assert.match(row.stdout, /hlGatewayState\.12 = INTEGER: reachable\(1\)/);
  assert.match(row.stdout, new RegExp(`hlGatewayPortsTotal\\.12 = Gauge32: ${expected.length} ports`));
  assert.match(row.stdout, /hlGatewayName\.12 = STRING: "?pstn-gw"?/);
});

test('snmpd killed: gateway-unreachable raised; restarted on the same port: cleared, with the same occurrence number', async () => {
  const port = snmpd.port;
  await snmpd.stop();
  const down = await waitForStatus((x) => unreachable(x) !== undefined, 'gateway-unreachable raised');
  const alarm = unreachable(down)!;
  assert.equal(alarm.severity, 'major');
  assert.match(alarm.text.en, /pstn-gw .* does not answer SNMP/);
  assert.equal(down.gateways[0]!.state, 'unreachable');
  const state = await runTool('snmpget', ['-v2c', '-c', AGENT_COMMUNITY, '-M', `+${MIB_DIR}`, '-m', 'HOTLINE-MIB:SNMPv2-MIB', agentTarget, 'HOTLINE-MIB::hlGatewayState.12']);
  assert.match(state.stdout, /unreachable\(2\)/, state.stdout + state.stderr);

  snmpd = await startSnmpd(GW_COMMUNITY, port);
  const back = await waitForStatus((x) => unreachable(x) === undefined && x.gateways[0]?.state === 'reachable', 'gateway-unreachable cleared');
  assert.equal(back.gateways[0]!.error, undefined);
  const history = await fetchHistory();
  const occ = history.find((h) => h.seq === alarm.seq);
  assert.ok(occ?.clearedAt !== undefined, `occurrence ${alarm.seq} has a clear time: ${JSON.stringify(occ)}`);
});

/** The monitor's alarm history through its control socket (raises and clears). */
async function fetchHistory(): Promise<Array<{ seq: number; id: string; clearedAt?: number }>> {
  const c = new ControlClient(join(monitor.dataDir, 'run', 'monitor.sock'), 10_000, 'monitor');
  return (await c.call<{ items: Array<{ seq: number; id: string; clearedAt?: number }> }>('GET', '/v1/alarms/history')).items;
}
