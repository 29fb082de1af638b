// In-band DTMF detector (ITU-T Q.24 behaviour) over 8 kHz linear PCM.
//
// Analysis runs on blocks of 102 samples (12.75 ms, bins 78 Hz apart, which
// separates neighbouring rows), each computed as two 51-sample Goertzel
// halves so every tone's frequency can be measured from phase:
//   - the half-to-half phase step gives a coarse estimate, unambiguous to
//     ±78 Hz;
//   - the block-to-block phase step gives a fine one (errors of a few Hz),
//     unambiguous to ±39 Hz, and the coarse estimate picks its alias.
// Magnitude alone cannot do this: a 102-point bin loses only ~1.4 dB at a
// 3.5 % offset, far less than real-world level variation.
//
// A block is a "hit" for a digit when its strongest row and column tones are
// above the sensitivity, within the twist limits, clearly above the other
// tones of their group, and carry most of the block's energy (which rejects
// noise, speech and music whose energy is spread over many frequencies: the
// talk-off defence), and have weak second harmonics (a voice or an instrument
// holding two notes near a digit's pair has strong harmonics; a DTMF
// generator has almost none). A digit is declared once a run of hits lasts the
// minimum duration and at least one pair of steady blocks measured both tones
// within tolerance. Duration is estimated to a few samples from energies (a
// block that is only part tone holds that fraction of a full block's energy),
// so the 23 ms / 40 ms limits of Q.24 hold whatever the block alignment. The
// digit ends after two blocks (25.5 ms) without a hit, so a 40 ms pause always
// separates two digits while a 10 ms drop-out does not split one.
//
// Nothing is allocated per frame: state is in preallocated typed arrays, and
// an event object is only created when a digit begins or ends.

import { DTMF_COLUMN_HZ, DTMF_KEYPAD, DTMF_ROW_HZ, type DtmfDigit } from './digits.ts';
import { dbm0ToPeak } from '../tones/level.ts';

/** A digit beginning or ending, as the detector reports it. */
export interface DtmfToneEvent {
  /** `begin` when the digit is recognised, `end` when its tone stops. */
  readonly type: 'begin' | 'end';
  /** The digit. */
  readonly digit: DtmfDigit;
  /** Sample index (since the detector was created) where the tone started. */
  readonly startSample: number;
  /** Estimated tone duration in samples so far (`begin`) or in all (`end`). */
  readonly durationSamples: number;
}

/** Options of a DtmfDetector; the defaults follow ITU-T Q.24. */
export interface DtmfDetectorOptions {
  /** Shortest tone accepted, in ms; default 30 (Q.24: accept ≥ 40 ms, reject < 23 ms). */
  readonly minDurationMs?: number;
  /** Lowest level of each tone, in dBm0; default -30. */
  readonly minLevelDbm0?: number;
  /** Largest normal twist (column weaker than row) in dB; default 9 (Q.24 requires 8, plus 1 dB of measurement headroom). */
  readonly maxNormalTwistDb?: number;
  /** Largest reverse twist (column stronger) in dB; default 5 (Q.24 requires 4, plus 1 dB of headroom). */
  readonly maxReverseTwistDb?: number;
  /** Largest frequency deviation as a fraction; default 0.025 (Q.24: accept ±1.5 %, reject ±3.5 %). */
  readonly frequencyTolerance?: number;
  /** Share of the block energy the two tones must carry; default 0.7 (about 4 dB SNR; also the talk-off guard). */
  readonly minToneEnergyRatio?: number;
  /** How far (dB) the strongest tone of a group must stand above the group's next; default 6. */
  readonly minGroupMarginDb?: number;
  /** How far (dB) each tone's second harmonic must stay below it; default 10. */
  readonly minHarmonicMarginDb?: number;
}

