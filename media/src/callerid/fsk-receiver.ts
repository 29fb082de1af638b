// FSK caller ID receiver: finds the mark signal, demodulates 1200-baud
// Bell 202 or V.23 FSK, frames the asynchronous bytes and hands back the
// message once its checksum passes (GR-30-CORE, EN 300 659-1).
//
// Demodulation is quadrature correlation over one bit: every sample, the
// last N ≈ 8000/1200 samples are correlated with a complex exponential at the
// mark and at the space frequency, and the sign of |mark|² − |space|² is the
// bit. The comparison is a ratio, so it does not depend on the line level,
// and the window matches one bit, so it integrates noise over the whole bit.
// (A delay-and-multiply discriminator is cheaper but needs a level-dependent
// threshold for these frequency pairs.)
//
// Bit timing is recovered per byte, as a UART does: in the idle mark state
// the first space sample marks the start edge, and bits are then sampled at
// edge + (k + ½) bit periods. The correlator reports a bit about half a window
// after it starts, which is the same delay the edge detection sees, so the two
// cancel. Re-synchronising on every start bit makes ±1 % baud error (0.1 bit
// of drift over 10 bits) harmless.
//
// The receiver only accepts a message after a run of mark bits (the mark
// signal of GR-30 / EN 300 659-1), so the channel seizure's
// 0101… (which looks like a stream of 0x55 bytes to a UART) never starts one.
// The seizure itself is optional: off-hook (type 2) transmissions omit it.
//
// Nothing is allocated per frame: the window, correlation tables and byte
// buffer are preallocated; an event object is created only when a message
// ends.

import { dbm0ToPeak } from '../tones/level.ts';
import { FSK_MODEMS, type FskStandard } from './fsk-modem.ts';
import { CallerIdError, callerIdMessageLength, decodeCallerId, type CallerIdMessage } from './message.ts';

/** Options of an FskCallerIdReceiver. */
export interface FskReceiverOptions {
  /** Modem; default 'bell202'. */
  readonly standard?: FskStandard;
  /** Lowest carrier level accepted, in dBm0; default -40 (far below the -13.5 dBm0 sent, leaving room for line loss). */
  readonly minLevelDbm0?: number;
  /** Mark bits required before a message; default 20 (EN 300 659-1 allows as few as 55, the seizure has runs of 1). */
  readonly minMarkBits?: number;
}

/** What the receiver reports: a good message, or a transmission it had to drop. */
export type FskCallerIdEvent =
  | { readonly type: 'message'; readonly message: CallerIdMessage; readonly bytes: Uint8Array; readonly startSample: number }
  | { readonly type: 'error'; readonly error: CallerIdError; readonly bytes: Uint8Array; readonly startSample: number };

const SAMPLE_RATE = 8000;
const MAX_MESSAGE = 2 + 255 + 1;
const NO_EVENTS: readonly FskCallerIdEvent[] = Object.freeze([]);

const HUNT = 0;
const IDLE = 1;
const BITS = 2;

/** Pure FSK caller ID receiver over 8 kHz linear PCM frames of any size. */
export class FskCallerIdReceiver {
  private readonly n: number;
  private readonly window: Float64Array;
  private readonly markCos: Float64Array;
  private readonly markSin: Float64Array;
  private readonly spaceCos: Float64Array;
  private readonly spaceSin: Float64Array;
  private readonly minPower: number;
  private readonly samplesPerBit: number;
  private readonly minMarkSamples: number;
  private readonly carrierHold: number;
  private readonly bytes = new Uint8Array(MAX_MESSAGE);
  private pos = 0;
  private sampleIndex = 0;
  private state = HUNT;
  private markRun = 0;
  private carrierOff = 0;
  private edge = 0;
  private bitNo = 0;
  private nextAt = 0;
  private shift = 0;
  private count = 0;
  private messageStart = 0;
  private dPrev = 0;

  /** Creates a receiver waiting for a mark signal. */
  constructor(options: FskReceiverOptions = {}) {
    const modem = FSK_MODEMS[options.standard ?? 'bell202'];
    this.samplesPerBit = SAMPLE_RATE / modem.baud;
    const n = Math.round(this.samplesPerBit);
    this.n = n;
    this.window = new Float64Array(2 * n);
    const table = (f: number, fn: (x: number) => number): Float64Array =>
      Float64Array.from({ length: n }, (_, k) => fn((2 * Math.PI * f * k) / SAMPLE_RATE));
    this.markCos = table(modem.markHz, Math.cos);
    this.markSin = table(modem.markHz, Math.sin);
    this.spaceCos = table(modem.spaceHz, Math.cos);
    this.spaceSin = table(modem.spaceHz, Math.sin);
    const peak = dbm0ToPeak(options.minLevelDbm0 ?? -40);
    this.minPower = (n * peak * peak) / 2;
    this.minMarkSamples = Math.round((options.minMarkBits ?? 20) * this.samplesPerBit);
    // Carrier may dip for a sample or two in noise; two bits without it ends a transmission.
    this.carrierHold = Math.round(2 * this.samplesPerBit);
  }

