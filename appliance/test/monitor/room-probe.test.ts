import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { defaultConfig, devicesSettings, validateConfig, type HotlineConfig } from '../../src/config/index.ts';
import { AlarmManager } from '../../src/monitor/alarm-manager.ts';
import { Monitor } from '../../src/monitor/monitor.ts';
import type { RoomReading } from '../../src/monitor/probes/room-probe.ts';
import { syntheticSnapshot } from '../../src/monitor/synthetic-snapshot.ts';
import { AlarmStore, openRecords } from '../../src/records/index.ts';

const NOW = Date.parse('2026-11-30T08:00:00Z');

function setup(t: { after(fn: () => void): void }, config: HotlineConfig) {
  const db = openRecords(':memory:');
  t.after(() => db.close());
  let next: RoomReading = { ok: true, temperatureC: 24.5, humidityPercent: 45 };
  const monitor = new Monitor({
    host: async () => syntheticSnapshot({ calls: 0, agents: 0 }, NOW).host,
    services: { pbx: async () => { throw new Error('ENOENT'); }, analog: async () => { throw new Error('unused'); }, mgmtAlive: async () => true },
    alarms: new AlarmManager(new AlarmStore(db), () => NOW),
    config: () => ({ config, version: 1 }),
    productVersion: '1', startedAt: NOW, log: pino({ level: 'silent' }), now: () => NOW,
    room: async () => next,
  });
  return { monitor, set: (r: RoomReading) => { next = r; } };
}

const roomEvents = (events: Array<{ kind: string; alarm: { id: string } }>) =>
  events.filter((e) => e.alarm.id.startsWith('room-')).map((e) => `${e.kind} ${e.alarm.id}`).sort();

test('devices.roomSensor: defaults, thresholds, and refused settings', () => {
  const config = validateConfig({ ...defaultConfig(), devices: { roomSensor: { port: '/dev/ttyUSB1', thresholds: { temperatureHighC: 30 } } } });
  assert.deepEqual(devicesSettings(config).roomSensor, {
    port: '/dev/ttyUSB1', baudRate: 9600, address: 1, registerType: 'holding', temperatureRegister: 0, humidityRegister: 1, scale: 0.1,
    thresholds: { temperatureHighC: 30, temperatureLowC: 5, humidityHighPercent: 80, humidityLowPercent: 20 },
  });
  assert.throws(() => validateConfig({ ...defaultConfig(), devices: { roomSensor: { port: '/dev/ttyUSB1', address: 0 } } }), /address/);
  assert.throws(() => validateConfig({ ...defaultConfig(), devices: { roomSensor: { port: '/dev/ttyUSB1', thresholds: { temperatureLowC: 40, temperatureHighC: 30 } } } }), /temperatureLowC/);
  assert.throws(() => validateConfig({ ...defaultConfig(), devices: { ups: { port: '/dev/ttyS0' }, roomSensor: { port: '/dev/ttyS0' } } }), /own serial port/);
});

test('room limits raise and clear alarms; a lost sensor raises comm-lost and keeps the limit alarms', async (t) => {
  const { monitor, set } = setup(t, { ...defaultConfig(), devices: { roomSensor: { port: '/dev/ttyUSB1', thresholds: { temperatureHighC: 30 } } } });
  let p = await monitor.poll();
  assert.deepEqual(p.snapshot.room, { state: 'ok', temperatureC: 24.5, humidityPercent: 45 });
  assert.deepEqual(roomEvents(p.events), []);

  set({ ok: true, temperatureC: 31.2, humidityPercent: 85 });
  p = await monitor.poll();
  assert.deepEqual(roomEvents(p.events), ['raised room-humidity-high', 'raised room-temperature-high']);
  const hot = p.events.find((e) => e.alarm.id === 'room-temperature-high')!.alarm;
  assert.equal(hot.severity, 'major');
  assert.match(hot.text.en, /31.2 °C \(limit 30 °C\)/);
  assert.match(hot.text.zh, /机房温度过高/);

  set({ ok: false, error: 'no reply within 1000 ms' });
  p = await monitor.poll();
  assert.deepEqual(roomEvents(p.events), ['raised room-sensor-comm-lost']);
  assert.equal(p.snapshot.room.state, 'commLost');

  set({ ok: true, temperatureC: 2, humidityPercent: 10 });
  p = await monitor.poll();
  assert.deepEqual(roomEvents(p.events), ['cleared room-humidity-high', 'cleared room-sensor-comm-lost', 'cleared room-temperature-high', 'raised room-humidity-low', 'raised room-temperature-low']);
});
