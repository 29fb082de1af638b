// Call-progress tone generator: oscillators gated by a cadence state machine.
//
// Time is counted in samples written, so the cadence is exact to the sample
// whatever the frame size. Each burst starts at a zero crossing and is shaped
// by a short linear ramp at both edges: gating a sine abruptly puts a step in
// the waveform that a listener hears as a click.

import { dbm0ToPeak } from './level.ts';
import { SineOscillator } from './oscillator.ts';
import { toneZone, type ToneName, type ToneSpec, type ToneZone } from './tone-zones.ts';

/** Most frequencies one tone may sum (E.180 tones use one or two; three covers the odd special tone). */
export const MAX_TONE_FREQUENCIES = 3;

/** Options of a ToneGenerator. */
export interface ToneGeneratorOptions {
  /** Zone name or definition; default `cn`. */
  readonly zone?: string | ToneZone;
  /** Sample rate in Hz; default 8000. */
  readonly sampleRate?: number;
  /** Overrides the level of every frequency, in dBm0. */
  readonly levelDbm0?: number;
  /** Length of the on/off ramps in ms; default 2. */
  readonly rampMs?: number;
}

/** Thrown when a tone definition cannot be played. */
export class ToneSpecError extends Error {
  override readonly name = 'ToneSpecError';
}

/** Plays one call-progress tone at a time into caller-supplied frames. */
export class ToneGenerator {
  /** The zone the generator plays from. */
  readonly zone: ToneZone;
  private readonly sampleRate: number;
  private readonly levelOverride: number | undefined;
  private readonly rampSamples: number;
  private readonly oscillators: SineOscillator[] = [];
  private readonly amplitudes = new Float64Array(MAX_TONE_FREQUENCIES);
  private oscCount = 0;
  /** Cadence in samples; empty = continuous. */
  private cadence: number[] = [];
  private segment = 0;
  private position = 0;
  private current: ToneName | 'custom' | null = null;

  /** Creates an idle generator for one zone. */
  constructor(options: ToneGeneratorOptions = {}) {
    this.zone = typeof options.zone === 'object' ? options.zone : toneZone(options.zone);
    this.sampleRate = options.sampleRate ?? 8000;
    this.levelOverride = options.levelDbm0;
    this.rampSamples = Math.max(1, Math.round(((options.rampMs ?? 2) * this.sampleRate) / 1000));
    for (let i = 0; i < MAX_TONE_FREQUENCIES; i++) this.oscillators.push(new SineOscillator(0, this.sampleRate));
  }

  /** The tone playing, `custom` for a ToneSpec, or null when silent. */
  get playing(): ToneName | 'custom' | null {
    return this.current;
  }

  /** Starts `tone` (a name in the zone or an ad-hoc spec) from the beginning of its first burst. */
  start(tone: ToneName | ToneSpec): void {
    const spec = typeof tone === 'string' ? this.zone.tones[tone] : tone;
    if (!spec) throw new ToneSpecError(`zone '${this.zone.name}' has no tone '${String(tone)}'`);
    if (spec.frequencies.length === 0 || spec.frequencies.length > MAX_TONE_FREQUENCIES) {
      throw new ToneSpecError(`a tone needs 1..${MAX_TONE_FREQUENCIES} frequencies, got ${spec.frequencies.length}`);
    }
    if (spec.cadenceMs.length % 2 !== 0 || spec.cadenceMs.some((ms) => !(ms > 0))) {
      throw new ToneSpecError('a cadence is pairs of positive on/off durations');
    }
    const level = this.levelOverride ?? spec.levelDbm0 ?? this.zone.levelDbm0;
    const peak = dbm0ToPeak(level);
    this.oscCount = spec.frequencies.length;
    for (let i = 0; i < this.oscCount; i++) {
      this.oscillators[i]!.setFrequency(spec.frequencies[i]!, this.sampleRate);
      this.oscillators[i]!.reset(0);
      this.amplitudes[i] = peak;
    }
    this.cadence = spec.cadenceMs.map((ms) => Math.round((ms * this.sampleRate) / 1000));
    this.segment = 0;
    this.position = 0;
    this.current = typeof tone === 'string' ? tone : 'custom';
  }

  /** Stops at once; the next frames are silence. */
  stop(): void {
    this.current = null;
  }

  /** Writes `out.length` samples of the tone (or silence); returns whether a tone is playing. */
  fill(out: Int16Array): boolean {
    if (this.current === null) {
      out.fill(0);
      return false;
    }
    const ramp = this.rampSamples;
    const continuous = this.cadence.length === 0;
    let i = 0;
    while (i < out.length) {
      // Work segment by segment so the per-sample loop has no cadence branches.
      const segLen = continuous ? Number.POSITIVE_INFINITY : this.cadence[this.segment]!;
      const on = continuous || (this.segment & 1) === 0;
      const n = Math.min(out.length - i, segLen - this.position);
      if (!on) {
        out.fill(0, i, i + n);
      } else {
        if (this.position === 0) for (let k = 0; k < this.oscCount; k++) this.oscillators[k]!.reset(0);
        for (let j = 0; j < n; j++) {
          const p = this.position + j;
          let v = 0;
          for (let k = 0; k < this.oscCount; k++) v += this.amplitudes[k]! * this.oscillators[k]!.next();
          // Linear ramp up over the first `ramp` samples and down over the last ones.
          const up = (p + 1) / ramp;
          const down = (segLen - p) / ramp;
          const g = up < 1 ? (down < up ? down : up) : down < 1 ? down : 1;
          out[i + j] = Math.round(v * g);
        }
        for (let k = 0; k < this.oscCount; k++) this.oscillators[k]!.renormalize();
      }
      i += n;
      this.position += n;
      if (!continuous && this.position >= segLen) {
        this.position = 0;
        this.segment = (this.segment + 1) % this.cadence.length;
      }
    }
    return true;
  }
}
