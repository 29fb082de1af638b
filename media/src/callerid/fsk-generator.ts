// FSK caller ID transmitter: the on-hook data transmission of Telcordia
// GR-30-CORE (Bell 202) and ETSI EN 300 659-1 (V.23).
//
// A transmission is: channel seizure (alternating 0101…, GR-30), a
// mark signal (continuous 1s), then each message byte framed as a start bit
// (0), 8 data bits least significant first, and a stop bit (1), then a few
// mark bits so the last stop bit is not cut by the ramp-down.
//
// The carrier is phase-continuous: one phasor is rotated by the mark or the
// space step each sample, so a bit change bends the frequency without a jump
// in phase (what FSK receivers are built for; a jump would splatter energy
// into the other tone's band). Bit boundaries are kept with a fractional
// accumulator, so any baud rate works at 8 kHz (1200 baud is 6⅔ samples per
// bit). The bit sequence is laid out once per message; fill() allocates
// nothing.

import { dbm0ToPeak } from '../tones/level.ts';
import { FSK_MODEMS, type FskStandard } from './fsk-modem.ts';

/** Options of an FskCallerIdGenerator. */
export interface FskGeneratorOptions {
  /** Modem; default 'bell202'. */
  readonly standard?: FskStandard;
  /** Carrier level in dBm0; default -13.5, the level Bell 202 caller ID is commonly sent at. */
  readonly levelDbm0?: number;
  /** Channel seizure bits; default the standard's 300. Use 0 for off-hook (type 2) transmission. */
  readonly seizureBits?: number;
  /** Mark bits before the message; default 180 (Bell 202) or 80 (V.23). */
  readonly markBits?: number;
  /** Mark bits after the last stop bit; default 4. */
  readonly trailingMarkBits?: number;
  /** Bit rate in baud; default 1200. Tests set it off by ±1 % (GR-30 allows ±1 %). */
  readonly baud?: number;
}

const SAMPLE_RATE = 8000;
/** Samples of raised ramp at the start and end of a burst, to keep the spectrum narrow. */
const RAMP = 8;

/** Streams FSK caller ID transmissions into 8 kHz linear frames on demand. */
export class FskCallerIdGenerator {
  private readonly peak: number;
  private readonly seizure: number;
  private readonly marks: number;
  private readonly trailing: number;
  private readonly bitStep: number;
  private readonly markCos: number;
  private readonly markSin: number;
  private readonly spaceCos: number;
  private readonly spaceSin: number;
  private bits: Uint8Array = new Uint8Array(0);
  private bitIndex = 0;
  private bitPhase = 0;
  private sample = 0;
  private c = 1;
  private s = 0;

  /** Creates an idle generator. */
  constructor(options: FskGeneratorOptions = {}) {
    const modem = FSK_MODEMS[options.standard ?? 'bell202'];
    this.peak = dbm0ToPeak(options.levelDbm0 ?? -13.5);
    this.seizure = options.seizureBits ?? modem.seizureBits;
    this.marks = options.markBits ?? modem.markBits;
    this.trailing = options.trailingMarkBits ?? 4;
    this.bitStep = (options.baud ?? modem.baud) / SAMPLE_RATE;
    const wm = (2 * Math.PI * modem.markHz) / SAMPLE_RATE;
    const ws = (2 * Math.PI * modem.spaceHz) / SAMPLE_RATE;
    this.markCos = Math.cos(wm);
    this.markSin = Math.sin(wm);
    this.spaceCos = Math.cos(ws);
    this.spaceSin = Math.sin(ws);
  }

  /** True while a transmission is being sent. */
  get active(): boolean {
    return this.bitIndex < this.bits.length;
  }

  /** Samples left in the current transmission (0 when idle). */
  get remainingSamples(): number {
    if (!this.active) return 0;
    return Math.ceil((this.bits.length - this.bitIndex - this.bitPhase) / this.bitStep);
  }

  /**
   * Starts sending `message` (bytes from encodeCallerId), replacing whatever
   * was being sent. Lays out the bit sequence once; fill() then streams it.
   */
  send(message: Uint8Array): void {
    const n = this.seizure + this.marks + message.length * 10 + this.trailing;
    const bits = new Uint8Array(n);
    let i = 0;
    // Seizure starts with a 0 (GR-30: "alternating 0s and 1s").
    for (let k = 0; k < this.seizure; k++) bits[i++] = k & 1;
    for (let k = 0; k < this.marks; k++) bits[i++] = 1;
    for (const byte of message) {
      bits[i++] = 0;
      for (let b = 0; b < 8; b++) bits[i++] = (byte >> b) & 1;
      bits[i++] = 1;
    }
    for (let k = 0; k < this.trailing; k++) bits[i++] = 1;
    this.bits = bits;
    this.bitIndex = 0;
    this.bitPhase = 0;
    this.sample = 0;
    this.c = 1;
    this.s = 0;
  }

  /** Stops at once. */
  clear(): void {
    this.bitIndex = this.bits.length;
  }

  /** Writes `out.length` samples (silence once the transmission ends); returns whether any carrier was written. */
  fill(out: Int16Array): boolean {
    const bits = this.bits;
    const total = bits.length;
    if (this.bitIndex >= total) {
      out.fill(0);
      return false;
    }
    const totalSamples = this.sample + this.remainingSamples;
    let i = 0;
    for (; i < out.length && this.bitIndex < total; i++) {
      const mark = bits[this.bitIndex] === 1;
      const cs = mark ? this.markCos : this.spaceCos;
      const sn = mark ? this.markSin : this.spaceSin;
      const up = (this.sample + 1) / RAMP;
      const down = (totalSamples - this.sample) / RAMP;
      const g = up < 1 ? (down < up ? down : up) : down < 1 ? down : 1;
      out[i] = Math.round(g * this.peak * this.s);
      const c = this.c * cs - this.s * sn;
      this.s = this.s * cs + this.c * sn;
      this.c = c;
      this.sample++;
      this.bitPhase += this.bitStep;
      if (this.bitPhase >= 1) {
        this.bitPhase -= 1;
        this.bitIndex++;
      }
    }
    // One Newton step of 1/sqrt keeps the phasor on the unit circle.
    const g = 1.5 - 0.5 * (this.c * this.c + this.s * this.s);
    this.c *= g;
    this.s *= g;
    if (i < out.length) out.fill(0, i);
    return true;
  }
}

/** Renders one whole transmission of `message` as 8 kHz linear PCM (allocates; for tests and prompts). */
export function renderFskCallerId(message: Uint8Array, options: FskGeneratorOptions = {}): Int16Array {
  const gen = new FskCallerIdGenerator(options);
  gen.send(message);
  const out = new Int16Array(gen.remainingSamples);
  gen.fill(out);
  return out;
}
