import { MAX_READ_REGISTERS, parseReadRegistersReply, readRegistersReplyFramer, readRegistersRequest, signed16, type RegisterFunction } from '@hotline/drivers/serial';
import type { SerialLink } from '@hotline/drivers/serial';
import type { Alarm } from '../../alarms/index.ts';
import type { RoomSensorSettings } from '../../config/index.ts';
import type { RoomState } from '../snapshot.ts';
import { SerialDevice } from './serial-device.ts';

/** One poll of the room sensor. */
export type RoomReading = { ok: true; temperatureC: number; humidityPercent: number } | { ok: false; error: string };

/** A Modbus slave answers within a few ms; 1 s covers slow sensors and RS-485 converters. */
const REPLY_TIMEOUT_MS = 1000;

/** Reads temperature and humidity registers over Modbus RTU (one read when they sit close together). */
export class RoomSensorReader {
  readonly #device = new SerialDevice();

  async read(s: RoomSensorSettings): Promise<RoomReading> {
    const r = await this.#device.use(s, (link) => readRoom(link, s));
    return r.ok ? { ok: true, ...r.value } : r;
  }

  close(): Promise<void> {
    return this.#device.close();
  }
}

async function readRoom(link: SerialLink, s: RoomSensorSettings): Promise<{ temperatureC: number; humidityPercent: number }> {
  const fn: RegisterFunction = s.registerType === 'input' ? 0x04 : 0x03;
  const read = async (start: number, count: number) => {
    const reply = await link.request(readRegistersRequest(s.address, fn, start, count), readRegistersReplyFramer, REPLY_TIMEOUT_MS);
    return parseReadRegistersReply(reply, s.address, fn, count);
  };
  const lo = Math.min(s.temperatureRegister, s.humidityRegister);
  const span = Math.abs(s.temperatureRegister - s.humidityRegister) + 1;
  let t: number;
  let h: number;
  if (span <= MAX_READ_REGISTERS) {
    const regs = await read(lo, span);
    t = regs[s.temperatureRegister - lo]!;
    h = regs[s.humidityRegister - lo]!;
  } else {
    t = (await read(s.temperatureRegister, 1))[0]!;
    h = (await read(s.humidityRegister, 1))[0]!;
  }
  // Round away the float noise of the scale (0.1 × 253 = 25.300000000000001).
  const scaled = (v: number) => Math.round(v * s.scale * 1000) / 1000;
  return { temperatureC: scaled(signed16(t)), humidityPercent: scaled(h) };
}

/** The MIB's room group from a reading; undefined: no sensor configured. */
export function roomState(r: RoomReading | undefined): RoomState {
  if (!r) return { state: 'notConfigured', temperatureC: 0, humidityPercent: 0 };
  if (!r.ok) return { state: 'commLost', temperatureC: 0, humidityPercent: 0 };
  return { state: 'ok', temperatureC: r.temperatureC, humidityPercent: r.humidityPercent };
}

/** Limit alarms of a reading that answered (scope `room`); a lost sensor keeps them (scope `room-link`). */
export function roomAlarms(r: { temperatureC: number; humidityPercent: number }, t: RoomSensorSettings['thresholds'], at: string): Alarm[] {
  const source = 'monitor/room';
  const out: Alarm[] = [];
  const { temperatureC: c, humidityPercent: h } = r;
  if (c >= t.temperatureHighC) out.push({ id: 'room-temperature-high', severity: 'major', source, raisedAt: at, text: { en: `Equipment room temperature ${c} °C (limit ${t.temperatureHighC} °C)`, zh: `机房温度过高：${c} °C（上限 ${t.temperatureHighC} °C）` } });
  if (c <= t.temperatureLowC) out.push({ id: 'room-temperature-low', severity: 'minor', source, raisedAt: at, text: { en: `Equipment room temperature ${c} °C (lower limit ${t.temperatureLowC} °C)`, zh: `机房温度过低：${c} °C（下限 ${t.temperatureLowC} °C）` } });
  if (h >= t.humidityHighPercent) out.push({ id: 'room-humidity-high', severity: 'minor', source, raisedAt: at, text: { en: `Equipment room humidity ${h}% (limit ${t.humidityHighPercent}%)`, zh: `机房湿度过高：${h}%（上限 ${t.humidityHighPercent}%）` } });
  if (h <= t.humidityLowPercent) out.push({ id: 'room-humidity-low', severity: 'minor', source, raisedAt: at, text: { en: `Equipment room humidity ${h}% (lower limit ${t.humidityLowPercent}%): static risk`, zh: `机房湿度过低：${h}%（下限 ${t.humidityLowPercent}%），有静电风险` } });
  return out;
}

/** `room-sensor-comm-lost` while the sensor does not answer. */
export function roomLinkAlarms(r: RoomReading, port: string, at: string): Alarm[] {
  if (r.ok) return [];
  return [{
    id: 'room-sensor-comm-lost', severity: 'minor', source: 'monitor/room', raisedAt: at,
    text: { en: `No answer from the room sensor on ${port}: ${r.error}`, zh: `串口 ${port} 上的机房温湿度传感器无应答：${r.error}` },
  }];
}
