import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import snmp from 'net-snmp';
import { defaultConfig, gatewaySettings, type GatewayConfig, type GatewaySettings, type HotlineConfig } from '../../src/config/index.ts';
import { ConfigValidationError } from '../../src/config/errors.ts';
import { validateConfig } from '../../src/config/validate.ts';
import { AlarmManager } from '../../src/monitor/alarm-manager.ts';
import { Monitor } from '../../src/monitor/monitor.ts';
import { IF_ADMIN_STATUS_OID, readGateway, SYS_UPTIME_OID, type GatewayReading, type SnmpManager } from '../../src/monitor/probes/gateway-probe.ts';
import { HL_ENUMS, hotlineMib } from '../../src/monitor/snmp/hotline-mib.ts';
import { MIB_DIR } from '../../src/monitor/snmp/mib-path.ts';
import { syntheticSnapshot } from '../../src/monitor/synthetic-snapshot.ts';
import { AlarmStore, openRecords } from '../../src/records/index.ts';

const NOW = Date.parse('2026-11-30T08:00:00Z');
const IF_OPER = '1.3.6.1.2.1.2.2.1.8';
const int = (oid: string, value: number): snmp.Varbind => ({ oid, type: snmp.ObjectType.Integer, value });

/** A gateway that answers from a table of OIDs, or fails every request with `error`. */
function fakeManager(values: Record<string, number>, error?: string): SnmpManager & { closed: number } {
  const m = {
    closed: 0,
    async get(oids: string[]) {
      if (error) throw new Error(error);
      return oids.map((o) => (o in values ? { oid: o, type: snmp.ObjectType.TimeTicks, value: values[o]! } : { oid: o, type: 128, value: null }));
    },
    async walk(oid: string) {
      if (error) throw new Error(error);
      return Object.entries(values).filter(([o]) => o.startsWith(`${oid}.`)).map(([o, v]) => int(o, v));
    },
    close() {
      m.closed++;
    },
  };
  return m;
}

const gw = (over: Partial<GatewayConfig> = {}): GatewaySettings => gatewaySettings({ ...defaultConfig(), devices: { gateways: [{ index: 7, name: 'gw-a', host: '192.0.2.20', version: 'v2c', community: 'public-ro', ...over }] } })[0]!;

test('readGateway: sysUpTime answers, ifOperStatus per port, ports an operator set admin-down left out, the session closed', async () => {
  const m = fakeManager({
    [SYS_UPTIME_OID]: 123_456,
    [`${IF_OPER}.1`]: 1, [`${IF_OPER}.2`]: 2, [`${IF_OPER}.10`]: 7, [`${IF_OPER}.3`]: 2,
    [`${IF_ADMIN_STATUS_OID}.1`]: 1, [`${IF_ADMIN_STATUS_OID}.2`]: 1, [`${IF_ADMIN_STATUS_OID}.3`]: 2, [`${IF_ADMIN_STATUS_OID}.10`]: 1,
  });
  const r = await readGateway(gw(), m);
  assert.deepEqual(r, { ok: true, uptimeCs: 123_456, ports: [{ port: '1', value: 1, up: true }, { port: '2', value: 2, up: false }, { port: '10', value: 7, up: false }] });
  assert.equal(m.closed, 1);
});

test('readGateway: a vendor column with its own "up" values; multi-part indexes in numeric order', async () => {
  const col = '1.3.6.1.4.1.99999.1.2.1.3';
  const m = fakeManager({ [SYS_UPTIME_OID]: 1, [`${col}.1.10`]: 3, [`${col}.1.2`]: 4, [`${col}.2.1`]: 9 });
  const r = await readGateway(gw({ portStates: { oid: col, upValues: [3, 4] } }), m);
  assert.ok(r.ok);
  assert.deepEqual(r.ports.map((p) => [p.port, p.up]), [['1.2', true], ['1.10', true], ['2.1', false]]);
});

test('readGateway: a timeout or a missing sysUpTime is unreachable with the reason, never a throw', async () => {
  const dead = fakeManager({}, 'Request timed out');
  assert.deepEqual(await readGateway(gw(), dead), { ok: false, error: 'Request timed out' });
  assert.equal(dead.closed, 1);
  assert.deepEqual(await readGateway(gw(), fakeManager({})), { ok: false, error: 'sysUpTime.0 not readable' });
});

test('gateway config: defaults, and the schema and checks refuse what cannot be polled', () => {
  const s = gw();
  assert.equal(s.port, 161);
  assert.deepEqual(s.portStates, { oid: IF_OPER, upValues: [1], ifTable: true });
  const doc = { ...defaultConfig(), devices: { gateways: [
    { index: 1, name: 'a', host: 'gw.example', version: 'v2c' },
    { index: 1, name: 'a', host: '192.0.2.1', version: 'v3' },
    { index: 2, name: 'b', host: '192.0.2.2', version: 'v3', user: { name: 'u', authProtocol: 'MD5', authKey: 'short', privKey: 'long-enough-1' } },
    { index: 3, name: 'c', host: '192.0.2.3', version: 'v2c', community: 'x', portStates: { oid: 'ifOperStatus' } },
  ] } };
  let paths: string[] = [];
  try {
    validateConfig(doc);
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError);
    paths = err.errors.map((e) => e.path);
  }
  for (const p of ['/devices/gateways/0/host', '/devices/gateways/0/community', '/devices/gateways/1/index', '/devices/gateways/1/name', '/devices/gateways/1/user', '/devices/gateways/2/user/authProtocol', '/devices/gateways/2/user/authKey', '/devices/gateways/3/portStates/oid']) {
    assert.ok(paths.includes(p), `${p} in ${paths.join(' ')}`);
  }
});