const SAMPLE_RATE = 8000;
const HALF = 51;
const BLOCK = 2 * HALF;
const TONES = 8;
const NO_EVENTS: readonly DtmfToneEvent[] = Object.freeze([]);
/** Two consecutive blocks count as steady (both fully inside the tone) when their energies are within ~1 dB. */
const STEADY_RATIO = 0.8;
/** Blocks without a hit that end a digit: 2 × 12.75 ms, below the 40 ms pause Q.24 requires us to see. */
const END_MISSES = 2;
/** 1.4 bins of the 102-point block. The closest checked pair (2 × 697 Hz vs 1209 Hz) is 185 Hz apart, where the column leaks in at -18 dB. */
const HARMONIC_CLEARANCE_HZ = 110;

function wrapPi(a: number): number {
  while (a > Math.PI) a -= 2 * Math.PI;
  while (a < -Math.PI) a += 2 * Math.PI;
  return a;
}

/** Streaming in-band DTMF detector for 8 kHz 16-bit linear audio; feed it frames of any length. */
export class DtmfDetector {
  private readonly minDuration: number;
  private readonly minTonePower: number;
  private readonly maxNormalTwist: number;
  private readonly maxReverseTwist: number;
  private readonly tolerance: number;
  private readonly minRatio: number;
  private readonly groupMargin: number;
  private readonly harmonicMargin: number;

  // Per-tone constants: indices 0-3 rows, 4-7 columns.
  private readonly freq = new Float64Array(TONES);
  private readonly coeff = new Float64Array(TONES);
  /** Goertzel coefficients of the second harmonics, run only on blocks that pass every other check. */
  private readonly coeff2 = new Float64Array(TONES);
  /** The current block's samples, for the second-harmonic check. */
  private readonly block = new Float64Array(BLOCK);
  private readonly cosW = new Float64Array(TONES);
  private readonly sinW = new Float64Array(TONES);
  private readonly cosHalf = new Float64Array(TONES);
  private readonly sinHalf = new Float64Array(TONES);
  private readonly stepHalf = new Float64Array(TONES);
  private readonly stepBlock = new Float64Array(TONES);

  // Goertzel state and results.
  private readonly s1 = new Float64Array(TONES);
  private readonly s2 = new Float64Array(TONES);
  private readonly y1re = new Float64Array(TONES);
  private readonly y1im = new Float64Array(TONES);
  private readonly zre = new Float64Array(TONES);
  private readonly zim = new Float64Array(TONES);
  private readonly prevZre = new Float64Array(TONES);
  private readonly prevZim = new Float64Array(TONES);
  private readonly power = new Float64Array(TONES);
  /**
   * Tone power summed over the two half-blocks: wider bins (157 Hz) that lose
   * under 0.4 dB at a 1.5 % offset where the full block loses up to 1.4 dB, so
   * level, twist and energy-share checks do not depend on where in the
   * tolerance the tone sits. The full-block power (narrow bins) is used only to
   * pick the tone and check it stands clear of its neighbours.
   */
  private readonly halfPower = new Float64Array(TONES);
  /** Phase step from the first half-block to the second, per tone. */
  private readonly halfStep = new Float64Array(TONES);
  private bestRow = 0;
  private bestCol = 4;
  private pos = 0;
  private secondHalf = false;
  private energy = 0;
  private sampleIndex = 0;

  // Block history.
  private prevBlockEnergy = 0;
  private prevHit = -1;

  // Current run of hits.
  private runDigit = -1;
  private runStart = 0;
  private runMaxEnergy = 0;
  private runToneEnergy = 0;
  private runLeadEnergy = 0;
  private runFirstEnergy = 0;
  private runFreqChecked = false;
  private runBad = false;
  private declared = false;
  private misses = 0;
  private trailEnergy = 0;

