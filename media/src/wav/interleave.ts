// Interleaving for multi-channel recordings: one channel per party, sample frames
// in order (ch0 ch1 ... ch0 ch1 ...), as WAVE stores them. Caller-owned buffers.

/**
 * Interleaves equal-length channels of `bytesPerSample`-byte samples into `out`;
 * returns bytes written. Channels shorter than the first are padded with `fill`.
 */
export function interleave(channels: readonly Uint8Array[], bytesPerSample: 1 | 2, out: Uint8Array, fill = 0): number {
  const n = channels.length;
  if (n === 0) return 0;
  const samples = Math.floor(channels[0]!.length / bytesPerSample);
  const need = samples * n * bytesPerSample;
  if (out.length < need) throw new RangeError(`interleave needs ${need} bytes, out has ${out.length}`);
  for (let c = 0; c < n; c++) {
    const ch = channels[c]!;
    let o = c * bytesPerSample;
    const step = n * bytesPerSample;
    for (let i = 0; i < samples; i++, o += step) {
      const s = i * bytesPerSample;
      for (let b = 0; b < bytesPerSample; b++) out[o + b] = s + b < ch.length ? ch[s + b]! : fill;
    }
  }
  return need;
}

/** Splits interleaved `src` into `outs` (one per channel); returns samples per channel written. */
export function deinterleave(src: Uint8Array, bytesPerSample: 1 | 2, outs: Uint8Array[]): number {
  const n = outs.length;
  if (n === 0) return 0;
  const samples = Math.floor(src.length / (n * bytesPerSample));
  for (const o of outs) if (o.length < samples * bytesPerSample) throw new RangeError('deinterleave output too short');
  const step = n * bytesPerSample;
  for (let c = 0; c < n; c++) {
    const out = outs[c]!;
    for (let i = 0, o = c * bytesPerSample; i < samples; i++, o += step) {
      for (let b = 0; b < bytesPerSample; b++) out[i * bytesPerSample + b] = src[o + b]!;
    }
  }
  return samples;
}