  /** Samples processed since creation. */
  get samples(): number {
    return this.sampleIndex;
  }

  /** Forgets any partial message and waits for a new mark signal. */
  reset(): void {
    this.state = HUNT;
    this.markRun = 0;
    this.count = 0;
  }

  /** Feeds one frame; returns the messages (or dropped transmissions) that ended in it. */
  process(frame: Int16Array): readonly FskCallerIdEvent[] {
    let events: FskCallerIdEvent[] | null = null;
    const n = this.n;
    const w = this.window;
    const mc = this.markCos;
    const ms = this.markSin;
    const sc = this.spaceCos;
    const ss = this.spaceSin;
    for (let i = 0; i < frame.length; i++) {
      const x = frame[i]!;
      // The window is stored twice so w[pos+1 .. pos+n] is always the last n samples, oldest first.
      w[this.pos] = x;
      w[this.pos + n] = x;
      this.pos = this.pos + 1 === n ? 0 : this.pos + 1;
      let mi = 0;
      let mq = 0;
      let si = 0;
      let sq = 0;
      let p = 0;
      const base = this.pos;
      for (let k = 0; k < n; k++) {
        const v = w[base + k]!;
        mi += v * mc[k]!;
        mq += v * ms[k]!;
        si += v * sc[k]!;
        sq += v * ss[k]!;
        p += v * v;
      }
      const d = mi * mi + mq * mq - (si * si + sq * sq);
      const carrier = p >= this.minPower;
      const t = this.sampleIndex++;
      if (carrier) this.carrierOff = 0;
      else this.carrierOff++;
      const dSum = d + this.dPrev;
      this.dPrev = d;

      if (this.carrierOff > this.carrierHold || (!carrier && this.state === HUNT)) {
        if (this.count > 0) (events ??= []).push(this.fail('truncated', 'carrier lost in the middle of a message'));
        this.state = HUNT;
        this.markRun = 0;
        this.count = 0;
        continue;
      }
      switch (this.state) {
        case HUNT:
          if (d > 0) {
            if (++this.markRun >= this.minMarkSamples) this.state = IDLE;
          } else this.markRun = 0;
          break;
        case IDLE:
          if (d < 0 && carrier) {
            this.edge = t;
            this.bitNo = 0;
            this.shift = 0;
            // Decide on the sum of two samples straddling the bit centre.
            this.nextAt = t + 0.5 * this.samplesPerBit + 0.5;
            this.state = BITS;
          }
          break;
        case BITS: {
          if (t < this.nextAt) break;
          const bit = dSum > 0 ? 1 : 0;
          const k = this.bitNo++;
          this.nextAt = this.edge + (k + 1.5) * this.samplesPerBit + 0.5;
          if (k === 0) {
            // A start bit that is mark again at its centre was a glitch.
            if (bit !== 0) this.state = IDLE;
          } else if (k <= 8) {
            this.shift |= bit << (k - 1);
          } else {
            if (bit !== 1) {
              if (this.count > 0) (events ??= []).push(this.fail('malformed', 'framing error (stop bit is a space)'));
              this.state = HUNT;
              this.markRun = 0;
              this.count = 0;
              break;
            }
            if (this.count === 0) this.messageStart = this.edge;
            this.bytes[this.count++] = this.shift;
            this.state = IDLE;
            const total = callerIdMessageLength(this.bytes, this.count);
            if (total > 0 && this.count >= total) {
              (events ??= []).push(this.finish());
              this.state = HUNT;
              this.markRun = 0;
              this.count = 0;
            }
          }
          break;
        }
      }
    }
    return events ?? NO_EVENTS;
  }

  private finish(): FskCallerIdEvent {
    const bytes = this.bytes.slice(0, this.count);
    try {
      return { type: 'message', message: decodeCallerId(bytes), bytes, startSample: this.messageStart };
    } catch (e) {
      if (e instanceof CallerIdError) return { type: 'error', error: e, bytes, startSample: this.messageStart };
      throw e;
    }
  }

  private fail(kind: 'truncated' | 'malformed', why: string): FskCallerIdEvent {
    return { type: 'error', error: new CallerIdError(kind, why), bytes: this.bytes.slice(0, this.count), startSample: this.messageStart };
  }
}