  /** Creates a detector; options default to Q.24 figures. */
  constructor(options: DtmfDetectorOptions = {}) {
    this.minDuration = Math.round(((options.minDurationMs ?? 30) * SAMPLE_RATE) / 1000);
    const peak = dbm0ToPeak(options.minLevelDbm0 ?? -30);
    // Normalised tone power is the tone's energy over the block: (peak²/2)·N.
    this.minTonePower = ((peak * peak) / 2) * BLOCK;
    this.maxNormalTwist = Math.pow(10, (options.maxNormalTwistDb ?? 9) / 10);
    this.maxReverseTwist = Math.pow(10, (options.maxReverseTwistDb ?? 5) / 10);
    this.tolerance = options.frequencyTolerance ?? 0.025;
    this.minRatio = options.minToneEnergyRatio ?? 0.7;
    this.groupMargin = Math.pow(10, (options.minGroupMarginDb ?? 6) / 10);
    this.harmonicMargin = Math.pow(10, (options.minHarmonicMarginDb ?? 10) / 10);
    for (let k = 0; k < TONES; k++) {
      const f = k < 4 ? DTMF_ROW_HZ[k]! : DTMF_COLUMN_HZ[k - 4]!;
      const w = (2 * Math.PI * f) / SAMPLE_RATE;
      this.freq[k] = f;
      this.coeff[k] = 2 * Math.cos(w);
      this.coeff2[k] = 2 * Math.cos(2 * w);
      this.cosW[k] = Math.cos(w);
      this.sinW[k] = Math.sin(w);
      this.cosHalf[k] = Math.cos(w * HALF);
      this.sinHalf[k] = Math.sin(w * HALF);
      this.stepHalf[k] = wrapPi(w * HALF);
      this.stepBlock[k] = wrapPi(w * BLOCK);
    }
  }

  /** Samples consumed so far: the time base of the events. */
  get samples(): number {
    return this.sampleIndex;
  }

  /** Feeds samples; returns the digits that began or ended in them (usually none). */
  process(frame: Int16Array): readonly DtmfToneEvent[] {
    let events: DtmfToneEvent[] | null = null;
    const len = frame.length;
    let i = 0;
    while (i < len) {
      const n = Math.min(len - i, HALF - this.pos);
      const end = i + n;
      let e = this.energy;
      const base = (this.secondHalf ? HALF : 0) + this.pos - i;
      const block = this.block;
      for (let j = i; j < end; j++) {
        const x = frame[j]!;
        e += x * x;
        block[base + j] = x;
      }
      this.energy = e;
      for (let k = 0; k < TONES; k++) {
        const c = this.coeff[k]!;
        let s1 = this.s1[k]!;
        let s2 = this.s2[k]!;
        for (let j = i; j < end; j++) {
          const s0 = frame[j]! + c * s1 - s2;
          s2 = s1;
          s1 = s0;
        }
        this.s1[k] = s1;
        this.s2[k] = s2;
      }
      this.pos += n;
      this.sampleIndex += n;
      i = end;
      if (this.pos === HALF) {
        this.pos = 0;
        if (!this.secondHalf) {
          this.finishFirstHalf();
        } else {
          events = this.finishBlock(events);
        }
        this.secondHalf = !this.secondHalf;
      }
    }
    return events ?? NO_EVENTS;
  }

  /** Forgets any tone in progress (for instance after the stream was re-anchored); the sample count goes on. */
  reset(): void {
    this.s1.fill(0);
    this.s2.fill(0);
    this.pos = 0;
    this.secondHalf = false;
    this.energy = 0;
    this.prevBlockEnergy = 0;
    this.prevHit = -1;
    this.runDigit = -1;
    this.declared = false;
  }

  private finishFirstHalf(): void {
    for (let k = 0; k < TONES; k++) {
      const s1 = this.s1[k]!;
      const s2 = this.s2[k]!;
      // Y = s[M-1] - e^{-jω} s[M-2] = e^{jω(M-1)} X_half.
      this.y1re[k] = s1 - this.cosW[k]! * s2;
      this.y1im[k] = this.sinW[k]! * s2;
      this.s1[k] = 0;
      this.s2[k] = 0;
    }
  }

