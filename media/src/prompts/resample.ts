// Sample-rate conversion for prompt uploads: a band-limited (windowed-sinc) interpolator.
// Going down to 8 kHz, everything above the new Nyquist frequency must be removed BEFORE
// samples are dropped, or it folds back into the telephone band (a 6 kHz tone at 44.1 kHz
// would come out as a 2 kHz whistle). One kernel does both jobs: its cutoff is set below the
// lower of the two Nyquist frequencies, so it is the anti-alias low-pass when decimating and
// the anti-imaging filter when interpolating. Offline (whole buffers), not for the packet path.

/** Options of {@link resample}. */
export interface ResampleOptions {
  /** Cutoff as a fraction of the lower Nyquist frequency; 0.85 (3.4 kHz for 8 kHz out, the telephone band). */
  cutoff?: number;
  /** Zero crossings of the sinc on each side; 32 gives a ~600 Hz transition at 44.1 kHz. */
  zeroCrossings?: number;
}

/** Kernel table resolution: values per input sample, linearly interpolated between. */
const TABLE_STEPS = 256;

/**
 * Blackman-windowed sinc, tabulated for x = 0 … halfWidth input samples (it is symmetric).
 * `fc` is the cutoff in cycles per input sample. The Blackman window keeps the stop band
 * about 74 dB down, well below G.711's own quantisation noise.
 */
function kernelTable(fc: number, halfWidth: number): Float64Array {
  const n = Math.ceil(halfWidth * TABLE_STEPS) + 2;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = i / TABLE_STEPS;
    if (x >= halfWidth) break;
    const s = x === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
    const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / halfWidth) + 0.08 * Math.cos((2 * Math.PI * x) / halfWidth);
    t[i] = s * w;
  }
  return t;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Most phases worth precomputing; rates in use (8–192 kHz, 11.025 kHz families) need at most 320 to 8 kHz. */
const MAX_PHASES = 1024;

/**
 * Converts `input` (any sample values) from `fromRate` to `toRate`; returns a new array of
 * round(length × toRate / fromRate) samples. Samples beyond the ends count as zero.
 */
export function resample(input: Float32Array, fromRate: number, toRate: number, opts: ResampleOptions = {}): Float32Array {
  if (!(fromRate > 0) || !(toRate > 0)) throw new RangeError(`sample rates must be positive (${fromRate} → ${toRate})`);
  const outLen = Math.round((input.length * toRate) / fromRate);
  const out = new Float32Array(outLen);
  if (fromRate === toRate) {
    out.set(input.subarray(0, outLen));
    return out;
  }
  const cutoff = opts.cutoff ?? 0.85;
  const zeros = opts.zeroCrossings ?? 32;
  // Cutoff in cycles per input sample: below the lower of the two Nyquist frequencies.
  const fc = (cutoff * Math.min(fromRate, toRate)) / (2 * fromRate);
  const halfWidth = zeros / (2 * fc);
  const table = kernelTable(fc, halfWidth);
  const kernel = (x: number) => {
    const pos = Math.abs(x) * TABLE_STEPS;
    const i = pos | 0;
    return table[i]! + (table[i + 1]! - table[i]!) * (pos - i);
  };
  // Output n sits at input position n·step = n·up/down with integer up/down (44.1 → 8 kHz:
  // 441/80): its fractional part repeats every `phases` outputs, so each phase's taps are
  // computed once and the inner loop is a plain dot product.
  const g = gcd(Math.round(fromRate), Math.round(toRate));
  const phases = Number.isInteger(fromRate) && Number.isInteger(toRate) ? toRate / g : Infinity;
  if (phases <= MAX_PHASES) {
    const down = fromRate / g;
    const taps = 2 * Math.ceil(halfWidth) + 1;
    const coeffs = new Float64Array(phases * taps);
    for (let ph = 0; ph < phases; ph++) {
      const frac = ((ph * down) % phases) / phases; // fractional input position of this phase
      for (let k = 0; k < taps; k++) {
        const x = frac - (k - Math.ceil(halfWidth)); // distance from input sample (base + k - ceil(halfWidth))
        coeffs[ph * taps + k] = Math.abs(x) < halfWidth ? kernel(x) : 0;
      }
    }
    const lead = Math.ceil(halfWidth);
    for (let n = 0; n < outLen; n++) {
      const ph = n % phases;
      const base = Math.floor((n * down) / phases) - lead;
      const c = ph * taps;
      let acc = 0;
      const k0 = Math.max(0, -base);
      const k1 = Math.min(taps, input.length - base);
      for (let k = k0; k < k1; k++) acc += input[base + k]! * coeffs[c + k]!;
      out[n] = acc;
    }
    return out;
  }
  // Irrational-looking ratio: evaluate the kernel per tap.
  const step = fromRate / toRate;
  for (let n = 0; n < outLen; n++) {
    const t = n * step;
    const first = Math.max(0, Math.ceil(t - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(t + halfWidth));
    let acc = 0;
    for (let k = first; k <= last; k++) acc += input[k]! * kernel(t - k);
    out[n] = acc;
  }
  return out;
}
