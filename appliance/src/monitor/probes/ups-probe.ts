import { crLine, estimateChargePercent, parseQ1, Q1_REQUEST, type UpsQ1Status } from '@hotline/drivers/serial';
import type { Alarm } from '../../alarms/index.ts';
import type { UpsState } from '../snapshot.ts';
import { SerialDevice } from './serial-device.ts';

/** One poll of the UPS: its status, or why it did not answer. */
export type UpsReading = { ok: true; status: UpsQ1Status } | { ok: false; error: string };

/** How long a UPS gets to answer Q1; a 2400 baud reply of 47 bytes takes ~200 ms. */
const REPLY_TIMEOUT_MS = 2000;

/** Reads a Megatec Q1 UPS on a serial port (kept open between polls, see SerialDevice). */
export class UpsReader {
  readonly #device = new SerialDevice();

  async read(s: { port: string; baudRate: number }): Promise<UpsReading> {
    const r = await this.#device.use(s, async (link) => parseQ1((await link.request(Q1_REQUEST, crLine, REPLY_TIMEOUT_MS)).toString('latin1')));
    return r.ok ? { ok: true, status: r.value } : r;
  }

  close(): Promise<void> {
    return this.#device.close();
  }
}

/** The MIB's UPS group from a reading; undefined reading: no UPS configured. */
export function upsState(r: UpsReading | undefined): UpsState {
  if (!r) return { state: 'notConfigured', inputVolts: 0, outputVolts: 0, loadPercent: 0, batteryPercent: 0 };
  if (!r.ok) return { state: 'commLost', inputVolts: 0, outputVolts: 0, loadPercent: 0, batteryPercent: 0 };
  const s = r.status;
  return {
    state: s.bits.batteryLow ? 'lowBattery' : s.bits.utilityFail ? 'onBattery' : 'online',
    inputVolts: s.inputVolts, outputVolts: s.outputVolts, loadPercent: s.loadPercent, batteryPercent: estimateChargePercent(s.batteryVolts),
  };
}

/**
 * The power alarms of a reading that answered (scope `ups`). A reading that failed reports
 * only `ups-comm-lost` in its own scope (`upsLinkAlarms`): losing the cable during a power cut
 * must not clear the on-battery alarm the NMS is acting on.
 */
export function upsAlarms(s: UpsQ1Status, at: string): Alarm[] {
  const out: Alarm[] = [];
  const source = 'monitor/ups';
  if (s.bits.utilityFail) out.push({
    id: 'ups-on-battery', severity: 'major', source, raisedAt: at,
    text: { en: `UPS on battery: mains power failed (input ${s.inputVolts} V, load ${s.loadPercent}%)`, zh: `UPS 正在使用电池供电：市电中断（输入 ${s.inputVolts} V，负载 ${s.loadPercent}%）` },
  });
  if (s.bits.batteryLow) out.push({
    id: 'ups-battery-low', severity: 'critical', source, raisedAt: at,
    text: { en: `UPS battery low (${s.batteryVolts} V): the appliance will lose power soon`, zh: `UPS 电池电量低（${s.batteryVolts} V）：设备即将断电` },
  });
  if (s.bits.upsFailed) out.push({
    id: 'ups-fault', severity: 'major', source, raisedAt: at,
    text: { en: 'UPS reports an internal fault', zh: 'UPS 报告内部故障' },
  });
  return out;
}

/** `ups-comm-lost` while the UPS does not answer (scope `ups-link`). */
export function upsLinkAlarms(r: UpsReading, port: string, at: string): Alarm[] {
  if (r.ok) return [];
  return [{
    id: 'ups-comm-lost', severity: 'minor', source: 'monitor/ups', raisedAt: at,
    text: { en: `No answer from the UPS on ${port}: ${r.error}`, zh: `串口 ${port} 上的 UPS 无应答：${r.error}` },
  }];
}
