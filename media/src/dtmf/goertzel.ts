// Goertzel algorithm: the power of one DFT bin without a full FFT.

/** Power of `samples` at `frequency` Hz: |X(f)|², where X is the DFT sum at that frequency (not normalized). */
export function goertzelPower(samples: ArrayLike<number>, frequency: number, sampleRate: number, start = 0, end = samples.length): number {
  const coeff = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let n = start; n < end; n++) {
    const s0 = samples[n]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

/**
 * Level-like measure of a sine at `frequency` in `samples[start..end)`: the
 * peak amplitude a pure sine at that frequency would need to give this bin
 * power (2|X|/N). Handy in tests and tone checks.
 */
export function goertzelAmplitude(samples: ArrayLike<number>, frequency: number, sampleRate: number, start = 0, end = samples.length): number {
  return (2 * Math.sqrt(goertzelPower(samples, frequency, sampleRate, start, end))) / (end - start);
}
