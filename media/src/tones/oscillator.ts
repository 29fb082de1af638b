// Phase-continuous sine oscillator by complex rotation.
//
// Each sample rotates a unit phasor (c, s) by the angle step ω = 2πf/fs, so a
// tone costs four multiplies per sample and no Math.sin. Rounding makes the
// phasor's length drift; `renormalize()` pulls it back with one Newton step
// of 1/sqrt (cheap, no sqrt), which generators call once per frame. Because
// the phasor is the state, the sine carries on across frames without a seam.

/** A recursive sine oscillator; state is two numbers, nothing is allocated per sample. */
export class SineOscillator {
  private cosStep = 1;
  private sinStep = 0;
  private c = 1;
  private s = 0;

  /** Frequency in Hz at `sampleRate`; `phase` in radians (0 starts at a zero crossing going up). */
  constructor(frequency: number, sampleRate: number, phase = 0) {
    this.setFrequency(frequency, sampleRate);
    this.c = Math.cos(phase);
    this.s = Math.sin(phase);
  }

  /** Changes the frequency without a phase jump. */
  setFrequency(frequency: number, sampleRate: number): void {
    const w = (2 * Math.PI * frequency) / sampleRate;
    this.cosStep = Math.cos(w);
    this.sinStep = Math.sin(w);
  }

  /** Restarts at `phase` radians. */
  reset(phase = 0): void {
    this.c = Math.cos(phase);
    this.s = Math.sin(phase);
  }

  /** Returns sin(phase) and advances one sample. */
  next(): number {
    const out = this.s;
    const c = this.c * this.cosStep - this.s * this.sinStep;
    this.s = this.s * this.cosStep + this.c * this.sinStep;
    this.c = c;
    return out;
  }

  /** Pulls the phasor back to unit length; call once per frame or so. */
  renormalize(): void {
    const g = 1.5 - 0.5 * (this.c * this.c + this.s * this.s);
    this.c *= g;
    this.s *= g;
  }
}