  private finishBlock(events: DtmfToneEvent[] | null): DtmfToneEvent[] | null {
    const blockStart = this.sampleIndex - BLOCK;
    const energy = this.energy;
    this.energy = 0;
    for (let k = 0; k < TONES; k++) {
      const s1 = this.s1[k]!;
      const s2 = this.s2[k]!;
      const y2re = s1 - this.cosW[k]! * s2;
      const y2im = this.sinW[k]! * s2;
      this.s1[k] = 0;
      this.s2[k] = 0;
      // Z = Y1 + e^{-jωM} Y2: the whole block's DFT bin up to a fixed rotation.
      const ch = this.cosHalf[k]!;
      const sh = this.sinHalf[k]!;
      const zr = this.y1re[k]! + ch * y2re + sh * y2im;
      const zi = this.y1im[k]! + ch * y2im - sh * y2re;
      this.prevZre[k] = this.zre[k]!;
      this.prevZim[k] = this.zim[k]!;
      this.zre[k] = zr;
      this.zim[k] = zi;
      this.power[k] = ((zr * zr + zi * zi) * 2) / BLOCK;
      const y1re = this.y1re[k]!;
      const y1im = this.y1im[k]!;
      this.halfPower[k] = ((y1re * y1re + y1im * y1im + y2re * y2re + y2im * y2im) * 2) / HALF;
      // Coarse phase step from half 1 to half 2, stored until the hit test needs it.
      this.halfStep[k] = Math.atan2(y2im * this.y1re[k]! - y2re * this.y1im[k]!, y2re * this.y1re[k]! + y2im * this.y1im[k]!);
    }
    const hit = this.classify(energy);
    let steadyPair = false;
    if (hit >= 0 && hit === this.prevHit) {
      const ratio = energy < this.prevBlockEnergy ? energy / this.prevBlockEnergy : this.prevBlockEnergy / energy;
      steadyPair = ratio >= STEADY_RATIO;
    }
    events = this.track(hit, energy, blockStart, steadyPair, events);
    this.prevHit = hit;
    this.prevBlockEnergy = energy;
    return events;
  }

  /** Returns the keypad index (row*4+col) of the digit this block holds, or -1. */
  private classify(energy: number): number {
    const p = this.power;
    let r = 0;
    for (let k = 1; k < 4; k++) if (p[k]! > p[r]!) r = k;
    let c = 4;
    for (let k = 5; k < 8; k++) if (p[k]! > p[c]!) c = k;
    const hp = this.halfPower;
    const pr = hp[r]!;
    const pc = hp[c]!;
    if (pr < this.minTonePower || pc < this.minTonePower) return -1;
    if (pr > pc * this.maxNormalTwist || pc > pr * this.maxReverseTwist) return -1;
    if (pr + pc < this.minRatio * energy) return -1;
    for (let k = 0; k < 4; k++) if (k !== r && p[k]! * this.groupMargin > p[r]!) return -1;
    for (let k = 4; k < 8; k++) if (k !== c && p[k]! * this.groupMargin > p[c]!) return -1;
    if (this.harmonicPower(c) * this.harmonicMargin > p[c]!) return -1;
    // A row's second harmonic can sit under a column's skirt (2 × 697 = 1394 Hz is
    // 58 Hz from 1336 Hz): there the column leaks into the harmonic bin, so only
    // rows whose harmonic is clear of the digit's column are checked.
    if (Math.abs(2 * this.freq[r]! - this.freq[c]!) > HARMONIC_CLEARANCE_HZ && this.harmonicPower(r) * this.harmonicMargin > p[r]!) return -1;
    this.bestRow = r;
    this.bestCol = c;
    return r * 4 + (c - 4);
  }

