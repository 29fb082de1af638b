// DTMF caller ID, as sent by exchanges in China and in a few European
// networks (ETSI EN 300 659-1, its DTMF annex, "DTMF based CLIP").
//
// The variant implemented here:
//   number present:      <start> digits C      start is D (common Chinese exchange practice) or A (the DTMF annex of EN 300 659-1)
//   number unavailable:  <start>? B 0 0 C      information code 00 (the common convention)
//   number private:      <start>? B 1 0 C      information code 10 (presentation restricted)
// Some exchanges end with '#' instead of 'C'; the decoder accepts both.
// Tones are 70 ms with 70 ms pauses by default, sent
// before the first ring or between the first and second ring.
//
// The decoder is fed digits already recognised by DtmfDetector; it keeps at
// most MAX_DTMF_CID_DIGITS and knows nothing of time: the adapter calls
// reset() when the ringing pattern says a new call starts or after a
// timeout of its own.

import type { DtmfDigit } from '../dtmf/digits.ts';
import type { DtmfGenerator, DtmfToneOptions } from '../dtmf/inband-generator.ts';
import { CallerIdError, MAX_NUMBER_LENGTH, type CallerIdAbsentReason } from './message.ts';

/** Start digit of a DTMF caller ID: 'D' (China) or 'A' (the DTMF annex of EN 300 659-1). */
export type DtmfCallerIdStart = 'A' | 'D';

/** What DTMF caller ID carries: a number or the reason it is absent. */
export interface DtmfCallerId {
  /** Calling number, digits 0-9. */
  readonly number?: string;
  /** Why there is no number. */
  readonly absentReason?: CallerIdAbsentReason;
}

/** Options for sending DTMF caller ID. */
export interface DtmfCallerIdOptions extends DtmfToneOptions {
  /** Start digit; default 'D'. */
  readonly start?: DtmfCallerIdStart;
}

/** Tone and pause used for DTMF caller ID unless overridden: 70 ms / 70 ms. */
export const DTMF_CALLER_ID_TONE: Readonly<Required<Pick<DtmfToneOptions, 'toneMs' | 'pauseMs'>>> = Object.freeze({ toneMs: 70, pauseMs: 70 });

/** Longest digit string the decoder holds before giving up on a sequence. */
export const MAX_DTMF_CID_DIGITS = MAX_NUMBER_LENGTH + 2;

/** The digit string of a DTMF caller ID, e.g. 'D13800138000C' or 'DB10C'. Throws CallerIdError('invalid-field'). */
export function dtmfCallerIdDigits(cid: DtmfCallerId, start: DtmfCallerIdStart = 'D'): string {
  if (cid.number !== undefined) {
    if (!/^[0-9]+$/.test(cid.number) || cid.number.length > MAX_NUMBER_LENGTH) {
      throw new CallerIdError('invalid-field', `DTMF caller ID number must be 1-${MAX_NUMBER_LENGTH} digits 0-9`);
    }
    return `${start}${cid.number}C`;
  }
  return `${start}B${cid.absentReason === 'private' ? '10' : '00'}C`;
}

/** Queues a DTMF caller ID on `generator` (70 ms tones and pauses unless `options` say otherwise). */
export function enqueueDtmfCallerId(generator: DtmfGenerator, cid: DtmfCallerId, options: DtmfCallerIdOptions = {}): void {
  const { start, ...tones } = options;
  generator.enqueue(dtmfCallerIdDigits(cid, start), { ...DTMF_CALLER_ID_TONE, ...tones });
}

/** Assembles DTMF caller ID from recognised digits; pure, no timers. */
export class DtmfCallerIdDecoder {
  private digits = '';
  private started = false;

  /** True while a sequence has started and not ended. */
  get inProgress(): boolean {
    return this.started;
  }

  /** Drops any partial sequence. */
  reset(): void {
    this.digits = '';
    this.started = false;
  }

  /**
   * Feeds one digit; returns the caller ID when it ends the sequence, else
   * null. Digits before a start digit are ignored; a sequence that overruns
   * MAX_DTMF_CID_DIGITS or holds an unexpected digit is dropped.
   */
  push(digit: DtmfDigit): DtmfCallerId | null {
    if (!this.started) {
      if (digit === 'A' || digit === 'D') this.started = true;
      // Some exchanges send the information code without a start digit.
      else if (digit === 'B') {
        this.started = true;
        this.digits = 'B';
      }
      return null;
    }
    if (digit === 'C' || digit === '#') {
      const s = this.digits;
      this.reset();
      if (s === 'B00') return { absentReason: 'unavailable' };
      if (s === 'B10') return { absentReason: 'private' };
      if (/^[0-9]+$/.test(s)) return { number: s };
      return null;
    }
    if (digit === 'A' || digit === 'D') {
      // A new start digit restarts the sequence (a repeat after a lost end digit).
      this.digits = '';
      return null;
    }
    if (digit === 'B' ? this.digits.length > 0 : digit === '*') {
      this.reset();
      return null;
    }
    this.digits += digit;
    if (this.digits.length > MAX_DTMF_CID_DIGITS) this.reset();
    return null;
  }
}
