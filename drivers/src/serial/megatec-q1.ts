/**
 * Megatec "Q1" status protocol of small line-interactive and online UPSes (the protocol NUT's
 * blazer/nutdrv_qx drivers speak): the host sends `Q1\r`, the UPS answers one line
 * `(MMM.M NNN.N PPP.P QQQ RR.R S.SS TT.T b7b6b5b4b3b2b1b0\r`.
 */

/** The request, as bytes on the wire. */
export const Q1_REQUEST = 'Q1\r';

export interface UpsStatusBits {
  /** b7: mains failed, the UPS runs on its battery. */
  utilityFail: boolean;
  /** b6: battery low, shutdown is near. */
  batteryLow: boolean;
  /** b5: AVR boost/buck or bypass active. */
  bypassOrBoost: boolean;
  /** b4: the UPS reports an internal failure. */
  upsFailed: boolean;
  /** b3: standby (line-interactive) type; false: online type. */
  standbyType: boolean;
  /** b2: a battery self-test is running. */
  testInProgress: boolean;
  /** b1: a shutdown is pending. */
  shutdownActive: boolean;
  /** b0: the beeper is on. */
  beeperOn: boolean;
}

export interface UpsQ1Status {
  inputVolts: number;
  /** Input voltage at the last fault (or what the UPS chose to put there). */
  inputFaultVolts: number;
  outputVolts: number;
  loadPercent: number;
  frequencyHz: number;
  /** Per cell (e.g. 2.27) on some models, the whole pack (e.g. 13.6, 27.2) on others. */
  batteryVolts: number;
  temperatureC: number;
  bits: UpsStatusBits;
}

const NUM = '(\\d+(?:\\.\\d+)?)';
const Q1_LINE = new RegExp(`^\\(${NUM} ${NUM} ${NUM} ${NUM} ${NUM} ${NUM} ${NUM} ([01]{8})$`);

/** Why a reply was not a Q1 status line (shown in the comm-lost alarm and the log). */
export class Q1FormatError extends Error {
  override name = 'Q1FormatError';
}

/**
 * Parses one reply line (with or without its trailing CR). Throws Q1FormatError on anything
 * else — a NAK, a truncated line, garbage from a wrong baud rate — so the caller never reads a
 * half-parsed status as the truth.
 */
export function parseQ1(line: string): UpsQ1Status {
  const text = line.replace(/\r?\n?$/, '').replace(/\r$/, '');
  const m = Q1_LINE.exec(text);
  if (!m) throw new Q1FormatError(`not a Q1 status line: ${JSON.stringify(text.slice(0, 60))}`);
  const n = (i: number) => Number(m[i]);
  const b = m[8]!;
  const bit = (i: number) => b[i] === '1';
  return {
    inputVolts: n(1), inputFaultVolts: n(2), outputVolts: n(3), loadPercent: n(4), frequencyHz: n(5), batteryVolts: n(6), temperatureC: n(7),
    bits: {
      utilityFail: bit(0), batteryLow: bit(1), bypassOrBoost: bit(2), upsFailed: bit(3),
      standbyType: bit(4), testInProgress: bit(5), shutdownActive: bit(6), beeperOn: bit(7),
    },
  };
}

/** Formats a status as the UPS would send it (the simulators in the tests use it). */
export function formatQ1(s: UpsQ1Status): string {
  const f = (v: number, width: number, digits: number) => v.toFixed(digits).padStart(width, '0');
  const b = s.bits;
  const bits = [b.utilityFail, b.batteryLow, b.bypassOrBoost, b.upsFailed, b.standbyType, b.testInProgress, b.shutdownActive, b.beeperOn].map((x) => (x ? '1' : '0')).join('');
  return `(${f(s.inputVolts, 5, 1)} ${f(s.inputFaultVolts, 5, 1)} ${f(s.outputVolts, 5, 1)} ${f(s.loadPercent, 3, 0)} ${f(s.frequencyHz, 4, 1)} ${f(s.batteryVolts, 4, 2)} ${f(s.temperatureC, 4, 1)} ${bits}\r`;
}

/**
 * Battery charge estimated from the voltage, as NUT's blazer driver does (Q1 has no charge
 * field): linear between empty and full per-cell voltages of a lead-acid cell. The pack's cell
 * count is guessed from the voltage (a per-cell reading is below 3 V; otherwise 6 cells per 12 V).
 */
export function estimateChargePercent(batteryVolts: number): number {
  const cells = batteryVolts < 3 ? 1 : Math.max(6, Math.round(batteryVolts / 2.2 / 6) * 6);
  const perCell = batteryVolts / cells;
  const EMPTY = 1.73;
  const FULL = 2.25;
  const pct = ((perCell - EMPTY) / (FULL - EMPTY)) * 100;
  return Math.round(Math.min(100, Math.max(0, pct)));
}