  /** Power of tone k's second harmonic over the block, normalised like `power`. */
  private harmonicPower(k: number): number {
    const c = this.coeff2[k]!;
    const block = this.block;
    let s1 = 0;
    let s2 = 0;
    for (let n = 0; n < BLOCK; n++) {
      const s0 = block[n]! + c * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    return ((s1 * s1 + s2 * s2 - c * s1 * s2) * 2) / BLOCK;
  }

  /** Frequency deviation in Hz of tone k, from the half-block and block-to-block phase steps. */
  private deviationHz(k: number): number {
    const coarse = (wrapPi(this.halfStep[k]! - this.stepHalf[k]!) * SAMPLE_RATE) / (2 * Math.PI * HALF);
    const zr = this.zre[k]!;
    const zi = this.zim[k]!;
    const pr = this.prevZre[k]!;
    const pi = this.prevZim[k]!;
    const step = Math.atan2(zi * pr - zr * pi, zr * pr + zi * pi);
    const fine = (wrapPi(step - this.stepBlock[k]!) * SAMPLE_RATE) / (2 * Math.PI * BLOCK);
    const alias = SAMPLE_RATE / BLOCK;
    return fine + Math.round((coarse - fine) / alias) * alias;
  }

  private track(hit: number, energy: number, blockStart: number, steadyPair: boolean, events: DtmfToneEvent[] | null): DtmfToneEvent[] | null {
    if (hit >= 0 && hit === this.runDigit) {
      this.misses = 0;
      if (energy > this.runMaxEnergy) this.runMaxEnergy = energy;
      this.runToneEnergy += energy;
    } else if (hit >= 0) {
      // A different digit (or the first hit): close what was going on, start a run.
      events = this.closeRun(events, 0);
      this.runDigit = hit;
      this.runStart = blockStart;
      this.runMaxEnergy = energy;
      this.runToneEnergy = energy;
      this.runFirstEnergy = energy;
      // The block before the first hit may hold the tone's first samples.
      this.runLeadEnergy = this.prevHit < 0 ? this.prevBlockEnergy : 0;
      this.runFreqChecked = false;
      this.runBad = false;
      this.declared = false;
      this.misses = 0;
    } else {
      if (this.runDigit < 0) return events;
      this.misses++;
      if (this.misses === 1) this.trailEnergy = energy;
      if (!this.declared || this.misses >= END_MISSES) {
        events = this.closeRun(events, this.trailEnergy);
      }
      return events;
    }
    if (steadyPair && !this.runBad) {
      const dr = this.deviationHz(this.bestRow);
      const dc = this.deviationHz(this.bestCol);
      if (Math.abs(dr) > this.tolerance * this.freq[this.bestRow]! || Math.abs(dc) > this.tolerance * this.freq[this.bestCol]!) {
        this.runBad = true;
      } else {
        this.runFreqChecked = true;
      }
    }
    if (!this.declared && this.runFreqChecked && !this.runBad) {
      const est = this.estimate(0);
      if (est >= this.minDuration) {
        this.declared = true;
        (events ??= []).push({ type: 'begin', digit: this.digitOf(this.runDigit), startSample: this.startOf(), durationSamples: Math.round(est) });
      }
    }
    return events;
  }

  /** Ends the current run: reports its end if declared, or a begin+end when the trailing block makes it long enough. */
  private closeRun(events: DtmfToneEvent[] | null, trail: number): DtmfToneEvent[] | null {
    if (this.runDigit < 0) return events;
    const est = this.estimate(trail);
    const digit = this.digitOf(this.runDigit);
    if (!this.declared && this.runFreqChecked && !this.runBad && est >= this.minDuration) {
      (events ??= []).push({ type: 'begin', digit, startSample: this.startOf(), durationSamples: Math.round(est) });
      this.declared = true;
    }
    if (this.declared) (events ??= []).push({ type: 'end', digit, startSample: this.startOf(), durationSamples: Math.round(est) });
    this.runDigit = -1;
    this.declared = false;
    return events;
  }

  /** Tone duration in samples: each block counts for its energy relative to a full block. */
  private estimate(trail: number): number {
    const max = this.runMaxEnergy;
    const lead = Math.min(1, this.runLeadEnergy / max);
    const tail = Math.min(1, trail / max);
    return (this.runToneEnergy / max + lead + tail) * BLOCK;
  }

  private startOf(): number {
    const lead = Math.min(1, this.runLeadEnergy / this.runMaxEnergy);
    const first = this.runFirstEnergy / this.runMaxEnergy;
    // Tone in the first hit block fills its end; the lead block's share comes before it.
    return Math.round(this.runStart + (1 - first) * BLOCK - lead * BLOCK);
  }

  private digitOf(index: number): DtmfDigit {
    return DTMF_KEYPAD[index >> 2]![index & 3]!;
  }
}
