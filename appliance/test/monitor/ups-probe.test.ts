import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { parseQ1 } from '@hotline/drivers/serial';
import { defaultConfig, validateConfig, type HotlineConfig } from '../../src/config/index.ts';
import { AlarmManager } from '../../src/monitor/alarm-manager.ts';
import { Monitor } from '../../src/monitor/monitor.ts';
import type { UpsReading } from '../../src/monitor/probes/ups-probe.ts';
import { syntheticSnapshot } from '../../src/monitor/synthetic-snapshot.ts';
import { AlarmStore, openRecords } from '../../src/records/index.ts';

const NOW = Date.parse('2026-11-30T08:00:00Z');
const ONLINE = '(231.0 231.0 230.0 045 50.0 27.20 31.5 00001000\r';
const ON_BATTERY = '(000.0 231.0 229.0 047 50.0 25.10 31.5 10001001\r';
const LOW = '(000.0 231.0 228.0 047 50.0 21.90 31.5 11001001\r';

function setup(t: { after(fn: () => void): void }, config: HotlineConfig) {
  const db = openRecords(':memory:');
  t.after(() => db.close());
  let next: UpsReading = { ok: true, status: parseQ1(ONLINE) };
  const asked: Array<{ port: string; baudRate: number }> = [];
  const monitor = new Monitor({
    host: async () => syntheticSnapshot({ calls: 0, agents: 0 }, NOW).host,
    services: { pbx: async () => { throw new Error('ENOENT'); }, analog: async () => { throw new Error('unused'); }, mgmtAlive: async () => true },
    alarms: new AlarmManager(new AlarmStore(db), () => NOW),
    config: () => ({ config, version: 1 }),
    productVersion: '1', startedAt: NOW, log: pino({ level: 'silent' }), now: () => NOW,
    ups: async (d) => { asked.push(d); return next; },
  });
  return { monitor, asked, set: (r: UpsReading) => { next = r; } };
}

const upsEvents = (events: Array<{ kind: string; alarm: { id: string } }>) =>
  events.filter((e) => e.alarm.id.startsWith('ups-')).map((e) => `${e.kind} ${e.alarm.id}`);

test('devices.ups: validated, defaults to 2400 baud; the monitor reads it and fills the UPS group', async (t) => {
  const config = validateConfig({ ...defaultConfig(), devices: { ups: { port: '/dev/ttyUSB0' } } });
  assert.throws(() => validateConfig({ ...defaultConfig(), devices: { ups: { port: 'ttyUSB0' } } }), /devices\/ups\/port/);
  assert.throws(() => validateConfig({ ...defaultConfig(), devices: { ups: { port: '/dev/ttyS0', baudRate: 2401 } } }), /baudRate/);
  const { monitor, asked } = setup(t, config);
  const { snapshot, events } = await monitor.poll();
  assert.deepEqual(asked, [{ port: '/dev/ttyUSB0', baudRate: 2400 }]);
  assert.deepEqual(snapshot.ups, { state: 'online', inputVolts: 231, outputVolts: 230, loadPercent: 45, batteryPercent: 100 });
  assert.deepEqual(upsEvents(events), []);
});

test('on battery raises major, battery low critical, comm lost minor without clearing the power alarms', async (t) => {
  const { monitor, set } = setup(t, { ...defaultConfig(), devices: { ups: { port: '/dev/ttyUSB0', baudRate: 2400 } } });
  await monitor.poll();
  set({ ok: true, status: parseQ1(ON_BATTERY) });
  let p = await monitor.poll();
  assert.deepEqual(upsEvents(p.events), ['raised ups-on-battery']);
  assert.equal(p.snapshot.ups.state, 'onBattery');
  const raised = p.events.find((e) => e.alarm.id === 'ups-on-battery')!.alarm;
  assert.equal(raised.severity, 'major');
  assert.match(raised.text.zh, /电池供电/);

  set({ ok: true, status: parseQ1(LOW) });
  p = await monitor.poll();
  assert.deepEqual(upsEvents(p.events), ['raised ups-battery-low']);
  assert.equal(p.events[0]!.alarm.severity, 'critical');
  assert.equal(p.snapshot.ups.state, 'lowBattery');

  set({ ok: false, error: 'no reply within 2000 ms' });
  p = await monitor.poll();
  assert.deepEqual(upsEvents(p.events), ['raised ups-comm-lost']);
  assert.equal(p.events[0]!.alarm.severity, 'minor');
  assert.equal(p.snapshot.ups.state, 'commLost');
  assert.deepEqual(p.snapshot.alarms.map((a) => a.id).filter((id) => id.startsWith('ups-')).sort(), ['ups-battery-low', 'ups-comm-lost', 'ups-on-battery']);

  set({ ok: true, status: parseQ1(ONLINE) });
  p = await monitor.poll();
  assert.deepEqual(upsEvents(p.events).sort(), ['cleared ups-battery-low', 'cleared ups-comm-lost', 'cleared ups-on-battery']);
  assert.equal(p.snapshot.ups.state, 'online');
});

test('no devices section: the UPS is not read and reads notConfigured', async (t) => {
  const { monitor, asked } = setup(t, defaultConfig());
  const { snapshot } = await monitor.poll();
  assert.deepEqual(asked, []);
  assert.equal(snapshot.ups.state, 'notConfigured');
});
