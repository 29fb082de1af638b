// The monitor process reads a UPS (Megatec Q1) and a room sensor (Modbus RTU) over real
// pseudo-terminals: simulators on the far end of socat pty pairs answer like the devices, and
// switching them (mains fails, room overheats, UPS unplugged) raises and clears the alarms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc16Modbus, formatQ1, parseQ1, readRegistersReply, type UpsQ1Status } from '@hotline/drivers/serial';
import type { MonitorStatus } from '@hotline/appliance/monitor';
import { startMonitor } from '../src/monitor.ts';
import { openPeer, socatInstalled, startPtyPair } from '../src/serial-pty.ts';

const ONLINE = parseQ1('(231.0 231.0 230.0 045 50.0 27.20 31.5 00001000\r');
const ON_BATTERY = parseQ1('(000.0 231.0 229.0 047 50.0 25.10 31.5 10001001\r');

async function waitFor(what: string, status: () => Promise<MonitorStatus>, ok: (s: MonitorStatus) => boolean, timeoutMs = 15_000): Promise<MonitorStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await status();
    if (ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; alarms: ${s.alarms.map((a) => a.id).join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const has = (id: string) => (s: MonitorStatus) => s.alarms.some((a) => a.id === id);
const hasNot = (id: string) => (s: MonitorStatus) => !s.alarms.some((a) => a.id === id);

test('UPS on battery and a hot room over pty pairs raise and clear their alarms in the monitor', { skip: !socatInstalled() && 'socat not installed (bootstrap-host.sh test)' }, async (t) => {
  const upsPty = await startPtyPair();
  t.after(() => upsPty.stop());
  const roomPty = await startPtyPair();
  t.after(() => roomPty.stop());

  // UPS simulator: answers each Q1 with the current status; `answering` false plays an unplugged cable.
  let ups: UpsQ1Status = ONLINE;
  let answering = true;
  let q1Seen = 0;
  let upsRx = '';
  const upsPeer = await openPeer(upsPty.peer, (chunk, port) => {
    upsRx += chunk.toString('latin1');
    let i: number;
    while ((i = upsRx.indexOf('\r')) >= 0) {
      const cmd = upsRx.slice(0, i);
      upsRx = upsRx.slice(i + 1);
      if (cmd === 'Q1') {
        q1Seen++;
        if (answering) port.write(formatQ1(ups));
      }
    }
  });
  t.after(() => new Promise<void>((r) => upsPeer.close(() => r())));

  // Room sensor simulator: slave 7, input registers 0x10 (temperature, 0.1 °C) and 0x11 (humidity, 0.1 %).
  const regs = new Map<number, number>([[0x10, 235], [0x11, 480]]);
  const roomPeer = await openPeer(roomPty.peer, (chunk, port) => {
    // Requests are 8 bytes; the monitor sends one at a time, so a chunk boundary is a frame's.
    if (chunk.length !== 8 || crc16Modbus(chunk.subarray(0, 6)) !== chunk.readUInt16LE(6)) return;
    if (chunk[0] !== 7 || chunk[1] !== 0x04) return;
    const start = chunk.readUInt16BE(2);
    const count = chunk.readUInt16BE(4);
    port.write(readRegistersReply(7, 0x04, Array.from({ length: count }, (_, k) => regs.get(start + k) ?? 0)));
  });
  t.after(() => new Promise<void>((r) => roomPeer.close(() => r())));

  const monitor = await startMonitor((d) => {
    d.snmp = { enabled: false };
    d.monitor = { pollIntervalSec: 1 };
    d.devices = {
      ups: { port: upsPty.device, baudRate: 2400 },
      roomSensor: { port: roomPty.device, baudRate: 9600, address: 7, registerType: 'input', temperatureRegister: 0x10, humidityRegister: 0x11, scale: 0.1, thresholds: { temperatureHighC: 30 } },
    };
  });
  t.after(() => monitor.stop());

  let s = await monitor.status();
  assert.ok(q1Seen >= 1, 'the first poll asked the UPS');
  assert.deepEqual(s.alarms.filter((a) => a.id.startsWith('ups-') || a.id.startsWith('room-')), [], monitor.logs());

  ups = ON_BATTERY;
  s = await waitFor('ups-on-battery', monitor.status, has('ups-on-battery'));
  const onBattery = s.alarms.find((a) => a.id === 'ups-on-battery')!;
  assert.equal(onBattery.severity, 'major');
  assert.match(onBattery.text.zh, /电池供电/);

  regs.set(0x10, 312); // 31.2 °C
  s = await waitFor('room-temperature-high', monitor.status, has('room-temperature-high'));
  assert.match(s.alarms.find((a) => a.id === 'room-temperature-high')!.text.en, /31.2 °C/);

  // Cable pulled during the power cut: comm lost is added, on battery stays.
  answering = false;
  s = await waitFor('ups-comm-lost', monitor.status, has('ups-comm-lost'));
  assert.ok(has('ups-on-battery')(s));

  // Cable back (the monitor reopens the port) and mains back: everything clears.
  answering = true;
  ups = ONLINE;
  regs.set(0x10, 240);
  s = await waitFor('all device alarms cleared', monitor.status, (x) => hasNot('ups-on-battery')(x) && hasNot('ups-comm-lost')(x) && hasNot('room-temperature-high')(x));
});