function setup(t: { after(fn: () => unknown): void }, readings: Map<string, GatewayReading>) {
  const db = openRecords(':memory:');
  t.after(() => db.close());
  const config: HotlineConfig = { ...defaultConfig(), devices: { gateways: [
    { index: 2, name: 'gw-b', host: '192.0.2.21', version: 'v2c', community: 'c' },
    { index: 1, name: 'gw-a', host: '192.0.2.20', version: 'v2c', community: 'c' },
  ] } };
  const monitor = new Monitor({
    host: async () => syntheticSnapshot({ calls: 0, agents: 0 }, NOW).host,
    services: { pbx: async () => { throw new Error('ENOENT'); }, analog: async () => { throw new Error('never'); }, mgmtAlive: async () => true },
    alarms: new AlarmManager(new AlarmStore(db), () => NOW),
    config: () => ({ config, version: 1 }),
    productVersion: '9.9.9', startedAt: NOW, log: pino({ level: 'silent' }), now: () => NOW,
    gateway: async (g) => readings.get(g.name)!,
  });
  return { monitor, config };
}

const gatewayEvents = (events: Array<{ kind: string; alarm: { id: string } }>) => events.filter((e) => e.alarm.id.startsWith('gateway')).map((e) => `${e.kind}:${e.alarm.id}`).sort();
const up = (ports: boolean[]): GatewayReading => ({ ok: true, uptimeCs: 360_000, ports: ports.map((u, i) => ({ port: String(i + 1), value: u ? 1 : 2, up: u })) });

test('gateway alarms pair: unreachable raised and cleared; a port down stays down while its gateway is silent; removed gateways clear', async (t) => {
  const readings = new Map<string, GatewayReading>([['gw-a', up([true, true])], ['gw-b', up([true, false])]]);
  const { monitor, config } = setup(t, readings);
  const first = await monitor.poll();
  assert.deepEqual(gatewayEvents(first.events), ['raised:gateway-port-down:gw-b:2']);
  assert.deepEqual(first.snapshot.gateways.map((g) => [g.index, g.name, g.state, g.uptimeSec, g.ports.length]), [[1, 'gw-a', 'reachable', 3600, 2], [2, 'gw-b', 'reachable', 3600, 2]]);

  readings.set('gw-b', { ok: false, error: 'Request timed out' });
  const silent = await monitor.poll();
  assert.deepEqual(gatewayEvents(silent.events), ['raised:gateway-unreachable:gw-b']);
  assert.ok(silent.snapshot.alarms.some((a) => a.id === 'gateway-port-down:gw-b:2'), 'no answer is no news about the ports');
  const b = silent.snapshot.gateways[1]!;
  assert.equal(b.state, 'unreachable');
  assert.equal(b.error, 'Request timed out');
  assert.equal(b.lastAnswerAt, NOW);
  assert.equal(b.ports.length, 2, 'the ports of the last answer are kept');
  const row = hotlineMib.values(silent.snapshot, NOW).tables.get('hlGatewayTable')![1]!;
  assert.deepEqual(row, [2, Buffer.from('gw-b'), Buffer.from('192.0.2.21:161'), HL_ENUMS.gatewayState.unreachable, 0, 2, 1, NOW / 1000]);

  readings.set('gw-b', up([true, true]));
  const back = await monitor.poll();
  assert.deepEqual(gatewayEvents(back.events), ['cleared:gateway-port-down:gw-b:2', 'cleared:gateway-unreachable:gw-b']);

  readings.set('gw-a', { ok: false, error: 'down' });
  await monitor.poll();
  config.devices!.gateways = config.devices!.gateways!.filter((g) => g.name !== 'gw-a');
  const removed = await monitor.poll();
  assert.deepEqual(gatewayEvents(removed.events), ['cleared:gateway-unreachable:gw-a']);
  assert.deepEqual(removed.snapshot.gateways.map((g) => g.name), ['gw-b']);
});

test('hlGatewayState enumeration matches the MIB', () => {
  const r = spawnSync('snmptranslate', ['-m', '+HOTLINE-MIB', '-M', `+${MIB_DIR}`, '-Td', 'HOTLINE-MIB::hlGatewayState'], { encoding: 'utf8' });
  for (const [label, n] of Object.entries(HL_ENUMS.gatewayState)) assert.match(r.stdout, new RegExp(`${label}\\(${n}\\)`));
  const v = hotlineMib.values(syntheticSnapshot({ calls: 0, agents: 0 }, NOW), NOW);
  assert.equal(v.scalars.get('hlGatewayCount'), 2);
});
