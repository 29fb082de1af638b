import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { defaultConfig, type HotlineConfig } from '../../src/config/index.ts';
import type { PbxStatus } from '../../src/control/index.ts';
import { AlarmManager } from '../../src/monitor/alarm-manager.ts';
import { Monitor } from '../../src/monitor/monitor.ts';
import { syntheticSnapshot } from '../../src/monitor/synthetic-snapshot.ts';
import { AlarmStore, openRecords } from '../../src/records/index.ts';

const NOW = Date.parse('2026-11-30T08:00:00Z');
const trunkDown = { id: 'trunk-down:a', severity: 'major' as const, source: 'pbx/trunk/a', text: { en: 'a down', zh: 'a 故障' }, raisedAt: new Date(NOW - 1000).toISOString() };

function setup(t: { after(fn: () => unknown): void }) {
  const db = openRecords(':memory:');
  t.after(() => db.close());
  let pbx: PbxStatus | undefined = {
    startedAt: new Date(NOW - 60_000).toISOString(), listening: [], registrations: [], counters: {}, configVersion: 3, alarms: [trunkDown],
    activeCalls: [{ callId: 'c1', caller: '13800000000', callee: '1001', state: 'answered', startedAt: new Date(NOW - 5000).toISOString() }],
  };
  const config: HotlineConfig = { ...defaultConfig(), monitor: { thresholds: { diskUsedPercent: 45 } } };
  const monitor = new Monitor({
    host: async () => syntheticSnapshot({ calls: 0, agents: 0 }, NOW).host,
    services: {
      pbx: async () => {
        if (!pbx) throw new Error('ENOENT');
        return pbx;
      },
      analog: async () => { throw new Error('not configured, never asked'); },
      mgmtAlive: async () => true,
    },
    alarms: new AlarmManager(new AlarmStore(db), () => NOW),
    config: () => ({ config, version: 3 }),
    productVersion: '9.9.9', startedAt: NOW - 120_000, log: pino({ level: 'silent' }), now: () => NOW,
  });
  return { monitor, setPbx: (p: PbxStatus | undefined) => (pbx = p) };
}

test('a poll gathers host, services, calls and every probe\'s alarms into one snapshot', async (t) => {
  const { monitor } = setup(t);
  const { snapshot, events } = await monitor.poll();
  assert.deepEqual(events.map((e) => `${e.kind}:${e.alarm.id}`).sort(), ['raised:disk-usage:/var/lib/hotline', 'raised:trunk-down:a']);
  assert.deepEqual(snapshot.services.map((s) => `${s.name}:${s.state}`), ['pbx:running', 'mgmt:running', 'analog:notConfigured', 'monitor:running', 'recorder:notConfigured']);
  assert.deepEqual(snapshot.calls.map((c) => [c.index, c.callee, c.state]), [[1, '1001', 'answered']]);
  assert.equal(snapshot.product.version, '9.9.9');
  assert.equal(snapshot.alarms.length, 2);
});

test('when the PBX stops answering its alarms stay active and service-down:pbx is raised; they clear when it is back healthy', async (t) => {
  const { monitor, setPbx } = setup(t);
  await monitor.poll();
  setPbx(undefined);
  const down = await monitor.poll();
  assert.deepEqual(down.events.map((e) => `${e.kind}:${e.alarm.id}`), ['raised:service-down:pbx']);
  assert.ok(down.snapshot.alarms.some((a) => a.id === 'trunk-down:a'), 'no news is not a clear');
  assert.equal(down.snapshot.services[0]!.state, 'notResponding');
  setPbx({ startedAt: new Date(NOW).toISOString(), listening: [], registrations: [], activeCalls: [], counters: {}, configVersion: 3, alarms: [] });
  const back = await monitor.poll();
  assert.deepEqual(back.events.map((e) => `${e.kind}:${e.alarm.id}`).sort(), ['cleared:service-down:pbx', 'cleared:trunk-down:a']);
});
