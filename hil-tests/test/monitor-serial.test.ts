// The monitor process reads a UPS (Megatec Q1) and a room sensor (Modbus RTU) over real
// pseudo-terminals: simulators on the far end of socat pty pairs answer like the devices, and
// switching them (mains fails, room overheats, UPS unplugged) raises and clears the alarms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc16Modbus, decodeSmsSubmit, parseQ1, readRegistersReply, SerialLink, sendSms, SmsSendError } from '@hotline/drivers/serial';
import type { MonitorStatus } from '@hotline/appliance/monitor';
import { startMonitor } from '../src/monitor.ts';
import { openPeer, socatInstalled, startPtyPair } from '../src/serial-pty.ts';
import { startModemSimulator, startUpsSimulator } from '../src/serial-sims.ts';

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

  const ups = await startUpsSimulator(upsPty.peer, ONLINE);
  t.after(() => ups.close());

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
  assert.ok(ups.q1Seen >= 1, 'the first poll asked the UPS');
  assert.deepEqual(s.alarms.filter((a) => a.id.startsWith('ups-') || a.id.startsWith('room-')), [], monitor.logs());

  ups.status = ON_BATTERY;
  s = await waitFor('ups-on-battery', monitor.status, has('ups-on-battery'));
  const onBattery = s.alarms.find((a) => a.id === 'ups-on-battery')!;
  assert.equal(onBattery.severity, 'major');
  assert.match(onBattery.text.zh, /电池供电/);

  regs.set(0x10, 312); // 31.2 °C
  s = await waitFor('room-temperature-high', monitor.status, has('room-temperature-high'));
  assert.match(s.alarms.find((a) => a.id === 'room-temperature-high')!.text.en, /31.2 °C/);

  // Cable pulled during the power cut: comm lost is added, on battery stays.
  ups.answering = false;
  s = await waitFor('ups-comm-lost', monitor.status, has('ups-comm-lost'));
  assert.ok(has('ups-on-battery')(s));

  // Cable back (the monitor reopens the port) and mains back: everything clears.
  ups.answering = true;
  ups.status = ONLINE;
  regs.set(0x10, 240);
  s = await waitFor('all device alarms cleared', monitor.status, (x) => hasNot('ups-on-battery')(x) && hasNot('ups-comm-lost')(x) && hasNot('room-temperature-high')(x));
});

test('an alarm raise and its clear are texted through the modem simulator in UCS2 PDU mode', { skip: !socatInstalled() && 'socat not installed (bootstrap-host.sh test)' }, async (t) => {
  const upsPty = await startPtyPair();
  t.after(() => upsPty.stop());
  const modemPty = await startPtyPair();
  t.after(() => modemPty.stop());
  const ups = await startUpsSimulator(upsPty.peer, ONLINE);
  t.after(() => ups.close());
  const modem = await startModemSimulator(modemPty.peer, 12);
  t.after(() => modem.close());

  const monitor = await startMonitor((d) => {
    d.snmp = { enabled: false };
    d.monitor = { pollIntervalSec: 1 };
    d.devices = { ups: { port: upsPty.device }, smsModem: { port: modemPty.device, recipients: ['+8613800138000'] } };
  });
  t.after(() => monitor.stop());

  ups.status = ON_BATTERY;
  await waitFor('ups-on-battery', monitor.status, has('ups-on-battery'));
  // Other alarms (no PBX runs in this data dir) are texted too: look for the UPS's.
  const upsTexts = () => messages(modem.pdus).filter((m) => /UPS/.test(m.text));
  await until('the raise texted', () => upsTexts().length >= 1);
  assert.deepEqual(modem.commands.slice(0, 3), ['ATE0', 'AT+CMGF=0', `AT+CMGS=${modem.pdus[0]!.length / 2 - 1}`]);
  const [raised] = upsTexts();
  assert.equal(raised!.to, '+8613800138000');
  assert.match(raised!.text, /告警\(major\) #\d+：UPS 正在使用电池供电：市电中断.* \/ Alarm: UPS on battery: mains power failed/);
  // Each part of a long text is its own AT+CMGS, answered +CMGS.
  assert.equal(modem.commands.filter((c) => c.startsWith('AT+CMGS=')).length, modem.pdus.length);

  ups.status = ONLINE;
  await until('the clear texted', () => upsTexts().length >= 2);
  assert.match(upsTexts()[1]!.text, /告警恢复 #\d+：UPS 正在使用电池供电.* \/ Cleared: UPS on battery/);
  const s = await monitor.status();
  assert.equal(s.sms.failed, 0);
  assert.ok(s.sms.sent >= 2);
});

test('sendSms over a pty: +CMGS message references per part, and +CMS ERROR refused with its code', { skip: !socatInstalled() && 'socat not installed (bootstrap-host.sh test)' }, async (t) => {
  const pty = await startPtyPair();
  t.after(() => pty.stop());
  const modem = await startModemSimulator(pty.peer, 40);
  t.after(() => modem.close());
  const link = await SerialLink.open(pty.device, 115200);
  t.after(() => link.close());
  const text = '机房温度过高，请立即检查空调。Room too hot, check the air conditioning. '.repeat(2);
  const refs = await sendSms(link, '+8613800138000', text, 9);
  assert.deepEqual(refs, [40, 41]);
  assert.equal(modem.pdus.map((p) => decodeSmsSubmit(p).text).join(''), text);
  modem.cmsError = 500;
  await assert.rejects(sendSms(link, '+8613800138000', 'hello'), (err: Error) => err instanceof SmsSendError && /\+CMS ERROR: 500/.test(err.message));
});

async function until(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Decodes the PDUs the modem received and joins concatenated parts by reference, in order. */
function messages(pdus: string[]): Array<{ to: string; text: string }> {
  const out: Array<{ to: string; text: string; ref?: number }> = [];
  for (const m of pdus.map((p) => decodeSmsSubmit(p))) {
    const last = out[out.length - 1];
    if (m.concat && m.concat.seq > 1 && last?.ref === m.concat.ref) last.text += m.text;
    else out.push({ to: m.to, text: m.text, ...(m.concat && { ref: m.concat.ref }) });
  }
  return out.map(({ to, text }) => ({ to, text }));
}
